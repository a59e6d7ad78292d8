import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { lockDaemonConfig } from '../helpers/daemon-config-lock.js'
import { docker, newDockerConfig, requireDocker } from './docker.js'
import { newTestJob } from './jobs.js'

// Two jobs on one Docker daemon, both with `trust-docker-daemon: restart`, at the same time (two
// runners on one machine): both end with their insecure-registries, each post step removes its
// own entries only, and after both daemon.json is what it was, byte for byte.

const DAEMON_JSON = '/etc/docker/daemon.json'
const HOST_A = 'jobs-a.sbr.test:5000'
const HOST_B = 'jobs-b.sbr.test:5000'

let unlockDaemonConfig: (() => void) | undefined
let machineDaemonJson: { text: string; mode: number } | undefined
const owedPosts = new Map<Job, () => Promise<unknown>>()

beforeAll(async () => {
  requireDocker()
  unlockDaemonConfig = await lockDaemonConfig()
  machineDaemonJson = existsSync(DAEMON_JSON)
    ? { text: readFileSync(DAEMON_JSON, 'utf8'), mode: statSync(DAEMON_JSON).mode & 0o7777 }
    : undefined
}, 11 * 60000) // with up to 10 min waiting for the daemon config lock

afterAll(async () => {
  try {
    for (const post of owedPosts.values()) await post()
  } finally {
    if (machineDaemonJson) {
      writeFileSync(DAEMON_JSON, machineDaemonJson.text)
      chmodSync(DAEMON_JSON, machineDaemonJson.mode)
    } else rmSync(DAEMON_JSON, { force: true })
    unlockDaemonConfig?.()
  }
})

function daemonJsonNow(): { text?: string; mode?: number } {
  if (!existsSync(DAEMON_JSON)) return {}
  return { text: readFileSync(DAEMON_JSON, 'utf8'), mode: statSync(DAEMON_JSON).mode & 0o7777 }
}

const listed = (): string[] => JSON.parse(readFileSync(DAEMON_JSON, 'utf8'))['insecure-registries'] ?? []

/** The registries the daemon treats as insecure now, as `docker info` says. */
function daemonInsecure(): string[] {
  const info = docker(newDockerConfig(), ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}'])
  const configs = JSON.parse(info.stdout) as Record<string, { Secure: boolean }>
  return [HOST_A, HOST_B].filter(host => configs[host]?.Secure === false)
}

describe('two jobs with trust-docker-daemon: restart on one daemon (issue 25, item 9)', () => {
  it('both mains at once keep both entries; each post removes its own; after both daemon.json is as before, byte for byte', async () => {
    const before = daemonJsonNow()
    const [jobA, jobB] = [newTestJob(), newTestJob()]
    const inputsFor = (host: string): Record<string, string> => ({
      registries: `${host} http`,
      'trust-docker-daemon': 'restart',
      bootstrap: 'false',
      preflight: 'off'
    })
    const [mainA, mainB] = await Promise.all(
      [
        [jobA, HOST_A],
        [jobB, HOST_B]
      ].map(async ([job, host]) => {
        const inputs = inputsFor(host as string)
        const main = await runMain(job as Job, inputs)
        owedPosts.set(job as Job, () => runPost(job as Job, main.state, inputs))
        return main
      })
    )
    expect(mainA.log).not.toContain('::error::')
    expect(mainB.log).not.toContain('::error::')
    expect(listed()).toEqual(expect.arrayContaining([HOST_A, HOST_B]))
    expect(daemonInsecure()).toEqual([HOST_A, HOST_B])

    owedPosts.delete(jobA)
    const postA = await runPost(jobA, mainA.state, inputsFor(HOST_A))
    expect(postA.exitCode).toBe(0)
    expect(postA.log).not.toContain('::warning::')
    expect(listed()).not.toContain(HOST_A)
    expect(listed()).toContain(HOST_B)
    expect(daemonInsecure()).toEqual([HOST_B])

    owedPosts.delete(jobB)
    const postB = await runPost(jobB, mainB.state, inputsFor(HOST_B))
    expect(postB.exitCode).toBe(0)
    expect(postB.log).not.toContain('::warning::')
    expect(daemonJsonNow()).toEqual(before)
    expect(daemonInsecure()).toEqual([])
    // Nothing of the action's left beside the file: no lock, no ledger.
    expect(existsSync(`${DAEMON_JSON}.setup-buildkit-registry.lock`)).toBe(false)
    expect(existsSync(`${DAEMON_JSON}.setup-buildkit-registry.json`)).toBe(false)
  })
})
