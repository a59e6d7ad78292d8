import { readFile } from 'node:fs/promises'
import { PUBLIC_FILE_MODE, type BuilderFingerprint } from '../../model.js'
import { replaceFile } from '../file-write.js'
import { tryCommand } from '../process/command.js'
import { dockerEndpointArgs } from './buildkit-container.js'
import { buildkitContainerName } from './buildkit-container.js'

// The record of a warm builder (`cleanup: false`, a fixed `name`): which config it was created
// with and which BuildKit container it runs in. buildx sets no label on a builder's container (its
// docker-container driver options have none, 0.13.1 to 0.29.1) and a container's labels cannot be
// changed once it exists, so the record lives beside the builder's lease in buildx's store, and
// names the container: a builder removed and made again by hand is not taken for the recorded one.

export interface WarmRecord {
  fingerprint: BuilderFingerprint
  /** The id of its first node's BuildKit container. */
  container: string
}

/** Where the record of builder `name` is: beside its lease (`NAME.json`). */
export function warmRecordPath(leasePath: string): string {
  return leasePath.replace(/\.json$/, '.warm.json')
}

export async function readWarmRecord(path: string): Promise<WarmRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as Partial<WarmRecord>
    if (typeof record.container !== 'string' || typeof record.fingerprint !== 'object') return undefined
    return record as WarmRecord
  } catch {
    return undefined
  }
}

/** Written whole (staged, renamed): a job reading it never sees half a record. */
export async function writeWarmRecord(path: string, record: WarmRecord): Promise<void> {
  await replaceFile(path, `${JSON.stringify(record)}\n`, { mode: PUBLIC_FILE_MODE })
}

/** The builder's first BuildKit container (buildx names it `buildx_buildkit_NAME0`): its id and whether it runs. */
export async function buildkitContainerState(
  name: string,
  endpoint: string | undefined
): Promise<{ id: string; running: boolean } | undefined> {
  const container = buildkitContainerName(name.toLowerCase())
  const inspect = ['container', 'inspect', '--format', '{{.Id}} {{.State.Running}}', container]
  const result = await tryCommand('docker', [...dockerEndpointArgs(endpoint), ...inspect])
  const match = /^([0-9a-f]{64}) (true|false)$/.exec(result.stdout.trim())
  return result.exitCode === 0 && match ? { id: match[1], running: match[2] === 'true' } : undefined
}
