import { link, mkdir, readFile, rename, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { PUBLIC_FILE_MODE } from '../../model.js'
import { buildxStoreDir } from '../../paths.js'
import { createFile, stagedPath } from '../file-write.js'
import { processStartTime } from '../process/processes.js'

// Who holds a builder name. A fixed `name` on a self-hosted runner is shared by
// every job that runs there: one job's `replace` must not remove the builder
// another job is still building with, and a name left by a crashed job must be
// taken over. The job that creates a builder leaves a lease beside buildx's own
// record of it, naming the process that runs the job (the runner's worker, this
// step's parent, alive until the job ends); post removes it. A lease whose
// process is gone is a leftover's.

export interface Lease {
  builder: string
  /** The machine the job runs on: a process id means nothing elsewhere. */
  host: string
  /** The runner's worker process and its start time (so a reused pid is not taken for it). */
  pid: number
  started: string
  /** For the message: which run and job hold it. */
  job: string
}

/** Where the lease of builder `name` lives: in buildx's builder store (BUILDX_CONFIG too), which has the same reach. */
export function leasePath(name: string, env: NodeJS.ProcessEnv): string {
  return join(buildxStoreDir(env), 'setup-buildkit-registry-leases', `${name}.json`)
}

/**
 * The process whose life is the job's: the step's parent, the runner's worker. In a container job
 * the step is a `docker exec` whose parent is outside the container (ppid 0): there the container's
 * init, pid 1, which lives exactly as long as the job container, stands for the job.
 */
export function jobProcess(parentPid = process.ppid): number {
  return parentPid === 0 ? 1 : parentPid
}

/** The lease this job would take. */
export function ownLease(builder: string, env: NodeJS.ProcessEnv, pid = jobProcess()): Lease {
  const job = [
    env.GITHUB_REPOSITORY,
    env.GITHUB_RUN_ID && `run ${env.GITHUB_RUN_ID}`,
    env.GITHUB_JOB && `job ${env.GITHUB_JOB}`
  ]
  return {
    builder,
    host: hostname(),
    pid,
    started: processStartTime(pid) ?? '',
    job: job.filter(part => !!part).join(', ') || `process ${pid}`
  }
}

/** True while the job that holds `lease` runs; a lease from another machine counts as held (nothing tells). */
export function isHeld(lease: Lease): boolean {
  if (lease.host !== hostname()) return true
  return lease.started !== '' && processStartTime(lease.pid) === lease.started
}

function sameHolder(a: Lease, b: Lease): boolean {
  return a.host === b.host && a.pid === b.pid && a.started === b.started
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
  await mkdir(dirname(path), { recursive: true })
  const staged = stagedPath(path)
  await createFile(staged, `${JSON.stringify(lease)}\n`, { mode: PUBLIC_FILE_MODE })
  try {
    try {
      await link(staged, path)
      return undefined
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const held = await readLease(path)
    if (held && !sameHolder(held, lease) && isHeld(held)) return held
    await rename(staged, path)
    // Two jobs taking over the same dead lease at once both rename; the later one holds it.
    const now = await readLease(path)
    return now && !sameHolder(now, lease) && isHeld(now) ? now : undefined
  } finally {
    await rm(staged, { force: true })
  }
}

/** Post: removes the lease if it is still this job's. */
export async function releaseLease(path: string, lease: Lease): Promise<void> {
  const held = await readLease(path)
  if (held && sameHolder(held, lease)) await rm(path, { force: true })
}
