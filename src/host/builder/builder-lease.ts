import { link, readdir, readFile, rename, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { PUBLIC_FILE_MODE } from '../../model.js'
import { buildxStoreDir } from '../../paths.js'
import { createFile, inSharedDir, removeDirIfEmpty, stagedPath } from '../file-write.js'
import { bootId, jobDescription, jobProcess, ownJobOwner, type JobOwner } from '../process/job-owner.js'
import { processStartTime } from '../process/processes.js'
import { sleep } from '../../sleep.js'

// Who holds a builder name. A fixed `name` on a self-hosted runner is shared by
// every job that runs there: one job's `replace` must not remove the builder
// another job is still building with, and a name left by a crashed job must be
// taken over. The job that creates a builder leaves a lease beside buildx's own
// record of it, naming the process that runs the job (the runner's worker, this
// step's parent, alive until the job ends); post removes it. A lease whose
// process is gone is a leftover's.

/** The job that holds it (host/process/job-owner.ts): its machine, its worker, that machine's boot. */
export interface Lease extends JobOwner {
  builder: string
  /** For the message: which run and job hold it. */
  job: string
  /**
   * Held only while the job's main decides whether to reuse a warm builder (`cleanup: false`), not
   * for the job's life: a job that finds it so waits (waitForLease). The job's life is its holder
   * file then (joinHolders).
   */
  brief?: boolean
}

/** Where the lease of builder `name` lives: in buildx's builder store (BUILDX_CONFIG too), which has the same reach. */
export function leasePath(name: string, env: NodeJS.ProcessEnv): string {
  return join(buildxStoreDir(env), 'setup-buildkit-registry-leases', `${name}.json`)
}

/** The lease this job would take. */
export function ownLease(builder: string, env: NodeJS.ProcessEnv, pid = jobProcess()): Lease {
  return { builder, ...ownJobOwner(undefined, pid), job: jobDescription(env, pid) }
}

/**
 * True while the job that holds `lease` runs; a lease from another machine counts as held (nothing
 * tells). One taken before this machine's last boot is not held, whatever process has its pid now.
 */
export function isHeld(lease: Lease): boolean {
  if (lease.host !== hostname()) return true
  const boot = bootId()
  if (lease.boot !== undefined && boot !== undefined && lease.boot !== boot) return false
  return lease.started !== '' && processStartTime(lease.pid) === lease.started
}

function sameHolder(a: Lease, b: Lease): boolean {
  return a.host === b.host && a.pid === b.pid && a.started === b.started
}

/** `held` when it is a live job's other than `lease`'s; else undefined. */
function heldByOther(held: Lease | undefined, lease: Lease): Lease | undefined {
  return held && !sameHolder(held, lease) && isHeld(held) ? held : undefined
}

async function readLease(path: string): Promise<Lease | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Lease
  } catch {
    // None, or not one of ours to read: as if none.
    return undefined
  }
}

/**
 * Takes the lease on `lease.builder` for this job; a lease whose job is gone is taken over.
 * Returns the job that holds it when that is another, live job.
 *
 * The lease appears whole or not at all: written to a file of this process's own, then linked into
 * place (link fails if the name exists, so of two jobs starting at once one wins) or, over a dead
 * job's lease, renamed into place. A lease made empty and then written (O_EXCL, then write) could
 * be read in between as "none" and taken by a second job.
 */
export async function takeLease(path: string, lease: Lease): Promise<Lease | undefined> {
  const staged = await stageLease(path, lease)
  try {
    try {
      await link(staged, path)
      return undefined
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const held = heldByOther(await readLease(path), lease)
    if (held) return held
    await rename(staged, path)
    // Two jobs taking over the same dead lease at once both rename; the later one holds it.
    return heldByOther(await readLease(path), lease)
  } finally {
    await rm(staged, { force: true })
  }
}

/** Writes `lease` to a new file staged beside `path` (its directory made again if gone); returns that file. */
async function stageLease(path: string, lease: Lease): Promise<string> {
  const staged = stagedPath(path)
  const text = `${JSON.stringify(lease)}\n`
  await inSharedDir(dirname(path), () => createFile(staged, text, { mode: PUBLIC_FILE_MODE }, 'void after a crash'))
  return staged
}

/**
 * Main of a job sharing a warm builder, once it holds it (joinHolders): others may decide now. True when it was held.
 */
export async function yieldLease(path: string, lease: Lease): Promise<boolean> {
  const held = await readLease(path)
  if (!held || !sameHolder(held, lease)) return false
  await rm(path, { force: true })
  return true
}

/**
 * Post: removes the lease if it is still this job's, and the job's holder file if it has one.
 * True when there was either to remove.
 */
export async function releaseLease(path: string, lease: Lease): Promise<boolean> {
  const released = await yieldLease(path, lease)
  const holder = holderPath(path, lease)
  const holding = existsSync(holder)
  await rm(holder, { force: true })
  // The last job out takes the holders' and the leases' directories with it (file-write.ts).
  await removeDirIfEmpty(holdersDir(path))
  await removeDirIfEmpty(dirname(path))
  return released || holding
}

/**
 * takeLease, waiting while another job's main holds it briefly (deciding about a warm builder, a
 * few seconds): returns the live job that holds it for longer, or that held it briefly past `waitMs`.
 */
export async function waitForLease(path: string, lease: Lease, waitMs = 120_000): Promise<Lease | undefined> {
  const until = Date.now() + waitMs
  for (;;) {
    const held = await takeLease(path, lease)
    if (!held?.brief || Date.now() > until) return held
    await sleep(250)
  }
}

// Holder counting: jobs sharing a warm builder (`cleanup: false`, one `name`) each keep a file of
// their own in NAME.holders/ beside the lease for their life, written whole (staged, renamed) and
// removed by their post; a file whose job is gone (isHeld) counts for nothing and is removed.
// No file is ever rewritten by two jobs, so no count can be lost to a race.

function holdersDir(path: string): string {
  return path.replace(/\.json$/, '.holders')
}

function holderPath(path: string, lease: Lease): string {
  const id = `${lease.host}-${lease.pid}-${lease.started}`.replace(/[^A-Za-z0-9_.-]/g, '_')
  return join(holdersDir(path), `${id}.json`)
}

/** Counts this job among the builder's holders until its post (releaseLease). */
export async function joinHolders(path: string, lease: Lease): Promise<void> {
  const target = holderPath(path, lease)
  await rename(await stageLease(target, { ...lease, brief: undefined }), target)
}

/** The other jobs that hold the builder now; the files of gone ones are removed. */
export async function otherHolders(path: string, lease: Lease): Promise<Lease[]> {
  const dir = holdersDir(path)
  const names = await readdir(dir).catch(() => [] as string[])
  const live: Lease[] = []
  for (const name of names.filter(file => file.endsWith('.json'))) {
    const held = await readLease(join(dir, name))
    if (!held || sameHolder(held, lease)) continue
    if (isHeld(held)) live.push(held)
    else await rm(join(dir, name), { force: true })
  }
  return live
}

/**
 * A live job other than `lease`'s that holds the builder name now (its lease, or a holder file of a
 * warm builder): a crashed job's builder that such a job took over or shares is that job's now.
 */
export async function otherLiveHolder(path: string, lease: Lease): Promise<Lease | undefined> {
  return heldByOther(await readLease(path), lease) ?? (await otherHolders(path, lease))[0]
}
