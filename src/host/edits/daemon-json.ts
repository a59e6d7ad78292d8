import { isDeepStrictEqual } from 'node:util'
import { lstat, readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { DaemonPaths } from '../../paths.js'
import { jobProcess } from '../process/job-owner.js'
import { processStartTime } from '../process/processes.js'
import { sleep } from '../../sleep.js'
import { tryCommand } from '../process/command.js'
import type { FileAccess } from './file-access.js'
import { withFileLock } from './file-lock.js'
import { backUp, fileNow, readIfExists, sha256, type FileChange } from './file-undo.js'
import { parseJsonObject, stringifyLike, type JsonObject } from './json-file.js'

// `insecure-registries` in daemon.json, which jobs on one daemon share. Every read-change-write
// (and the reload that applies it) holds one lock beside the file (file-lock.ts), so two jobs
// never write over each other's entries. A ledger beside it, changed under the same lock, keeps
// the file as it was before the first of the running jobs changed it and the hosts each job
// added: a post step removes its own hosts from the file as it is now, and the last job out puts
// the file back byte for byte (or removes it) when nothing else changed in between.

/** What main changed in daemon.json, saved in state before it writes. */
export interface DaemonJsonRecord {
  pidFile: string
  /** The hosts main added to insecure-registries. */
  added: string[]
  /** The job's name in the ledger (its job directory's). */
  job?: string
  change: FileChange
}

/** Beside daemon.json, root's as the file is: which running jobs changed it, and how it was before. */
interface Ledger {
  /** daemon.json's text before the first of `jobs` changed it; absent when there was no file. */
  original?: string
  /** The text the last job of this action wrote: a file changed since was changed by someone else. */
  written: string
  /**
   * Each job with hosts in the file: the hosts, and the job's process (a crashed job's entry is left out when the
   * ledger is next written).
   */
  jobs: Record<string, { hosts: string[]; pid: number; started: string }>
}

/** For a daemon.json the action creates: 2 spaces, as dockerd's documentation writes it. */
const DAEMON_JSON_INDENT = '  '

const lockPath = (daemonJson: string): string => `${daemonJson}.setup-buildkit-registry.lock`
const ledgerPath = (daemonJson: string): string => `${daemonJson}.setup-buildkit-registry.json`

export function insecureRegistries(config: JsonObject): string[] {
  return (config['insecure-registries'] as string[] | undefined) ?? []
}

async function readLedger(daemonJson: string): Promise<Ledger | undefined> {
  const text = (await readIfExists(ledgerPath(daemonJson)))?.toString('utf8')
  try {
    const ledger = text === undefined ? undefined : (JSON.parse(text) as Ledger)
    return typeof ledger?.jobs === 'object' && ledger.jobs !== null ? ledger : undefined
  } catch {
    return undefined
  }
}

/** Readable by whom daemon.json is (the ledger holds its text, which may hold a proxy's password). */
async function writeLedger(fs: FileAccess, daemonJson: string, ledger: Ledger): Promise<void> {
  if (Object.keys(ledger.jobs).length === 0) {
    await fs.rm(ledgerPath(daemonJson))
    return
  }
  const meta = await metaOf(daemonJson).catch(() => ({ mode: 0o644 }))
  await fs.writeFile(ledgerPath(daemonJson), `${JSON.stringify(ledger)}\n`, meta)
}

/** The ledger's entries of jobs that still run (a crashed job's hosts stay in the file, its entry goes). */
function runningJobs(ledger: Ledger | undefined): Ledger['jobs'] {
  return Object.fromEntries(
    Object.entries(ledger?.jobs ?? {}).filter(([, job]) => processStartTime(job.pid) === job.started)
  )
}

/**
 * Adds `hosts` to insecure-registries and reloads the daemon, under the lock. The file before is
 * backed up to `jobDir`; `save` runs before the write. Undefined when all were listed already.
 */
export async function addInsecureRegistries(
  fs: FileAccess,
  paths: DaemonPaths,
  hosts: string[],
  jobDir: string,
  save: (record: DaemonJsonRecord) => void
): Promise<DaemonJsonRecord | undefined> {
  const path = paths.daemonJson
  await fs.mkdirs(dirname(path))
  return withFileLock(fs, lockPath(path), path, async () => {
    const text = (await readIfExists(path))?.toString('utf8')
    const config = parseJsonObject(path, text ?? '')
    const listed = insecureRegistries(config)
    const added = hosts.filter(host => !listed.includes(host))
    if (added.length === 0) return undefined
    const content = stringifyLike(text, { ...config, 'insecure-registries': [...listed, ...added] }, DAEMON_JSON_INDENT)
    const before = await backUp(path, join(jobDir, 'daemon.json.backup'))
    const job = basename(jobDir)
    const record = { pidFile: paths.pidFile, added, job, change: { path, before, written: sha256(content) } }
    save(record)
    const ledger = await readLedger(path)
    const jobs = runningJobs(ledger)
    const pid = jobProcess()
    await writeLedger(fs, path, {
      // A ledger whose jobs all crashed still knows the file before them: their hosts are still in
      // it, for a later job's reclaim (steps/reclaim-phase.ts), which then gives the file back whole.
      original: ledger ? ledger.original : text,
      written: sha256(content),
      jobs: { ...jobs, [job]: { hosts: added, pid, started: processStartTime(pid) ?? '' } }
    })
    await fs.writeFile(path, content, before ?? { mode: 0o644 })
    await reloadDaemon(fs, paths.pidFile, added, true)
    return record
  })
}

/**
 * Removes the job's hosts from insecure-registries as the file is now, under the lock, and reloads
 * the daemon; other jobs' hosts and anyone's other changes stay. The last job out gives the file
 * back as it was before the first job (bytes, or no file) when that is what is left. A note for a
 * file someone other than this action changed since.
 */
export async function removeInsecureRegistries(fs: FileAccess, json: DaemonJsonRecord): Promise<string[]> {
  const { path } = json.change
  return withFileLock(fs, lockPath(path), path, async () => {
    const now = await fileNow(json.change)
    const ledger = await readLedger(path)
    const others = runningJobs(ledger)
    if (json.job) delete others[json.job]
    if (ledger) await writeLedger(fs, path, { ...ledger, jobs: others })
    if (now.state === 'as-before') return []
    if (now.text === undefined)
      return [
        `${path} was removed after the main step; the Docker daemon may still list ${json.added.join(', ')} in ` +
          'insecure-registries until it reloads.'
      ]
    // Without a ledger (removed by hand), the job's own backup is the file before.
    const original = ledger ? ledger.original : await backupText(json.change)
    const originalConfig = original === undefined ? undefined : parseJsonObject(path, original)
    const current = parseJsonObject(path, now.text)
    const ours = insecureRegistries(current).filter(host => json.added.includes(host))
    const remaining = { ...current, 'insecure-registries': insecureRegistries(current).filter(h => !ours.includes(h)) }
    const last = Object.keys(others).length === 0
    const keyGoes =
      last &&
      !(originalConfig && 'insecure-registries' in originalConfig) &&
      remaining['insecure-registries'].length === 0
    const final = keyGoes ? withoutKey(remaining) : remaining
    const meta = await metaOf(path)
    const layout = (config: JsonObject): string => stringifyLike(now.text, config, DAEMON_JSON_INDENT)
    if (ours.length > 0) {
      // dockerd's reload leaves insecure-registries as they were when the key is absent: it must
      // see an explicit list first, even when the key then goes.
      await fs.writeFile(path, layout(remaining), meta)
      await reloadDaemon(fs, json.pidFile, ours, false)
    }
    if (last && isDeepStrictEqual(final, originalConfig ?? {})) {
      // Nothing else changed since the first job: the file as it was, byte for byte, or none; its
      // mode and owner from before the job when there was a file, else as they are now.
      if (original === undefined) await fs.rm(path)
      else await fs.writeFile(path, original, json.change.before ?? meta)
    } else if (keyGoes) await fs.writeFile(path, layout(final), meta)
    if (ledger && !last) await writeLedger(fs, path, { ...ledger, written: sha256(layout(final)), jobs: others })
    const byOthers = now.state === 'changed' && sha256(now.text) !== ledger?.written
    return byOthers
      ? [
          `${path} was changed after the main step: kept that change and removed only what the job added ` +
            `(${json.added.join(', ')} in insecure-registries).`
        ]
      : []
  })
}

function withoutKey(config: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'insecure-registries'))
}

async function backupText(change: FileChange): Promise<string | undefined> {
  return change.before ? (await readFile(change.before.backup)).toString('utf8') : undefined
}

async function metaOf(path: string): Promise<{ mode: number; uid: number; gid: number }> {
  const { mode, uid, gid } = await lstat(path)
  return { mode: mode & 0o7777, uid, gid }
}

/**
 * SIGHUP makes dockerd reload daemon.json; insecure-registries is one of the
 * settings it applies live, so running containers (service containers, the
 * builder) keep running. Waits until `docker info` shows the change.
 */
async function reloadDaemon(fs: FileAccess, pidFile: string, hosts: string[], insecure: boolean): Promise<void> {
  const pid = (await readIfExists(pidFile))?.toString('utf8').trim()
  if (!pid)
    throw new Error(
      `cannot find dockerd's pid file ${pidFile} to reload it: reload or restart the Docker daemon yourself`
    )
  await fs.kill(Number(pid), 'SIGHUP')
  const deadline = Date.now() + 30000
  for (;;) {
    const info = await tryCommand('docker', ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}'])
    if (info.exitCode === 0) {
      const configs = JSON.parse(info.stdout) as Record<string, { Secure?: boolean }>
      if (hosts.every(host => (configs[host]?.Secure === false) === insecure)) return
    }
    if (Date.now() > deadline)
      throw new Error(
        `the Docker daemon did not apply insecure-registries ${JSON.stringify(hosts)} within 30 s of a reload: ` +
          `check ${pidFile} and the daemon's log`
      )
    await sleep(200)
  }
}
