import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import {
  bootId,
  isJobOwner,
  jobDescription,
  ownerGoneReason,
  ownJobOwner,
  type JobOwner,
  type OwnerFacts
} from '../../../src/host/process/job-owner.js'

// Whether a job that left a lease or a record is provably gone: pure, from what the machine says.

const BOOT = '6f1c1c9e-8a53-4a59-9a39-0c3f0c7e1d2a'
const owner: JobOwner = { host: 'runner-1', pid: 4242, started: '777', boot: BOOT }
const here = (over: Partial<OwnerFacts> = {}): OwnerFacts => ({
  host: 'runner-1',
  boot: BOOT,
  startedOf: pid => (pid === 4242 ? '777' : undefined),
  ...over
})

describe('ownerGoneReason', () => {
  it('a job whose worker runs (same pid, same start time, same boot) is not gone', () => {
    expect(ownerGoneReason(owner, here())).toBeUndefined()
  })

  it('a worker that is gone, or whose pid another process has now (another start time), is gone', () => {
    expect(ownerGoneReason(owner, here({ startedOf: () => undefined }))).toBe('its runner process 4242 is gone')
    expect(ownerGoneReason(owner, here({ startedOf: () => '778' }))).toBe('its runner process 4242 is gone')
  })

  it('after a reboot the job is gone, even when a process has its pid and start time again', () => {
    const rebooted = here({ boot: '00000000-0000-0000-0000-000000000000' })
    expect(ownerGoneReason(owner, rebooted)).toBe('the machine has rebooted since')
  })

  it("another machine's job is never judged gone here: its pids mean nothing on this one", () => {
    expect(ownerGoneReason(owner, here({ host: 'runner-2', startedOf: () => undefined }))).toBeUndefined()
  })

  it('without a start time (no /proc when it ran) nothing can tell: not gone', () => {
    expect(ownerGoneReason({ ...owner, started: '' }, here({ startedOf: () => undefined }))).toBeUndefined()
  })

  it('a container job is gone only when the daemon says its container is', () => {
    const inContainer = { ...owner, host: 'c0ffee', pid: 1, container: 'a'.repeat(64) }
    expect(ownerGoneReason(inContainer, here({ containerGone: false }))).toBeUndefined()
    expect(ownerGoneReason(inContainer, here({ containerGone: true }))).toBe('its job container aaaaaaaaaaaa is gone')
  })
})

describe('ownJobOwner and bootId', () => {
  it("names this machine, its boot, the job's worker (this process's parent) and its start time", () => {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    expect(bootId()).toBe(boot)
    const own = ownJobOwner()
    expect(own).toMatchObject({ host: hostname(), pid: process.ppid, boot })
    expect(own.started).toMatch(/^[0-9]+$/)
    expect(own.container).toBeUndefined()
    expect(ownJobOwner('b'.repeat(64)).container).toBe('b'.repeat(64))
    expect(isJobOwner(own)).toBe(true)
  })
})

describe('jobDescription', () => {
  it('names the repository, run and job; off a runner, the process', () => {
    expect(jobDescription({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7', GITHUB_JOB: 'build' }, 1)).toBe(
      'o/r, run 7, job build'
    )
    expect(jobDescription({}, 99)).toBe('process 99')
  })
})

describe('isJobOwner', () => {
  it("takes an owner's shape only: a record's text is anyone's", () => {
    expect(isJobOwner(owner)).toBe(true)
    expect(isJobOwner({ ...owner, container: 'c'.repeat(64) })).toBe(true)
    for (const bad of [
      null,
      'owner',
      { ...owner, pid: 0 },
      { ...owner, pid: '4242' },
      { ...owner, started: '7 7' },
      { ...owner, boot: 'not-a-boot-id' },
      { ...owner, container: '--format={{.Id}}' },
      { ...owner, host: 5 }
    ])
      expect(isJobOwner(bad)).toBe(false)
  })
})
