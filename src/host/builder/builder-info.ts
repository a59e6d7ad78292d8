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
  const platforms: string[] = []
  for (const node of info.nodes) {
    for (const platform of node.platforms?.split(',') ?? []) if (!platforms.includes(platform)) platforms.push(platform)
  }
  const first = info.nodes[0] ?? {}
  const shown = (value: string): string => neutralizeUntrusted(value, Infinity)
  return {
    driver: shown(info.driver ?? ''),
    platforms: shown(platforms.join(',')),
    // The nodes' driver options hold the proxy variables passed to the builder: no credentials in an output.
    nodes: shown(redactUrlCredentials(JSON.stringify(info.nodes, undefined, 2))),
    endpoint: shown(first.endpoint ?? ''),
    status: shown(first.status ?? ''),
    flags: shown(first['buildkitd-flags'] ?? '')
  }
}

/** `docker buildx inspect NAME` (run with DEBUG=1, which adds the features) → the builder and its nodes. */
export function parseBuilderInspect(data: string): BuilderInfo {
  const builder: BuilderInfo = { nodes: [] }
  let parsingType: string | undefined
  let currentNode: NodeInfo = {}
  let currentGCPolicy: GCPolicy | undefined
  let currentDevice: Device | undefined
  let currentFile: string | undefined
  for (const line of data.trim().split(`\n`)) {
    const [key, ...rest] = line.split(':')
    const lkey = key.toLowerCase()
    const value = rest.map(v => v.trim()).join(':')
    if (key.length == 0) continue
    switch (true) {
      case lkey == 'name':
        parsingType = undefined
        if (builder.name == undefined) {
          builder.name = value
        } else {
          if (currentGCPolicy && currentNode.gcPolicy) {
            currentNode.gcPolicy.push(currentGCPolicy)
            currentGCPolicy = undefined
          }
          if (currentNode.name) builder.nodes.push(currentNode)
          currentNode = { name: value }
        }
        break
      case lkey == 'driver':
        parsingType = undefined
        builder.driver = value
        break
      case lkey == 'last activity':
        parsingType = undefined
        builder.lastActivity = new Date(value)
        break
      case lkey == 'endpoint':
        parsingType = undefined
        currentNode.endpoint = value
        break
      case lkey == 'driver options':
        parsingType = undefined
        currentNode['driver-opts'] = (value.match(/([a-zA-Z0-9_.]+)="([^"]*)"/g) || []).map(v =>
          v.replace(/^(.*)="(.*)"$/g, '$1=$2')
        )
        break
      case lkey == 'status':
        parsingType = undefined
        currentNode.status = value
        break
      case lkey == 'buildkit daemon flags':
      case lkey == 'flags': // buildx < v0.13
        parsingType = undefined
        currentNode['buildkitd-flags'] = value
        break
      case lkey == 'buildkit version':
      case lkey == 'buildkit': // buildx < v0.13
        parsingType = undefined
        currentNode.buildkit = value
        break
      case lkey == 'platforms': {
        parsingType = undefined
        if (!value) break
        // Platforms set by the user (`*`) are the node's preferred ones: only those then.
        const platforms = value.includes('*')
          ? value
              .split(', ')
              .filter(platform => platform.includes('*'))
              .map(platform => platform.replace(/\*/g, ''))
          : value.split(', ')
        currentNode.platforms = platforms.join(',')
        break
      }
      case lkey == 'features':
        parsingType = 'features'
        currentNode.features = {}
        break
      case lkey == 'labels':
        parsingType = 'label'
        currentNode.labels = {}
        break
      case lkey == 'devices':
        parsingType = 'devices'
        currentNode.devices = currentNode.devices || []
        break
      case lkey.startsWith('gc policy rule#'):
        parsingType = 'gcpolicy'
        if (currentNode.gcPolicy && currentGCPolicy) {
          currentNode.gcPolicy.push(currentGCPolicy)
          currentGCPolicy = undefined
        }
        break
      case lkey.startsWith('file#'):
        parsingType = 'file'
        currentFile = key.split('#')[1]
        currentNode.files = currentNode.files || {}
        currentNode.files[currentFile] = ''
        break
      default: {
        if (parsingType && parsingType !== 'devices' && currentNode.devices && currentDevice) {
          currentNode.devices.push(currentDevice)
          currentDevice = undefined
        }
        switch (parsingType || '') {
          case 'features':
            currentNode.features = currentNode.features || {}
            currentNode.features[key.trim()] = Boolean(value)
            break
          case 'label':
            currentNode.labels = currentNode.labels || {}
            currentNode.labels[key.trim()] = value
            break
          case 'devices':
            switch (lkey.trim()) {
              case 'name':
                if (currentNode.devices && currentDevice) currentNode.devices.push(currentDevice)
                currentDevice = { name: value }
                break
              case 'on-demand':
                if (currentDevice && value) currentDevice.onDemand = value == 'true'
                break
              case 'automatically allowed':
                if (currentDevice && value) currentDevice.autoAllow = value == 'true'
                break
              case 'annotations':
                if (currentDevice) currentDevice.annotations = currentDevice.annotations || {}
                break
              default:
                if (currentDevice && currentDevice.annotations) currentDevice.annotations[key.trim()] = value
            }
            break
          case 'gcpolicy':
            currentNode.gcPolicy = currentNode.gcPolicy || []
            currentGCPolicy = currentGCPolicy || {}
            switch (lkey.trim()) {
              case 'all':
                currentGCPolicy.all = value == 'true'
                break
              case 'filters':
                if (value) currentGCPolicy.filter = value.split(',')
                break
              case 'keep duration':
                currentGCPolicy.keepDuration = value
                break
              case 'keep bytes':
                currentGCPolicy.keepBytes = value
                break
              case 'reserved space':
                currentGCPolicy.reservedSpace = value
                break
              case 'max used space':
                currentGCPolicy.maxUsedSpace = value
                break
              case 'min free space':
                currentGCPolicy.minFreeSpace = value
                break
            }
            break
          case 'file':
            if (currentFile && currentNode.files) {
              if (currentNode.files[currentFile].length > 0) currentNode.files[currentFile] += '\n'
              currentNode.files[currentFile] += line.replace(/^\s>\s?/, '')
            }
            break
        }
      }
    }
  }
  if (currentDevice && currentNode.devices) currentNode.devices.push(currentDevice)
  if (currentGCPolicy && currentNode.gcPolicy) currentNode.gcPolicy.push(currentGCPolicy)
  if (currentNode.name) builder.nodes.push(currentNode)
  return builder
}
