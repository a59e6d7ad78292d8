import { lstat, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { driverCapabilities } from '../../driver.js'
import { buildxStoreDir } from '../../paths.js'
import { dockerEndpointArgs } from './buildkit-container.js'
import {
  isStoreName,
  jsonField,
  readStoreSnapshot,
  readText,
  writeAtomically,
  type StoreSnapshot
} from './buildx-store.js'
import * as core from '@actions/core'
import { tryCommand } from '../process/command.js'

// What `docker buildx rm` would have removed, removed without buildx: for when it cannot. buildx
// 0.13.1 stores a builder before it parses the config, and then refuses to load, and so to
// remove, a builder whose config its parser rejects: without this the builder stays on the runner
// for good. Everything here is named after this job's builder alone; nothing else in buildx's
// store is touched, and nothing is put back.

/** The job's builder, as the undo record knows it. */
export interface BuilderToRemove {
  name: string
  /** Known from the inputs; buildx's stored record says it too, when it is there. */
  driver?: string
  /** `keep-state`: the BuildKit state volume stays, as `buildx rm --keep-state` keeps it. */
  keepState?: boolean
  /** `endpoint`: the daemon of the first node, for when buildx's record of it is gone. */
  endpoint?: string
}

/** One node of a builder as buildx stored it (store.Node: `Name`, `Endpoint`). */
export interface StoredNode {
  name: string
  /** The Docker endpoint (a URL such as unix:///var/run/docker.sock, or a context name) its container runs on. */
  endpoint?: string
  /** kubernetes driver: the namespace of its deployment (driver option `namespace`). */
  namespace?: string
}

/** What can be read of buildx's record of a builder (store.NodeGroup, `instances/NAME`). */
export interface StoredInstance {
  driver?: string
  nodes: StoredNode[]
}

/** buildx's record of a builder, or undefined when the text is not one (a torn or corrupt file). */
export function parseStoredInstance(text: string): StoredInstance | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { Driver, Nodes } = parsed as { Driver?: unknown; Nodes?: unknown }
  const nodes = (Array.isArray(Nodes) ? (Nodes as unknown[]) : []).flatMap(node => {
    const { Name, Endpoint, DriverOpts } = (node ?? {}) as { Name?: unknown; Endpoint?: unknown; DriverOpts?: unknown }
    if (typeof Name !== 'string' || !isStoreName(Name)) return []
    const namespace = (DriverOpts as { namespace?: unknown } | null | undefined)?.namespace
    return [
      {
        name: Name,
        endpoint: typeof Endpoint === 'string' && Endpoint !== '' ? Endpoint : undefined,
        ...(typeof namespace === 'string' && isStoreName(namespace) ? { namespace } : {})
      }
    ]
  })
  return { driver: typeof Driver === 'string' ? Driver : undefined, nodes }
}

/**
 * The nodes whose BuildKit containers are the builder's: those buildx stored, and always the first
 * node buildx names by itself (NAME0, lower-cased as buildx names it) on the `endpoint` the inputs
 * gave, which is all there is to go by once buildx's record is gone (buildx drops it even when it
 * could not stop the nodes) or unreadable. Those without an endpoint run on the daemon the Docker
 * CLI talks to now.
 */
export function builderNodes(name: string, stored: StoredInstance | undefined, endpoint?: string): StoredNode[] {
  const nodes = [...(stored?.nodes ?? [])]
  const first = `${name.toLowerCase()}0`
  if (!nodes.some(node => node.name === first)) nodes.push({ name: first, endpoint: endpoint || undefined })
  return nodes
}

/**
 * The command that deletes a kubernetes builder's BuildKit deployments (one per node, named after
 * it), which buildx could not delete. buildx names a node at random (buildkit-UUID-…): once its
 * record is gone, only the cluster can say which deployment it was.
 */
export function deleteDeploymentsCommand(stored: StoredInstance | undefined): string {
  if (!stored || stored.nodes.length === 0) return 'kubectl delete deployment buildkit-… (the one buildx made for it)'
  return stored.nodes
    .map(node => `kubectl delete deployment ${node.name}${node.namespace ? ` --namespace ${node.namespace}` : ''}`)
    .join(' && ')
}

/** How to leave buildx's store with nothing of the builder in it. */
export interface StoreCleanup {
  /** Paths relative to the store, files or directories, removed if there. */
  remove: string[]
  /** The new text of `current`, when it names the builder: no builder current, as buildx resets it. */
  current?: string
}

/**
 * What of buildx's store is the builder's: its record (`instances/`), its last activity
 * (`activity/`), the refs of its builds (`refs/NAME/`), the bake groups made only of those refs, a
 * `defaults/` entry naming it, and `current` when it names it. buildx files the record under the
 * lower-cased name and the rest under the name as given; both spellings are covered.
 */
export function storeCleanup(name: string, snapshot: StoreSnapshot): StoreCleanup {
  const lower = name.toLowerCase()
  const spellings = [...new Set([lower, name])]
  const remove = [
    ...['instances', 'activity', 'refs'].flatMap(dir => spellings.map(spelling => `${dir}/${spelling}`)),
    ...Object.entries(snapshot.defaults)
      .filter(([, holds]) => holds.trim().toLowerCase() === lower)
      .map(([file]) => `defaults/${file}`),
    ...Object.entries(snapshot.groups)
      .filter(([, refs]) => refs.every(ref => spellings.some(spelling => ref.startsWith(`${spelling}/`))))
      .map(([id]) => `refs/__group__/${id}`)
  ]
  return { remove: [...new Set(remove)], current: currentWithout(lower, snapshot.current) }
}

function currentWithout(lower: string, text: string | undefined): string | undefined {
  const named = jsonField(text, 'Name')
  if (typeof named !== 'string' || named.toLowerCase() !== lower) return undefined
  const key = jsonField(text, 'Key')
  // buildx's own reset (store.Txn.reset): the endpoint's key kept, no builder named.
  return JSON.stringify({ Key: typeof key === 'string' ? key : '', Name: '', Global: false })
}

interface Leftover {
  what: string
  why: string
  /** The command that removes it. */
  how: string
}

/**
 * Removes what is left of the job's builder after `docker buildx rm` (or a failed `buildx create`
 * and its rm) failed with `failure`: its BuildKit containers and their state volumes
 * (docker-container driver; the volumes stay with `keep-state`), then buildx's record of it. Logs
 * one line of what it removed; warns of what it could not, with the command that removes it.
 */
export async function removeBuilderRemnants(builder: BuilderToRemove, failure: unknown): Promise<void> {
  // buildx's first line is the cause; the next only says that it failed.
  const reason = sentence((failure instanceof Error ? failure.message : String(failure)).trim().split('\n')[0])
  const storeDir = buildxStoreDir(process.env)
  const stored = await readText(join(storeDir, 'instances', builder.name.toLowerCase())).then(text =>
    text === undefined ? undefined : parseStoredInstance(text)
  )
  const driver = stored?.driver ?? builder.driver
  const outcome: Outcome = { removed: [], left: [] }
  // The containers first: a volume in use by one cannot go.
  const remnants = driver === undefined ? 'none' : driverCapabilities(driver).remnants
  if (remnants === 'containers') await removeContainers(builder, stored, outcome)
  // The kubernetes driver's BuildKit runs in the cluster, which the action does not reach itself.
  if (remnants === 'deployment')
    outcome.left.push({
      what: 'its BuildKit deployment in the cluster, if any',
      why: 'buildx could not delete it',
      how: deleteDeploymentsCommand(stored)
    })
  await removeStoreEntries(storeDir, builder.name, outcome)
  reportRemnants(builder.name, reason, outcome)
}

/** What went, and what is still there with the reason and the command that removes it. */
interface Outcome {
  removed: string[]
  left: Leftover[]
}

/** Each node's BuildKit container, and its state volume unless `keep-state`, on the node's daemon. */
async function removeContainers(
  builder: BuilderToRemove,
  stored: StoredInstance | undefined,
  { removed, left }: Outcome
): Promise<void> {
  for (const node of builderNodes(builder.name, stored, builder.endpoint)) {
    const container = `buildx_buildkit_${node.name}`
    const objects = [{ kind: 'container', name: container, args: ['rm', '-f', container] }]
    if (!builder.keepState)
      objects.push({ kind: 'volume', name: `${container}_state`, args: ['volume', 'rm', `${container}_state`] })
    for (const object of objects) {
      const args = [...dockerEndpointArgs(node.endpoint), ...object.args]
      const result = await tryCommand('docker', args)
      // `docker rm -f` of no container succeeds too, saying nothing on stdout; a removal names what went.
      if (result.exitCode === 0 && result.stdout.trim() !== '') removed.push(`${object.kind} ${object.name}`)
      else if (result.exitCode !== 0 && !/no such (container|volume)/i.test(result.stderr))
        left.push({
          what: `${object.kind} ${object.name}`,
          why: lastLine(result.stderr),
          how: `docker ${args.join(' ')}`
        })
    }
  }
}

/** The builder's entries in buildx's store, and `current` reset when it names the builder. */
async function removeStoreEntries(storeDir: string, name: string, { removed, left }: Outcome): Promise<void> {
  const cleanup = storeCleanup(name, await readStoreSnapshot(storeDir, name))
  const storeRemoved: string[] = []
  for (const entry of cleanup.remove) {
    const path = join(storeDir, entry)
    if (!(await exists(path))) continue
    try {
      await rm(path, { recursive: true, force: true })
      storeRemoved.push(entry)
    } catch (error) {
      left.push({ what: path, why: (error as Error).message, how: `rm -r ${path}` })
    }
  }
  if (cleanup.current !== undefined) {
    try {
      await writeAtomically(join(storeDir, 'current'), cleanup.current)
      storeRemoved.push('current (reset: it named the builder)')
    } catch (error) {
      const what = `${join(storeDir, 'current')} naming it`
      left.push({ what, why: (error as Error).message, how: 'docker buildx use default' })
    }
  }
  if (storeRemoved.length > 0) removed.push(`${storeRemoved.join(', ')} in buildx's store ${storeDir}`)
}

/** One line of what went; or a warning of what is still there, each reason once, with the commands. */
function reportRemnants(name: string, reason: string, { removed, left }: Outcome): void {
  if (left.length === 0) {
    const done = removed.length > 0 ? `removed ${removed.join(', ')} instead` : 'nothing of it was left'
    core.info(`buildx could not remove builder ${name} (${reason}): ${done}.`)
    return
  }
  // One daemon that does not answer is one reason, said once.
  const whys = new Set(left.map(leftover => leftover.why))
  const still =
    whys.size === 1
      ? `${left.map(leftover => leftover.what).join(', ')} (${[...whys][0]})`
      : left.map(leftover => `${leftover.what} (${leftover.why})`).join(', ')
  const commands = left.map(leftover => leftover.how).join(' && ')
  core.warning(
    `Could not remove builder ${name}: ${reason}${/[?!]$/.test(reason) ? '' : '.'} ` +
      (removed.length > 0 ? `Removed ${removed.join(', ')}; still there: ` : 'Still there: ') +
      `${still}. Once the cause is fixed, remove ${left.length === 1 ? 'it' : 'them'} with \`${commands}\`.`
  )
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false
  )
}

function lastLine(text: string): string {
  return sentence(text.trim().split('\n').pop() || 'no error output')
}

/**
 * Without its final full stop, to sit inside a sentence of ours (docker's "Is the docker daemon running?" keeps its
 * mark).
 */
function sentence(text: string): string {
  return text.replace(/\.$/, '')
}
