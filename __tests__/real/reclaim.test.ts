import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { crashJob, newJob, runMain, type StopMoment } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { lockDaemonConfig } from '../helpers/daemon-config-lock.js'
import { actionFilesInBuildxStore } from '../helpers/files.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, newDockerConfig, requireDocker } from './docker.js'
import { containerExists, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// A persistent self-hosted runner whose jobs die without their post step (the runner's worker
// killed: power lost, the OOM killer): after main, and at each later change (the context made,
// the builder up, the daemon trusted). The next job's main reclaims what each left, exactly as its
// post would have, while a job still running keeps its builder and its daemon trust; the
// reclaiming job then pushes through its own builder. All jobs are one runner: one Docker client
// config, one RUNNER_TEMP, and a Docker endpoint over TLS (so each job's builder runs on a context
// of its own).

const DAEMON_JSON = '/etc/docker/daemon.json'
const CERTS_D = '/etc/docker/certs.d'

let pki: TestPki
let registry: RunningServer
let unlockDaemonConfig: (() => void) | undefined
let machineDaemonJson: { text: string; mode: number } | undefined
/** This file's builders are named `sbr-reclaim-ID-…`, and its registries after ID too. */
const id = randomBytes(3).toString('hex')
const name = (part: string): string => `sbr-reclaim-${id}-${part}`
const hosts = {
  tls: `reclaim-${id}.sbr.test:5443`,
  trusted: `reclaim-trusted-${id}.sbr.test:5443`,
  dead: `reclaim-dead-${id}.sbr.test:5000`
}
const liveHost = `reclaim-live-${id}.sbr.test:5000`

/** The engine's TLS listener (.ci/engines.env), as the tls-endpoint test reaches it. */
function engineTlsEnv(): NodeJS.ProcessEnv {
  const envFile = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.ci', 'engines.env'), 'utf8')
  const value = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(envFile)?.[1] ?? ''
  const certPath = join(value('ENGINE_TLS_DIR'), 'client')
  return { DOCKER_HOST: `tcp://${value('ENGINE_TLS_ADDRESS')}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath }
}

beforeAll(async () => {
  requireDocker()
  pki = makePki()
  registry = await startRegistry()
  unlockDaemonConfig = await lockDaemonConfig()
  machineDaemonJson = existsSync(DAEMON_JSON)
    ? { text: readFileSync(DAEMON_JSON, 'utf8'), mode: statSync(DAEMON_JSON).mode & 0o7777 }
    : undefined
}, 11 * 60000) // with up to 10 min waiting for the daemon config lock

afterAll(async () => {
  try {
    await tearDownAll()
    removeWhatTheTestMade()
    await registry?.stop()
  } finally {
    if (machineDaemonJson) {
      writeFileSync(DAEMON_JSON, machineDaemonJson.text)
      chmodSync(DAEMON_JSON, machineDaemonJson.mode)
    } else rmSync(DAEMON_JSON, { force: true })
    unlockDaemonConfig?.()
  }
})

/**
 * The BuildKit containers and volumes of this file's builders (the kept volume, and whatever a
 * failed test left), its certs.d directory and the daemon.json ledger: not through the action.
 */
function removeWhatTheTestMade(): void {
  const prefix = `buildx_buildkit_${name('')}`
  const list = (args: string[]): string[] =>
    spawnSync('docker', args)
      .stdout.toString()
      .split('\n')
      .filter(line => line.startsWith(prefix))
  const containers = list(['container', 'ls', '--all', '--format', '{{.Names}}'])
  if (containers.length > 0) spawnSync('docker', ['container', 'rm', '--force', ...containers])
  const volumes = list(['volume', 'ls', '--format', '{{.Name}}'])
  if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', '--force', ...volumes])
  for (const host of [hosts.tls, hosts.trusted]) rmSync(join(CERTS_D, host), { recursive: true, force: true })
  rmSync(`${DAEMON_JSON}.setup-buildkit-registry.json`, { force: true })
}

function daemonJsonNow(): { text?: string; mode?: number } {
  if (!existsSync(DAEMON_JSON)) return {}
  return { text: readFileSync(DAEMON_JSON, 'utf8'), mode: statSync(DAEMON_JSON).mode & 0o7777 }
}

const insecureListed = (): string[] =>
  existsSync(DAEMON_JSON) ? (JSON.parse(readFileSync(DAEMON_JSON, 'utf8'))['insecure-registries'] ?? []) : []

const volumeOf = (builder: string): string => `buildx_buildkit_${builder}0_state`
const volumeExists = (volume: string): boolean =>
  spawnSync('docker', ['volume', 'inspect', volume], { stdio: 'ignore' }).status === 0
const containerRunning = (builder: string): boolean =>
  spawnSync('docker', ['container', 'inspect', '--format', '{{.State.Running}}', `buildx_buildkit_${builder}0`])
    .stdout.toString()
    .trim() === 'true'

/** The contexts of the runner's Docker client config, besides `default`. */
function jobContexts(dockerConfig: string): string[] {
  const list = docker(dockerConfig, ['context', 'ls', '--format', '{{.Name}}'])
  expect(list.status).toBe(0)
  return list.stdout.split('\n').filter(name => name !== '' && name !== 'default')
}

/** A job of this runner: the runner's client config and temp directory, its own run. */
function runnerJob(runner: { dockerConfig: string; runnerTemp: string }, run: string): TestJob {
  const env = { ...engineTlsEnv(), DOCKER_CONFIG: runner.dockerConfig, RUNNER_TEMP: runner.runnerTemp }
  return { ...newJob({ ...env, GITHUB_RUN_ID: run, GITHUB_JOB: 'build' }), dockerConfig: runner.dockerConfig }
}

/** A job whose runner dies: main runs (SIGKILLed at `moment`, if any), then its worker is killed. */
async function dyingJob(job: TestJob, inputs: Record<string, string>, moment?: StopMoment): Promise<void> {
  const main = await runMain(job, inputs, moment === undefined ? {} : { killWhen: moment })
  if (moment === undefined) expect(main.exitCode).toBe(0)
  else expect(main.signalsSent).toEqual(['SIGKILL'])
  await crashJob(job)
}

describe('reclaim: what jobs that died without their post step left (issue 26, item 1)', () => {
  it('the next job reclaims each dead job’s builder, container, volume, context, certs.d and daemon.json entries; a running job keeps its own; the push works', async () => {
    const before = daemonJsonNow()
    const runner = { dockerConfig: newDockerConfig(), runnerTemp: mkdtempSync(join(tmpdir(), 'sbr-runner-temp-')) }
    // Each dying job leaves the earlier ones' things alone (`reclaim: false`), for the next job to reclaim.
    const base = { 'driver-opts': bootDriverOpts(), preflight: 'off', reclaim: 'false' }
    // Dies after main, its builder a fixed name.
    await dyingJob(runnerJob(runner, '301'), { ...base, name: name('shared') })
    // Dies after main: builder, context, certs.d and insecure-registries.
    await dyingJob(runnerJob(runner, '303'), {
      ...base,
      'ca-cert': pki.caCert,
      name: name('main'),
      registries: `${hosts.tls}\n${hosts.dead} http`,
      'trust-docker-daemon': 'restart'
    })
    // Still running: took that name over (`reclaim: false`: the dead jobs' other things stay for the next job),
    // and added to daemon.json after a dead job's entry.
    const live = runnerJob(runner, '302')
    const liveInputs = {
      ...base,
      name: name('shared'),
      registries: `${liveHost} http`,
      'trust-docker-daemon': 'restart'
    }
    const liveMain = await setUp(live, liveInputs)
    expect(liveMain.exitCode).toBe(0)
    expect(liveMain.log).not.toContain('Reclaimed')
    // Dies once the daemon trusts its registry (certs.d written), with `keep-state`.
    const trustedInputs = {
      ...base,
      'ca-cert': pki.caCert,
      name: name('trusted'),
      registries: hosts.trusted,
      'trust-docker-daemon': 'true'
    }
    await dyingJob(runnerJob(runner, '304'), { ...trustedInputs, 'keep-state': 'true' }, /^Docker daemon: wrote /m)
    // Dies once its builder is up (`buildx create` names it), and once its context is made (as `buildx create` starts).
    await dyingJob(runnerJob(runner, '305'), { ...base, name: name('up') }, new RegExp(`^${name('up')}$`, 'm'))
    await dyingJob(runnerJob(runner, '306'), { ...base, name: name('ctx') }, /^\[command\]\S*buildx create /m)
    for (const made of ['main', 'trusted', 'up']) expect(containerExists(name(made))).toBe(true)
    expect(jobContexts(runner.dockerConfig).length).toBeGreaterThanOrEqual(5)
    expect(existsSync(join(CERTS_D, hosts.tls))).toBe(true)
    expect(existsSync(join(CERTS_D, hosts.trusted))).toBe(true)
    expect(insecureListed()).toEqual(expect.arrayContaining([hosts.dead, liveHost]))

    const next = runnerJob(runner, '307')
    const main = await setUp(next, { registries: `${registry.host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.log).not.toContain('::error::')
    expect(main.log).not.toContain('::warning::')
    expect(main.exitCode).toBe(0)
    // One line per thing, naming the job that left it and why it is known to be gone.
    const reclaimed = main.log.split('\n').filter(line => line.startsWith('Reclaimed '))
    const gone = (run: string): string => `left by run ${run}, job build \\(its runner process \\d+ is gone\\)\\.$`
    const line = (pattern: string): RegExp => new RegExp(`^Reclaimed ${pattern}`)
    expect(reclaimed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(line(`builder ${name('up')}, its BuildKit container and state volume, ${gone('305')}`)),
        expect.stringMatching(
          line(
            `builder ${name('trusted')} and its BuildKit container; its state volume kept \\(keep-state\\), ${gone('304')}`
          )
        ),
        expect.stringMatching(
          line(
            `Docker daemon trust: ${CERTS_D}/${hosts.trusted}/setup-buildkit-registry-[0-9a-f]{12}\\.crt, ${gone('304')}`
          )
        )
      ])
    )
    expect(reclaimed.some(text => text.includes(`, ${hosts.dead} in ${DAEMON_JSON}, left by run 303`))).toBe(true)
    expect(reclaimed.filter(text => text.startsWith('Reclaimed Docker context ')).length).toBe(5)
    expect(reclaimed.filter(text => text.startsWith('Reclaimed job directory ')).length).toBe(5)
    expect(main.log).toContain(`Keeping builder ${name('shared')}: a running job holds it now (run 302, job build).`)
    expect(main.summary).toContain('Reclaimed from earlier jobs that ended without their post step')

    // The dead jobs' things are gone; the running job's builder, context and trust stay.
    for (const made of ['main', 'trusted', 'up', 'ctx']) expect(containerExists(name(made))).toBe(false)
    expect(volumeExists(volumeOf(name('up')))).toBe(false)
    expect(volumeExists(volumeOf(name('main')))).toBe(false)
    expect(volumeExists(volumeOf(name('trusted')))).toBe(true)
    expect(containerRunning(name('shared'))).toBe(true)
    expect(jobContexts(runner.dockerConfig)).toHaveLength(2)
    expect(existsSync(join(CERTS_D, hosts.tls))).toBe(false)
    expect(existsSync(join(CERTS_D, hosts.trusted))).toBe(false)
    expect(insecureListed()).toContain(liveHost)
    expect(insecureListed()).not.toContain(hosts.dead)
    const names = readdirSync(join(runner.dockerConfig, 'buildx', 'instances')).sort()
    expect(names).toEqual([name('shared'), main.outputs.name].sort())
    expect(readdirSync(runner.runnerTemp).filter(entry => entry.startsWith('setup-buildkit-registry-'))).toHaveLength(2)
    expect(readdirSync(join(runner.dockerConfig, 'buildx', 'setup-buildkit-registry-jobs'))).toHaveLength(2)

    // The reclaiming job works as any other: a push through its builder.
    const pushed = await buildAndPush(next, `${registry.host}/sbr/reclaim:1`)
    expect(pushed.status).toBe(0)
    await expectPushed({ host: registry.host, tls: false }, 'sbr/reclaim', '1', pushed.marker)

    expect((await tearDown(next)).exitCode).toBe(0)
    expect((await tearDown(live)).exitCode).toBe(0)
    // After the last job, daemon.json is as before the first: bytes and mode.
    expect(daemonJsonNow()).toEqual(before)
    expect(jobContexts(runner.dockerConfig)).toEqual([])
    expect(containerExists(name('shared'))).toBe(false)
    // No record, no lease, and not their directories.
    expect(actionFilesInBuildxStore(runner.dockerConfig)).toEqual([])
  }, 600000)

  it('a job killed while it reclaims leaves its claim, and the next job finishes that reclaim', async () => {
    const runner = { dockerConfig: newDockerConfig(), runnerTemp: mkdtempSync(join(tmpdir(), 'sbr-runner-temp-')) }
    const records = join(runner.dockerConfig, 'buildx', 'setup-buildkit-registry-jobs')
    await dyingJob(runnerJob(runner, '401'), { 'driver-opts': bootDriverOpts(), preflight: 'off', name: name('cut') })
    expect(containerExists(name('cut'))).toBe(true)
    // The next job dies as it starts undoing the record it claimed.
    const cut = runnerJob(runner, '402')
    await dyingJob(cut, { registries: `${registry.host} http`, preflight: 'off' }, /^::group::Reclaiming what run 401/m)
    const claims = readdirSync(records).filter(file =>
      /\.claimed-by-setup-buildkit-registry-[0-9a-f]{12}\.json$/.test(file)
    )
    expect(claims).toHaveLength(1)

    const next = runnerJob(runner, '403')
    const main = await setUp(next, { registries: `${registry.host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.log).not.toContain('::error::')
    expect(main.log).not.toContain('::warning::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toMatch(
      /^::group::Reclaiming what run 401, job build left \(its runner process \d+ is gone; the reclaim job setup-buildkit-registry-[0-9a-f]{12} began was cut short(: its own runner process \d+ is gone)?\)$/m
    )
    expect(main.log).toMatch(
      /^Reclaimed Docker context setup-buildkit-registry-[0-9a-f]{12}, left by run 401, job build /m
    )
    expect(main.log).toMatch(/^Reclaimed job directory \S+, left by run 401, job build /m)
    expect(main.log).not.toContain('Reclaiming what run 402')
    expect(containerExists(name('cut'))).toBe(false)
    expect(volumeExists(volumeOf(name('cut')))).toBe(false)
    expect(jobContexts(runner.dockerConfig)).toHaveLength(1)
    // The killed job's own record went too (it had made nothing yet): only this job's is left.
    expect(readdirSync(records)).toHaveLength(1)
    expect(readdirSync(runner.runnerTemp).filter(entry => entry.startsWith('setup-buildkit-registry-'))).toHaveLength(1)
    expect((await tearDown(next)).exitCode).toBe(0)
    expect(actionFilesInBuildxStore(runner.dockerConfig)).toEqual([])
    expect(jobContexts(runner.dockerConfig)).toEqual([])
  }, 300000)
})
