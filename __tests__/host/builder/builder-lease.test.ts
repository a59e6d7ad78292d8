import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  isHeld,
  leasePath,
  ownLease,
  releaseLease,
  takeLease,
  type Lease
} from '../../../src/host/builder/builder-lease.js'
import { jobProcess } from '../../../src/host/process/job-owner.js'

// Leases in a real DOCKER_CONFIG directory, held by real processes: this test's own worker stands
// for this job, a `sleep` for another job's worker.

/** A process's start time as /proc/<pid>/stat gives it (field 22), to make another job's lease. */
function startTicks(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}

const others: ChildProcess[] = []
afterAll(() => others.forEach(child => child.kill('SIGKILL')))

/** The lease of another job on this machine, whose worker is a live process (or, after kill, a gone one). */
function otherJob(builder: string): { lease: Lease; worker: ChildProcess } {
  const worker = spawn('sleep', ['60'], { stdio: 'ignore' })
  others.push(worker)
  const pid = worker.pid!
  return {
    lease: { builder, host: hostname(), pid, started: startTicks(pid), job: 'org/repo, run 7, job other' },
    worker
  }
}

const newLeasePath = (builder = 'builder-1'): string =>
  leasePath(builder, { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'sbr-lease-')) })

describe('leasePath', () => {
  it("sits beside buildx's builder store in the Docker client's directory", () => {
    expect(leasePath('ci-builder', { DOCKER_CONFIG: '/home/runner/.docker' })).toBe(
      '/home/runner/.docker/buildx/setup-buildkit-registry-leases/ci-builder.json'
    )
  })
})

describe('leasePath under BUILDX_CONFIG', () => {
  it("follows buildx's store there, where buildx keeps the builder it names", () => {
    expect(leasePath('ci-builder', { DOCKER_CONFIG: '/home/runner/.docker', BUILDX_CONFIG: '/srv/buildx' })).toBe(
      '/srv/buildx/setup-buildkit-registry-leases/ci-builder.json'
    )
  })
})

describe('jobProcess', () => {
  it("is the step's parent, the runner's worker", () => {
    expect(jobProcess(4242)).toBe(4242)
  })

  it("is the container's init in a container job, where the step's parent (docker exec) is outside: ppid 0", () => {
    expect(jobProcess(0)).toBe(1)
    expect(ownLease('b', {}, jobProcess(0))).toMatchObject({ pid: 1, started: startTicks(1) })
  })
})

describe('ownLease', () => {
  it("names this machine and its boot, the job's worker (this step's parent) with its start time, and the run", () => {
    const lease = ownLease('builder-1', { GITHUB_REPOSITORY: 'org/repo', GITHUB_RUN_ID: '42', GITHUB_JOB: 'build' })
    expect(lease).toEqual({
      builder: 'builder-1',
      host: hostname(),
      pid: process.ppid,
      started: startTicks(process.ppid),
      boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      job: 'org/repo, run 42, job build'
    })
    expect(isHeld(lease)).toBe(true)
  })

  it('names the worker process off a runner', () => {
    expect(ownLease('b', {}).job).toBe(`process ${process.ppid}`)
  })
})

describe('isHeld', () => {
  it("is true while the holder's process runs, false once it is gone", async () => {
    const { lease, worker } = otherJob('b')
    expect(isHeld(lease)).toBe(true)
    worker.kill('SIGKILL')
    await new Promise(resolve => worker.once('exit', resolve))
    expect(isHeld(lease)).toBe(false)
  })

  it('is false for a pid now used by another process (its start time differs)', () => {
    const { lease } = otherJob('b')
    expect(isHeld({ ...lease, started: String(Number(lease.started) - 1) })).toBe(false)
    expect(isHeld({ ...lease, started: '' })).toBe(false)
  })

  it('is false for a lease taken before this machine last booted, even when its pid and start time match a process now', () => {
    const { lease } = otherJob('b')
    expect(isHeld({ ...lease, boot: '00000000-0000-0000-0000-000000000000' })).toBe(false)
    expect(isHeld({ ...lease, boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() })).toBe(true)
  })

  it('is true for a lease from another machine: nothing here can tell whether its job runs', () => {
    expect(isHeld({ builder: 'b', host: 'other-runner', pid: 999999, started: '1', job: 'x' })).toBe(true)
  })
})

describe('takeLease and releaseLease', () => {
  it('takes a free name, making the directory', async () => {
    const path = newLeasePath()
    const mine = ownLease('builder-1', {})
    expect(await takeLease(path, mine)).toBeUndefined()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(mine)
  })

  it("returns another live job's lease and leaves it in place", async () => {
    const path = newLeasePath()
    const { lease: theirs } = otherJob('builder-1')
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, JSON.stringify(theirs))
    expect(await takeLease(path, ownLease('builder-1', {}))).toEqual(theirs)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(theirs)
    // Post of this job must not release what it never held.
    await releaseLease(path, ownLease('builder-1', {}))
    expect(existsSync(path)).toBe(true)
  })

  it('of many jobs taking a free name at the same moment, exactly one gets it, and no staged file is left', async () => {
    const path = newLeasePath()
    const jobs = Array.from({ length: 8 }, () => otherJob('builder-1'))
    try {
      const results = await Promise.all(jobs.map(({ lease }) => takeLease(path, lease)))
      const winners = jobs.filter((_, index) => results[index] === undefined)
      expect(winners).toHaveLength(1)
      const held = JSON.parse(readFileSync(path, 'utf8'))
      expect(held).toEqual(winners[0].lease)
      // Every loser was told who holds it, and read it whole.
      for (const result of results.filter(result => result !== undefined)) expect(result).toEqual(held)
      expect(readdirSync(dirname(path))).toEqual(['builder-1.json'])
    } finally {
      for (const { worker } of jobs) worker.kill('SIGKILL')
    }
  })

  it('takes over the lease of a job that is gone, and one that does not parse', async () => {
    const path = newLeasePath()
    const { lease: theirs, worker } = otherJob('builder-1')
    worker.kill('SIGKILL')
    await new Promise(resolve => worker.once('exit', resolve))
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, JSON.stringify(theirs))
    const mine = ownLease('builder-1', {})
    expect(await takeLease(path, mine)).toBeUndefined()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(mine)

    writeFileSync(path, '{ half-written')
    expect(await takeLease(path, mine)).toBeUndefined()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(mine)

    // What a crash can leave of a lease, which is not synced to the disk (host/file-write.ts, Durability).
    writeFileSync(path, '')
    expect(await takeLease(path, mine)).toBeUndefined()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(mine)
  })

  it('takes its own lease again (a second step of the same job) and releases it once', async () => {
    const path = newLeasePath()
    const mine = ownLease('builder-1', { GITHUB_JOB: 'a' })
    await takeLease(path, mine)
    expect(await takeLease(path, { ...mine, job: 'same worker, other words' })).toBeUndefined()
    expect(await releaseLease(path, mine)).toBe(true)
    expect(existsSync(path)).toBe(false)
    // Nothing left to release: said so (a reclaim reports only what it removed).
    expect(await releaseLease(path, mine)).toBe(false)
  })

  it("takes the leases' directory with the last lease out, and keeps it while another is there", async () => {
    const path = newLeasePath()
    const other = join(dirname(path), 'builder-2.json')
    const mine = ownLease('builder-1', {})
    await takeLease(path, mine)
    await takeLease(other, ownLease('builder-2', {}))
    await releaseLease(path, mine)
    expect(readdirSync(dirname(path))).toEqual(['builder-2.json'])
    await releaseLease(other, ownLease('builder-2', {}))
    expect(existsSync(dirname(path))).toBe(false)
    // The next job makes it again.
    expect(await takeLease(path, mine)).toBeUndefined()
  })

  it('of two jobs taking a free name at once, exactly one gets it', async () => {
    const path = newLeasePath()
    const { lease: theirs } = otherJob('builder-1')
    const mine = ownLease('builder-1', {})
    const [first, second] = await Promise.all([takeLease(path, mine), takeLease(path, theirs)])
    const winner = first === undefined ? mine : theirs
    expect([first, second]).toEqual(first === undefined ? [undefined, mine] : [theirs, undefined])
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(winner)
  })
})
