import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  joinHolders,
  leasePath,
  otherHolders,
  ownLease,
  releaseLease,
  takeLease,
  waitForLease,
  yieldLease,
  type Lease
} from '../../../src/host/builder/builder-lease.js'

// Holder counting (builder-lease.ts), for warm builders that jobs share: real files, and real
// processes standing for other jobs' workers. Beside builder-lease.test.ts, which another change
// extends at the same time.

function startTicks(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}

const workers: ChildProcess[] = []
afterAll(() => workers.forEach(worker => worker.kill('SIGKILL')))

function otherJob(job: string): { lease: Lease; worker: ChildProcess } {
  const worker = spawn('sleep', ['60'], { stdio: 'ignore' })
  workers.push(worker)
  const pid = worker.pid!
  return { lease: { builder: 'warm', host: hostname(), pid, started: startTicks(pid), job }, worker }
}

const newLeasePath = (): string => leasePath('warm', { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'sbr-holders-')) })

async function gone(worker: ChildProcess): Promise<void> {
  worker.kill('SIGKILL')
  await new Promise(resolve => worker.once('exit', resolve))
}

describe('holders of a warm builder', () => {
  it('counts the other live holders, not this job; each post removes its own file only', async () => {
    const path = newLeasePath()
    const own = ownLease('warm', {}, process.pid)
    const [a, b] = [otherJob('run 1'), otherJob('run 2')]
    await joinHolders(path, a.lease)
    await joinHolders(path, b.lease)
    await joinHolders(path, own)
    expect((await otherHolders(path, own)).map(held => held.job).sort()).toEqual(['run 1', 'run 2'])
    await releaseLease(path, a.lease)
    expect((await otherHolders(path, own)).map(held => held.job)).toEqual(['run 2'])
    await releaseLease(path, own)
    expect((await otherHolders(path, b.lease)).map(held => held.job)).toEqual([])
    expect(readdirSync(join(dirname(path), 'warm.holders'))).toHaveLength(1)
  })

  it('a holder whose job is gone counts for nothing, and its file goes', async () => {
    const path = newLeasePath()
    const crashed = otherJob('run 3')
    await joinHolders(path, crashed.lease)
    await gone(crashed.worker)
    expect(await otherHolders(path, ownLease('warm', {}, process.pid))).toEqual([])
    expect(readdirSync(join(dirname(path), 'warm.holders'))).toEqual([])
  })

  it('no holders directory: none', async () => {
    expect(await otherHolders(newLeasePath(), ownLease('warm', {}, process.pid))).toEqual([])
  })
})

describe('a lease held briefly (a warm job deciding)', () => {
  it('waitForLease waits while another job holds it briefly, and takes it once yielded', async () => {
    const path = newLeasePath()
    const deciding = otherJob('run 4')
    expect(await takeLease(path, { ...deciding.lease, brief: true })).toBeUndefined()
    const own = ownLease('warm', {}, process.pid)
    const waiting = waitForLease(path, own, 10_000)
    await new Promise(resolve => setTimeout(resolve, 300))
    await yieldLease(path, { ...deciding.lease, brief: true })
    expect(await waiting).toBeUndefined()
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(own.pid)
  })

  it('returns at once a job that holds it for its life, and the brief holder once the wait is over', async () => {
    const path = newLeasePath()
    const exclusive = otherJob('run 5')
    await takeLease(path, exclusive.lease)
    expect((await waitForLease(path, ownLease('warm', {}, process.pid), 10_000))?.job).toBe('run 5')
    await releaseLease(path, exclusive.lease)
    const slow = otherJob('run 6')
    await takeLease(path, { ...slow.lease, brief: true })
    expect((await waitForLease(path, ownLease('warm', {}, process.pid), 300))?.job).toBe('run 6')
    expect(existsSync(path)).toBe(true)
  })
})
