// What `docker buildx inspect` says about a builder, read into the shape docker/setup-buildx-action
// gives its `nodes` output: @docker/actions-toolkit's Builder.parseInspect (src/buildx/builder.ts),
// ported line for line so the JSON is the same, key for key.
//
// Portions Copyright 2023 actions-toolkit authors, licensed under the Apache License, Version 2.0
// (THIRD_PARTY_NOTICES.md has its text). Changed by setup-buildkit-registry authors: a function
// instead of a static method, strict TypeScript types, builderOutputs (URL credentials redacted).

import { redactUrlCredentials } from '../../proxy.js'
import { neutralizeUntrusted } from '../../untrusted-text.js'

export interface BuilderInfo {
  name?: string
  driver?: string
  lastActivity?: Date
  nodes: NodeInfo[]
}

export interface NodeInfo {
  name?: string
  endpoint?: string
  'driver-opts'?: string[]
  'buildkitd-flags'?: string
  platforms?: string
  status?: string
  buildkit?: string
  features?: Record<string, boolean>
  labels?: Record<string, string>
  devices?: Device[]
  gcPolicy?: GCPolicy[]
  files?: Record<string, string>
}

export interface Device {
  name?: string
  annotations?: Record<string, string>
  autoAllow?: boolean
  onDemand?: boolean
}

export interface GCPolicy {
  all?: boolean
  filter?: string[]
  keepDuration?: string
  keepBytes?: string
  reservedSpace?: string
  maxUsedSpace?: string
  minFreeSpace?: string
}

/** The outputs docker/setup-buildx-action sets from the inspected builder (main.ts, "Inspect builder"). */
export interface BuilderOutputs {
  driver: string
  /** Every node's platforms (the preferred ones where set), each once. */
  platforms: string
  nodes: string
  /** v3's outputs of the first node (v4 lists them, deprecated, and no longer sets them). */
  endpoint: string
  status: string
  flags: string
}

/**
 * The outputs, from what buildx said: each neutralized (not cut), as text of another process that
 * later steps read and may print.
 */
export function builderOutputs(info: BuilderInfo): BuilderOutputs {
  const platforms = new Set(info.nodes.flatMap(node => node.platforms?.split(',') ?? []))
  const first = info.nodes[0] ?? {}
  const shown = (value: string): string => neutralizeUntrusted(value, Infinity)
  return {
    driver: shown(info.driver ?? ''),
    platforms: shown([...platforms].join(',')),
    // The nodes' driver options hold the proxy variables passed to the builder: no credentials in an output.
    nodes: shown(redactUrlCredentials(JSON.stringify(info.nodes, undefined, 2))),
    endpoint: shown(first.endpoint ?? ''),
    status: shown(first.status ?? ''),
    flags: shown(first['buildkitd-flags'] ?? '')
  }
}

/** `docker buildx inspect NAME` (run with DEBUG=1, which adds the features) → the builder and its nodes. */
export function parseBuilderInspect(data: string): BuilderInfo {
  const state: InspectState = { builder: { nodes: [] }, node: {} }
  for (const line of data.trim().split(`\n`)) {
    const [key, ...rest] = line.split(':')
    const value = rest.map(v => v.trim()).join(':')
    if (key.length == 0) continue
    readInspectLine(state, line, key, value)
  }
  if (state.device && state.node.devices) state.node.devices.push(state.device)
  if (state.gcPolicy && state.node.gcPolicy) state.node.gcPolicy.push(state.gcPolicy)
  if (state.node.name) state.builder.nodes.push(state.node)
  return state.builder
}

// The port's one loop, cut by the kind of line: a field of the builder or of a node (unindented,
// ends any section), a section's heading, or a line inside the open section (indented). Keys are
// set in the order the lines come, as actions-toolkit sets them, so the JSON's key order is its.

type Section = 'features' | 'label' | 'devices' | 'gcpolicy' | 'file'

interface InspectState {
  builder: BuilderInfo
  node: NodeInfo
  section?: Section
  gcPolicy?: GCPolicy
  device?: Device
  file?: string
}

function readInspectLine(state: InspectState, line: string, key: string, value: string): void {
  const lkey = key.toLowerCase()
  if (lkey == 'name') {
    state.section = undefined
    readName(state, value)
    return
  }
  const builderField = BUILDER_FIELDS.get(lkey)
  const nodeField = NODE_FIELDS.get(lkey)
  if (builderField || nodeField) {
    state.section = undefined
    builderField?.(state.builder, value)
    nodeField?.(state.node, value)
    return
  }
  if (openSection(state, key, lkey)) return
  if (state.section && state.section !== 'devices' && state.node.devices && state.device) {
    state.node.devices.push(state.device)
    state.device = undefined
  }
  readSectionLine(state, line, key, value)
}

/** The builder's name first; each later `Name:` starts a node. */
function readName(state: InspectState, value: string): void {
  if (state.builder.name == undefined) {
    state.builder.name = value
    return
  }
  if (state.gcPolicy && state.node.gcPolicy) {
    state.node.gcPolicy.push(state.gcPolicy)
    state.gcPolicy = undefined
  }
  if (state.node.name) state.builder.nodes.push(state.node)
  state.node = { name: value }
}

// Maps, not object literals: the keys come from buildx's output, and `constructor` must find nothing.
const BUILDER_FIELDS = new Map<string, (builder: BuilderInfo, value: string) => void>([
  ['driver', (builder, value) => (builder.driver = value)],
  ['last activity', (builder, value) => (builder.lastActivity = new Date(value))]
])

const setFlags = (node: NodeInfo, value: string): string => (node['buildkitd-flags'] = value)
const setBuildkit = (node: NodeInfo, value: string): string => (node.buildkit = value)

const NODE_FIELDS = new Map<string, (node: NodeInfo, value: string) => void>([
  ['endpoint', (node, value) => (node.endpoint = value)],
  [
    'driver options',
    (node, value) =>
      (node['driver-opts'] = (value.match(/([a-zA-Z0-9_.]+)="([^"]*)"/g) || []).map(v =>
        v.replace(/^(.*)="(.*)"$/g, '$1=$2')
      ))
  ],
  ['status', (node, value) => (node.status = value)],
  ['buildkit daemon flags', setFlags],
  ['flags', setFlags], // buildx < v0.13
  ['buildkit version', setBuildkit],
  ['buildkit', setBuildkit], // buildx < v0.13
  ['platforms', (node, value) => value && (node.platforms = preferredPlatforms(value))]
])

/** Platforms set by the user (`*`) are the node's preferred ones: only those then. */
function preferredPlatforms(value: string): string {
  const platforms = value.includes('*')
    ? value
        .split(', ')
        .filter(platform => platform.includes('*'))
        .map(platform => platform.replace(/\*/g, ''))
    : value.split(', ')
  return platforms.join(',')
}

/** A section's heading: its lines follow, indented. */
function openSection(state: InspectState, key: string, lkey: string): boolean {
  const node = state.node
  if (lkey == 'features') {
    node.features = {}
    state.section = 'features'
  } else if (lkey == 'labels') {
    node.labels = {}
    state.section = 'label'
  } else if (lkey == 'devices') {
    node.devices = node.devices || []
    state.section = 'devices'
  } else if (lkey.startsWith('gc policy rule#')) {
    state.section = 'gcpolicy'
    if (node.gcPolicy && state.gcPolicy) {
      node.gcPolicy.push(state.gcPolicy)
      state.gcPolicy = undefined
    }
  } else if (lkey.startsWith('file#')) {
    state.section = 'file'
    state.file = key.split('#')[1]
    node.files = node.files || {}
    node.files[state.file] = ''
  } else {
    return false
  }
  return true
}

function readSectionLine(state: InspectState, line: string, key: string, value: string): void {
  const node = state.node
  switch (state.section) {
    case 'features':
      node.features = node.features || {}
      node.features[key.trim()] = Boolean(value)
      break
    case 'label':
      node.labels = node.labels || {}
      node.labels[key.trim()] = value
      break
    case 'devices':
      readDeviceLine(state, key, value)
      break
    case 'gcpolicy':
      node.gcPolicy = node.gcPolicy || []
      state.gcPolicy = state.gcPolicy || {}
      readGCPolicyLine(state.gcPolicy, key.toLowerCase().trim(), value)
      break
    case 'file':
      if (state.file && node.files) {
        if (node.files[state.file].length > 0) node.files[state.file] += '\n'
        node.files[state.file] += line.replace(/^\s>\s?/, '')
      }
      break
  }
}

function readDeviceLine(state: InspectState, key: string, value: string): void {
  const device = state.device
  switch (key.toLowerCase().trim()) {
    case 'name':
      if (state.node.devices && device) state.node.devices.push(device)
      state.device = { name: value }
      break
    case 'on-demand':
      if (device && value) device.onDemand = value == 'true'
      break
    case 'automatically allowed':
      if (device && value) device.autoAllow = value == 'true'
      break
    case 'annotations':
      if (device) device.annotations = device.annotations || {}
      break
    default:
      if (device && device.annotations) device.annotations[key.trim()] = value
  }
}

/** The GC policy fields buildx prints as they are, by their line's key. */
const GC_POLICY_TEXT = new Map<string, Exclude<keyof GCPolicy, 'all' | 'filter'>>([
  ['keep duration', 'keepDuration'],
  ['keep bytes', 'keepBytes'],
  ['reserved space', 'reservedSpace'],
  ['max used space', 'maxUsedSpace'],
  ['min free space', 'minFreeSpace']
])

function readGCPolicyLine(policy: GCPolicy, field: string, value: string): void {
  const textField = GC_POLICY_TEXT.get(field)
  if (textField) policy[textField] = value
  else if (field == 'all') policy.all = value == 'true'
  else if (field == 'filters' && value) policy.filter = value.split(',')
}
