import { readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { dockerConfigDir } from '../../paths.js'

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

/** Where the lease of builder `name` lives: beside buildx's builder store, which has the same reach. */
export function leasePath(name: string, env: NodeJS.ProcessEnv): string {
  return join(dockerConfigDir(env), 'buildx', 'setup-buildkit-registry-leases', `${name}.json`)
}

/** A process's start time, from /proc (clock ticks since boot); undefined when it is gone or unknown. */
function processStart(pid: number): string | undefined {
  try {
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** The lease this job would take. */
export function ownLease(builder: string, env: NodeJS.ProcessEnv): Lease {
  const job = [
    env.GITHUB_REPOSITORY,
    env.GITHUB_RUN_ID && `run ${env.GITHUB_RUN_ID}`,
    env.GITHUB_JOB && `job ${env.GITHUB_JOB}`
  ]
  return {
    builder,
    host: hostname(),
    pid: process.ppid,
    started: processStart(process.ppid) ?? '',
    job: job.filter(part => !!part).join(', ') || `process ${process.ppid}`
  }
}

/** True while the job that holds `lease` runs; a lease from another machine counts as held (nothing tells). */
export function isHeld(lease: Lease): boolean {
  if (lease.host !== hostname()) return true
  return lease.started !== '' && processStart(lease.pid) === lease.started
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
 * Takes the lease on `lease.builder` for this job: made with O_EXCL, so of two
 * jobs starting at once one wins; a lease whose job is gone is taken over.
 * Returns the job that holds it when that is another, live job.
 */
export async function takeLease(path: string, lease: Lease): Promise<Lease | undefined> {
  await mkdir(dirname(path), { recursive: true })
  const content = `${JSON.stringify(lease)}\n`
  try {
    await writeFile(path, content, { flag: 'wx' })
    return undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const held = await readLease(path)
  if (held && !sameHolder(held, lease) && isHeld(held)) return held
  await writeFile(path, content)
  return undefined
}

/** Post: removes the lease if it is still this job's. */
export async function releaseLease(path: string, lease: Lease): Promise<void> {
  const held = await readLease(path)
  if (held && sameHolder(held, lease)) await rm(path, { force: true })
}
