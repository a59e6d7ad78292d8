import { hostname } from 'node:os'
import { tryCommand } from './command.js'
import { processStartTime, readProcFile } from './processes.js'

// Which job a lease or a job record belongs to, and whether that job is provably gone. A job is its
// runner's worker process (the step's parent), told from a later process with the same pid by its
// start time, and from the same process on a machine since rebooted (start times restart from
// zero) by the kernel's boot id. A container job's worker is outside the container: the job
// container stands for it, gone when the daemon no longer knows it.

export interface JobOwner {
  /** The machine the job runs on: a process id means nothing elsewhere. */
  host: string
  /** The runner's worker process and its start time (so a reused pid is not taken for it). */
  pid: number
  started: string
  /** The kernel's boot id when the job ran (/proc/sys/kernel/random/boot_id): a reboot changes it. */
  boot?: string
  /** A container job's container id (64 hex digits). */
  container?: string
}

/** What this machine says now, for ownerGoneReason. */
export interface OwnerFacts {
  host: string
  boot: string | undefined
  startedOf: (pid: number) => string | undefined
  /** Whether the daemon says the owner's container no longer exists (asked only for a container job). */
  containerGone?: boolean
}

/** The running kernel's boot id; undefined without /proc. */
export function bootId(): string | undefined {
  return readProcFile('/proc/sys/kernel/random/boot_id')?.trim() || undefined
}

/**
 * The process whose life is the job's: the step's parent, the runner's worker. In a container job
 * the step is a `docker exec` whose parent is outside the container (ppid 0): there the container's
 * init, pid 1, which lives exactly as long as the job container, stands for the job.
 */
export function jobProcess(parentPid = process.ppid): number {
  return parentPid === 0 ? 1 : parentPid
}

/** This job as an owner: its worker, this machine's boot, its container when it runs in one. */
export function ownJobOwner(container?: string, pid = jobProcess()): JobOwner {
  const boot = bootId()
  return {
    host: hostname(),
    pid,
    started: processStartTime(pid) ?? '',
    ...(boot ? { boot } : {}),
    ...(container ? { container } : {})
  }
}

/** For messages: which run and job an owner was (`owner/repo, run 7, job build`), or its process. */
export function jobDescription(env: NodeJS.ProcessEnv, pid: number): string {
  const job = [
    env.GITHUB_REPOSITORY,
    env.GITHUB_RUN_ID && `run ${env.GITHUB_RUN_ID}`,
    env.GITHUB_JOB && `job ${env.GITHUB_JOB}`
  ]
  return job.filter(part => !!part).join(', ') || `process ${pid}`
}

/**
 * Why `owner`'s job is provably gone, or undefined while it may still run. Pure. A container job:
 * only when its container is gone. Otherwise only on this machine (another's pids mean nothing
 * here), and only with a start time to compare (no /proc: nothing can tell).
 */
export function ownerGoneReason(owner: JobOwner, here: OwnerFacts): string | undefined {
  if (owner.container !== undefined)
    return here.containerGone ? `its job container ${owner.container.slice(0, 12)} is gone` : undefined
  if (owner.host !== here.host || owner.started === '') return undefined
  if (owner.boot !== undefined && here.boot !== undefined && owner.boot !== here.boot)
    return 'the machine has rebooted since'
  if (here.startedOf(owner.pid) !== owner.started) return `its runner process ${owner.pid} is gone`
  return undefined
}

/** True when the daemon says the container does not exist (not when it cannot be asked). */
async function containerIsGone(id: string): Promise<boolean> {
  const result = await tryCommand('docker', ['container', 'inspect', '--format', '{{.Id}}', id])
  return result.exitCode !== 0 && /no such (container|object)/i.test(result.stderr)
}

/** ownerGoneReason with this machine's facts. */
export async function whyOwnerIsGone(owner: JobOwner): Promise<string | undefined> {
  const containerGone = owner.container !== undefined ? await containerIsGone(owner.container) : undefined
  return ownerGoneReason(owner, { host: hostname(), boot: bootId(), startedOf: processStartTime, containerGone })
}

/** Whether `value` has an owner's shape (read from a file: anything could be there). */
export function isJobOwner(value: unknown): value is JobOwner {
  const owner = value as Partial<JobOwner> | null
  return (
    typeof owner === 'object' &&
    owner !== null &&
    typeof owner.host === 'string' &&
    Number.isSafeInteger(owner.pid) &&
    (owner.pid ?? 0) > 0 &&
    typeof owner.started === 'string' &&
    /^[0-9]+$/.test(owner.started) &&
    (owner.boot === undefined || (typeof owner.boot === 'string' && /^[0-9a-f-]{36}$/.test(owner.boot))) &&
    (owner.container === undefined || (typeof owner.container === 'string' && /^[0-9a-f]{64}$/.test(owner.container)))
  )
}
