import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { neverLog, runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { makePki, type TestPki } from '../helpers/certs.js'
import { lockDaemonConfig } from '../helpers/daemon-config-lock.js'
import type { RunningServer } from '../helpers/servers.js'
import { createTestHost, makeTinyImage, removeImage, type TestHost } from '../helpers/test-host.js'
import { docker, newDockerConfig, requireDocker } from './docker.js'
import { newTestJob } from './jobs.js'

// The Docker daemon's trust and the client's credentials, with the real dockerd.
// dockerd counts every registry on 127.0.0.0/8 as insecure, so the registries
// here run on a test host: a network namespace with a name in /etc/hosts.

const PASSWORD = 'sbr-test-password-9f3a'
const DAEMON_JSON = '/etc/docker/daemon.json'

let host: TestHost
let pki: TestPki
let tls: RunningServer
let withAuth: RunningServer
let plain: RunningServer
let daemonJsonBefore: string | undefined
/** The machine's own daemon.json, put back after the tests (they run on it in another tool's layout). */
let machineDaemonJson: { text: string; mode: number; uid: number; gid: number } | undefined
/** The group the tests' daemon.json has: not root's, so that a rewrite that loses the owner shows. */
const FIXTURE_GID = 1
const images: string[] = []
/** The daemon's config is this file's from beforeAll to afterAll (import-docker-trust.test.ts changes it too). */
let unlockDaemonConfig: (() => void) | undefined
/** Post steps still owed: a test that fails midway must not leave the daemon trusting anything. */
const pendingPosts = new Map<Job, () => Promise<unknown>>()

beforeAll(async () => {
  requireDocker()
  unlockDaemonConfig = await lockDaemonConfig()
  if (existsSync(DAEMON_JSON)) {
    const { mode, uid, gid } = statSync(DAEMON_JSON)
    machineDaemonJson = { text: readFileSync(DAEMON_JSON, 'utf8'), mode: mode & 0o7777, uid, gid }
  }
  // As another tool may leave it: 4 spaces, sorted keys, no final newline, mode 0640, group
  // FIXTURE_GID; post must give back these very bytes, mode and owner. The machine's settings, or
  // on a machine without the file (a fresh CI machine) one of dockerd's defaults: dockerd needs no reload.
  const settings = machineDaemonJson
    ? (JSON.parse(machineDaemonJson.text) as Record<string, unknown>)
    : { 'max-concurrent-downloads': 3 }
  writeFileSync(
    DAEMON_JSON,
    JSON.stringify(Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))), null, 4)
  )
  chmodSync(DAEMON_JSON, 0o640)
  chownSync(DAEMON_JSON, 0, FIXTURE_GID)
  daemonJsonBefore = existsSync(DAEMON_JSON) ? readFileSync(DAEMON_JSON, 'utf8') : undefined
  host = await createTestHost({ name: 'trust' })
  pki = makePki([host.name])
  neverLog(PASSWORD)
  const certificate = { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }
  ;[tls, withAuth, plain] = await Promise.all([
    host.startRegistry({ tls: certificate }),
    host.startRegistry({ tls: certificate, htpasswd: { user: 'ci', password: PASSWORD } }),
    host.startRegistry({})
  ])
}, 11 * 60000) // with up to 10 min waiting for the daemon config lock

afterAll(async () => {
  try {
    for (const post of pendingPosts.values()) await post()
    for (const image of images) removeImage(image)
    await host?.destroy()
    // Whatever happened above, the daemon's config is as it was.
    const now = existsSync(DAEMON_JSON) ? readFileSync(DAEMON_JSON, 'utf8') : undefined
    if (machineDaemonJson) {
      writeFileSync(DAEMON_JSON, machineDaemonJson.text)
      chmodSync(DAEMON_JSON, machineDaemonJson.mode)
      chownSync(DAEMON_JSON, machineDaemonJson.uid, machineDaemonJson.gid)
    } else {
      rmSync(DAEMON_JSON, { force: true })
    }
    expect(now).toBe(daemonJsonBefore)
  } finally {
    unlockDaemonConfig?.()
  }
})

function daemonJsonNow(): { text?: string; mode?: number; uid?: number; gid?: number } {
  if (!existsSync(DAEMON_JSON)) return {}
  const { mode, uid, gid } = statSync(DAEMON_JSON)
  return { text: readFileSync(DAEMON_JSON, 'utf8'), mode: mode & 0o7777, uid, gid }
}

function image(registry: RunningServer, name: string): string {
  const tag = `${registry.host}/sbr/${name}:1`
  makeTinyImage(tag)
  images.push(tag)
  return tag
}

/** Main, with its post step owed until the test runs it through `post`. */
async function main(job: Job, inputs: Record<string, string>): ReturnType<typeof runMain> {
  const result = await runMain(job, inputs)
  pendingPosts.set(job, () => runPost(job, result.state, inputs))
  return result
}

async function post(
  job: Job,
  state: Record<string, string>,
  inputs: Record<string, string>
): ReturnType<typeof runPost> {
  pendingPosts.delete(job)
  return runPost(job, state, inputs)
}

describe('trust-docker-daemon', () => {
  it('true: docker push and pull to a self-signed registry fail before and work after; post removes the certs.d entry', async () => {
    const job = newTestJob()
    const tag = image(tls, 'certs')
    const before = docker(job.dockerConfig, ['push', tag])
    expect(before.status).not.toBe(0)
    expect(before.stderr).toMatch(/x509: certificate signed by unknown authority/)

    const inputs = {
      registries: tls.host,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      'trust-docker-daemon': 'true',
      bootstrap: 'false'
    }
    const step = await main(job, inputs)
    expect(step.log).not.toContain('::error::')
    expect(step.exitCode).toBe(0)
    const certsDir = `/etc/docker/certs.d/${tls.host}`
    expect(step.log).toContain(`Docker daemon: wrote ${certsDir}/`)
    expect(docker(job.dockerConfig, ['push', tag])).toMatchObject({ status: 0 })
    removeImage(tag)
    expect(docker(job.dockerConfig, ['pull', tag])).toMatchObject({ status: 0 })

    expect((await post(job, step.state, inputs)).exitCode).toBe(0)
    expect(existsSync(certsDir)).toBe(false)
    expect(docker(job.dockerConfig, ['pull', tag]).stderr).toMatch(/x509: certificate signed by unknown authority/)
  })

  it('credentials: buildx reads them from the client config, docker login works with trust on, and an earlier entry stays', async () => {
    const job = newTestJob()
    const unrelated = {
      auths: { 'other.example': { auth: Buffer.from('someone:else').toString('base64') } },
      detachKeys: 'ctrl-e,e'
    }
    mkdirSync(job.dockerConfig, { recursive: true })
    writeFileSync(join(job.dockerConfig, 'config.json'), JSON.stringify(unrelated))
    const tag = image(withAuth, 'auth')

    const inputs = {
      registries: withAuth.host,
      'ca-cert': pki.caCertPath,
      username: 'ci',
      password: PASSWORD,
      'trust-docker-daemon': 'true',
      bootstrap: 'false'
    }
    const step = await main(job, inputs)
    expect(step.log).not.toContain('::error::')
    expect(step.exitCode).toBe(0)
    const config = JSON.parse(readFileSync(join(job.dockerConfig, 'config.json'), 'utf8'))
    expect(config).toEqual({
      ...unrelated,
      auths: { ...unrelated.auths, [withAuth.host]: { auth: Buffer.from(`ci:${PASSWORD}`).toString('base64') } }
    })

    // The daemon pushes with the client's credentials, over TLS it now trusts.
    expect(docker(job.dockerConfig, ['push', tag])).toMatchObject({ status: 0 })
    // buildx reads the same credentials itself (no daemon): the CA comes from SSL_CERT_FILE, as Go reads it.
    const imagetools = (dockerConfig: string) =>
      docker(dockerConfig, ['buildx', 'imagetools', 'inspect', tag], { SSL_CERT_FILE: pki.caCertPath })
    expect(imagetools(job.dockerConfig)).toMatchObject({ status: 0 })
    expect(imagetools(newDockerConfig()).stderr).toMatch(/no basic auth credentials|unauthorized/i)
    const login = docker(
      job.dockerConfig,
      ['login', '--username', 'ci', '--password-stdin', withAuth.host],
      {},
      PASSWORD
    )
    expect(login.stderr + login.stdout).toContain('Login Succeeded')

    expect((await post(job, step.state, inputs)).exitCode).toBe(0)
    expect(JSON.parse(readFileSync(join(job.dockerConfig, 'config.json'), 'utf8'))).toEqual(unrelated)
  })

  it('restart: an HTTP registry goes into insecure-registries, the daemon reloads, and post gives daemon.json back byte for byte', async () => {
    const before = daemonJsonNow()
    const job = newTestJob()
    const tag = image(plain, 'http')
    expect(docker(job.dockerConfig, ['push', tag]).stderr).toContain('server gave HTTP response to HTTPS client')

    const inputs = { registries: `${plain.host} http`, 'trust-docker-daemon': 'restart', bootstrap: 'false' }
    const step = await main(job, inputs)
    expect(step.log.split('\n').filter(line => line.startsWith('::error::'))).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(JSON.parse(readFileSync(DAEMON_JSON, 'utf8'))['insecure-registries']).toContain(plain.host)
    // Meanwhile the file keeps its layout, mode and owner (the fixture's: beforeAll).
    expect(before).toMatchObject({ mode: 0o640, uid: 0, gid: FIXTURE_GID })
    expect(readFileSync(DAEMON_JSON, 'utf8')).toMatch(/^\{\n {4}"/)
    expect(daemonJsonNow()).toMatchObject({ mode: before.mode, uid: before.uid, gid: before.gid })
    expect(docker(job.dockerConfig, ['push', tag])).toMatchObject({ status: 0 })

    expect((await post(job, step.state, inputs)).exitCode).toBe(0)
    expect(daemonJsonNow()).toEqual(before)
    expect(docker(job.dockerConfig, ['push', tag]).stderr).toContain('server gave HTTP response to HTTPS client')
    // A second post step changes nothing.
    expect((await runPost(job, step.state, inputs)).log).not.toContain('::warning::')
    expect(daemonJsonNow()).toEqual(before)
  })

  it('restart: a daemon.json another tool changed after main keeps that change; post removes only its host, and warns', async () => {
    const before = daemonJsonNow()
    const job = newTestJob()
    const inputs = { registries: `${plain.host} http`, 'trust-docker-daemon': 'restart', bootstrap: 'false' }
    const step = await main(job, inputs)
    expect(step.exitCode).toBe(0)
    // Another tool rewrites the file its own way, with a setting of its own (dockerd's default value, so harmless).
    const changed = { ...JSON.parse(readFileSync(DAEMON_JSON, 'utf8')), 'max-concurrent-downloads': 3 }
    writeFileSync(DAEMON_JSON, JSON.stringify(changed))

    const postStep = await post(job, step.state, inputs)
    expect(postStep.exitCode).toBe(0)
    expect(postStep.log).toContain(`::warning::${DAEMON_JSON} was changed after the main step`)
    const { 'insecure-registries': listed = [], ...others } = JSON.parse(readFileSync(DAEMON_JSON, 'utf8'))
    expect(listed).not.toContain(plain.host)
    expect(others).toMatchObject({ 'max-concurrent-downloads': 3 })
    expect(readFileSync(DAEMON_JSON, 'utf8')).not.toContain('\n')
    expect(
      docker(job.dockerConfig, ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}']).stdout
    ).not.toContain(`"${plain.host}"`)

    // The test's own undo: the file as it was (dockerd's settings are the same again).
    if (before.text === undefined) rmSync(DAEMON_JSON, { force: true })
    else writeFileSync(DAEMON_JSON, before.text)
  })

  it('true with an HTTP registry says what the daemon needs instead of restarting it', async () => {
    const job = newTestJob()
    const inputs = { registries: `${plain.host} http`, 'trust-docker-daemon': 'true', bootstrap: 'false' }
    const step = await main(job, inputs)
    expect(step.exitCode).toBe(0)
    expect(step.log).toContain(`::warning title=Docker daemon trust::The Docker daemon does not trust ${plain.host}`)
    expect(step.summary).toContain('insecure-registries')
    expect(existsSync(DAEMON_JSON) ? readFileSync(DAEMON_JSON, 'utf8') : undefined).toBe(daemonJsonBefore)
    expect((await post(job, step.state, inputs)).exitCode).toBe(0)
  })
})
