import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { neverLog, newJob, runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { makePki, type TestPki } from '../helpers/certs.js'
import type { RunningServer } from '../helpers/servers.js'
import { createTestHost, makeTinyImage, removeImage, type TestHost } from '../helpers/test-host.js'
import { docker, newDockerConfig, requireDocker } from './docker.js'

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
const images: string[] = []
/** Post steps still owed: a test that fails midway must not leave the daemon trusting anything. */
const pendingPosts = new Map<Job, () => Promise<unknown>>()

beforeAll(async () => {
  requireDocker()
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
}, 60000)

afterAll(async () => {
  for (const post of pendingPosts.values()) await post()
  for (const image of images) removeImage(image)
  await host?.destroy()
  // Whatever happened above, the daemon's config is as it was.
  const now = existsSync(DAEMON_JSON) ? readFileSync(DAEMON_JSON, 'utf8') : undefined
  expect(now).toBe(daemonJsonBefore)
})

function image(registry: RunningServer, name: string): string {
  const tag = `${registry.host}/sbr/${name}:1`
  makeTinyImage(tag)
  images.push(tag)
  return tag
}

function newTestJob(): Job & { dockerConfig: string } {
  const dockerConfig = newDockerConfig()
  return { ...newJob({ DOCKER_CONFIG: dockerConfig }), dockerConfig }
}

/** Main, with its post step owed until the test runs it through `post`. */
async function main(job: Job, inputs: Record<string, string>): ReturnType<typeof runMain> {
  const result = await runMain(job, inputs)
  pendingPosts.set(job, () => runPost(job, result.state, inputs))
  return result
}

async function post(job: Job, state: Record<string, string>, inputs: Record<string, string>): ReturnType<typeof runPost> {
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

    const inputs = { registries: tls.host, 'ca-cert': pki.caCert, 'client-cert': pki.clientCert, 'client-key': pki.clientKey, 'trust-docker-daemon': 'true', bootstrap: 'false' }
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
    const unrelated = { auths: { 'other.example': { auth: Buffer.from('someone:else').toString('base64') } }, detachKeys: 'ctrl-e,e' }
    mkdirSync(job.dockerConfig, { recursive: true })
    writeFileSync(join(job.dockerConfig, 'config.json'), JSON.stringify(unrelated))
    const tag = image(withAuth, 'auth')

    const inputs = { registries: withAuth.host, 'ca-cert': pki.caCertPath, username: 'ci', password: PASSWORD, 'trust-docker-daemon': 'true', bootstrap: 'false' }
    const step = await main(job, inputs)
    expect(step.log).not.toContain('::error::')
    expect(step.exitCode).toBe(0)
    const config = JSON.parse(readFileSync(join(job.dockerConfig, 'config.json'), 'utf8'))
    expect(config).toEqual({ ...unrelated, auths: { ...unrelated.auths, [withAuth.host]: { auth: Buffer.from(`ci:${PASSWORD}`).toString('base64') } } })

    // The daemon pushes with the client's credentials, over TLS it now trusts.
    expect(docker(job.dockerConfig, ['push', tag])).toMatchObject({ status: 0 })
    // buildx reads the same credentials itself (no daemon): the CA comes from SSL_CERT_FILE, as Go reads it.
    const imagetools = (dockerConfig: string) =>
      docker(dockerConfig, ['buildx', 'imagetools', 'inspect', tag], { SSL_CERT_FILE: pki.caCertPath })
    expect(imagetools(job.dockerConfig)).toMatchObject({ status: 0 })
    expect(imagetools(newDockerConfig()).stderr).toMatch(/no basic auth credentials|unauthorized/i)
    const login = docker(job.dockerConfig, ['login', '--username', 'ci', '--password-stdin', withAuth.host], {}, PASSWORD)
    expect(login.stderr + login.stdout).toContain('Login Succeeded')

    expect((await post(job, step.state, inputs)).exitCode).toBe(0)
    expect(JSON.parse(readFileSync(join(job.dockerConfig, 'config.json'), 'utf8'))).toEqual(unrelated)
  })

  it('restart: an HTTP registry goes into insecure-registries, the daemon reloads, and post takes it out again', async () => {
    const job = newTestJob()
    const tag = image(plain, 'http')
    expect(docker(job.dockerConfig, ['push', tag]).stderr).toContain('server gave HTTP response to HTTPS client')

    const inputs = { registries: `${plain.host} http`, 'trust-docker-daemon': 'restart', bootstrap: 'false' }
    const step = await main(job, inputs)
    expect(step.log.split('\n').filter(line => line.startsWith('::error::'))).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(JSON.parse(readFileSync(DAEMON_JSON, 'utf8'))['insecure-registries']).toContain(plain.host)
    expect(docker(job.dockerConfig, ['push', tag])).toMatchObject({ status: 0 })

    expect((await post(job, step.state, inputs)).exitCode).toBe(0)
    const after = existsSync(DAEMON_JSON) ? readFileSync(DAEMON_JSON, 'utf8') : undefined
    expect(after).toBe(daemonJsonBefore)
    expect(docker(job.dockerConfig, ['push', tag]).stderr).toContain('server gave HTTP response to HTTPS client')
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
