import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUILDKIT_IMAGE } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startFaultProxy, TOO_MANY_REQUESTS_BODY } from '../helpers/fault-proxy.js'
import { startBlackhole, startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// The builder's own image, with no `image=` option: buildx boots moby/buildkit:buildx-stable-1,
// which this machine cannot pull (no Docker Hub here). A loopback registry serves it as a Docker
// Hub mirror would; the action loads it under buildx's name before the create, and buildx boots
// from it. Only this file touches that tag: it is removed before and after each test (the tag,
// not the image: BUILDKIT_IMAGE, the same image, stays).

const BUILDX_DEFAULT = 'moby/buildkit:buildx-stable-1'
let mirror: RunningServer

function removeDefaultTag(): void {
  spawnSync('docker', ['rmi', BUILDX_DEFAULT], { stdio: 'ignore' })
}

function inDaemon(name: string): boolean {
  return spawnSync('docker', ['image', 'inspect', name], { stdio: 'ignore' }).status === 0
}

/** Every image name the daemon has that starts with `prefix` (a mirror's host): none may be left. */
function namesStartingWith(prefix: string): string[] {
  return execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
    .split('\n')
    .filter(name => name.startsWith(prefix))
}

/**
 * Pushes the test image to `host` under buildx's default name with the daemon (127.0.0.1 is
 * insecure to it), logged in with a client config of its own when `login` is given; untags after.
 */
function pushDefaultImageTo(host: string, login?: { user: string; password: string }): void {
  const target = `${host}/${BUILDX_DEFAULT}`
  const config = mkdtempSync(join(tmpdir(), 'sbr-push-config-'))
  const env = { ...process.env, DOCKER_CONFIG: config }
  execFileSync('docker', ['tag', BUILDKIT_IMAGE, target], { stdio: 'pipe' })
  try {
    if (login)
      execFileSync('docker', ['login', '--username', login.user, '--password-stdin', host], {
        input: login.password,
        stdio: ['pipe', 'pipe', 'pipe'],
        env
      })
    execFileSync('docker', ['push', target], { stdio: 'pipe', env })
  } finally {
    spawnSync('docker', ['rmi', target], { stdio: 'ignore' })
    rmSync(config, { recursive: true, force: true })
  }
}

/** The action with the loopback `mirrorHost` as Docker Hub's mirror (plain HTTP), and no `image=`. */
function mirrorInputs(mirrorHost: string): Record<string, string> {
  return { mirror: mirrorHost, registries: `${mirrorHost} http`, preflight: 'off' }
}

beforeAll(async () => {
  requireDocker()
  mirror = await startRegistry({ logRequests: true })
  // The test image, at the mirror under buildx's default name.
  pushDefaultImageTo(mirror.host)
}, 120000)

beforeEach(removeDefaultTag)

afterEach(async () => {
  await tearDownAll()
  removeDefaultTag()
})

afterAll(async () => {
  await mirror?.stop()
})

describe('the builder image', () => {
  it('comes through the mirror when the daemon lacks it: the builder boots and pushes', async () => {
    expect(inDaemon(BUILDX_DEFAULT)).toBe(false)
    const job = newTestJob()
    const main = await setUp(job, mirrorInputs(mirror.host))
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(`${BUILDX_DEFAULT} loaded from the mirror ${mirror.host}`)
    // The blobs came from the mirror, asked for as a mirror of Docker Hub (ns=docker.io).
    expect(mirror.output()).toMatch(/"GET \/v2\/moby\/buildkit\/blobs\/sha256:[a-f0-9]{64}\?ns=docker\.io HTTP/)
    expect(inDaemon(BUILDX_DEFAULT)).toBe(true)
    expect(namesStartingWith(mirror.host)).toEqual([])

    const pushed = await buildAndPush(job, `${mirror.host}/sbr/booted-from-mirror:1`)
    expect(pushed).toMatchObject({ status: 0 })
    await expectPushed({ host: mirror.host, tls: false }, 'sbr/booted-from-mirror', '1', pushed.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    // Post leaves the image, as after any boot; the tag is this file's to remove (afterEach).
    expect(inDaemon(BUILDX_DEFAULT)).toBe(true)
  })

  it('a mirror that answers 503 twice: retried, logged, and the builder boots', async () => {
    const flaky = await startFaultProxy(mirror.host, { status: 503, count: 2 })
    try {
      const job = newTestJob()
      const main = await setUp(job, mirrorInputs(flaky.host))
      expect(main.exitCode).toBe(0)
      expect(main.log).toMatch(/answered 503[^\n]*retrying in 1 s \(attempt 2 of 4\)/)
      expect(main.log).toMatch(/answered 503[^\n]*retrying in 2 s \(attempt 3 of 4\)/)
      expect(main.log).toContain(`${BUILDX_DEFAULT} loaded from the mirror ${flaky.host}`)
      expect(flaky.requests().filter(line => line.endsWith('-> 503'))).toHaveLength(2)
      expect(namesStartingWith(flaky.host)).toEqual([])
      const pushed = await buildAndPush(job, `${mirror.host}/sbr/booted-after-retries:1`)
      expect(pushed).toMatchObject({ status: 0 })
      await expectPushed({ host: mirror.host, tls: false }, 'sbr/booted-after-retries', '1', pushed.marker)
      expect((await tearDown(job)).exitCode).toBe(0)
    } finally {
      await flaky.stop()
    }
  })

  it('a mirror that rate-limits (429): the step fails with the rate limit and its fixes, and no builder is made', async () => {
    const limited = await startFaultProxy(mirror.host, { status: 429, count: Infinity, body: TOO_MANY_REQUESTS_BODY })
    try {
      const job: TestJob = newTestJob()
      const name = 'sbr-image-rate-limited'
      const main = await setUp(job, { ...mirrorInputs(limited.host), name })
      expect(main.exitCode).not.toBe(0)
      const error = main.log.split('\n').find(line => line.startsWith('::error::')) ?? ''
      expect(error).toContain("Docker Hub's rate limit (429 toomanyrequests)")
      expect(error).toContain(limited.host)
      expect(error).toContain('TOOMANYREQUESTS: You have reached your pull rate limit')
      expect(error).toMatch(/Fix: log in to docker\.io before this step \(docker\/login-action/)
      expect(error).toContain(`\`credentials\`: ${limited.host}=USERNAME:PASSWORD`)
      // Not retried: a rate limit does not lift in seconds.
      expect(main.log).not.toContain('retrying')
      expect(inDaemon(BUILDX_DEFAULT)).toBe(false)
      expect(containerExists(name)).toBe(false)
      expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).status).not.toBe(0)
      expect((await tearDown(job)).exitCode).toBe(0)
    } finally {
      await limited.stop()
    }
  })

  it('a TLS mirror behind the private CA (`ca-cert`) that wants a login (`credentials`)', async () => {
    const pki: TestPki = makePki()
    const login = { user: 'ci', password: 'mirror-secret-5b1e' }
    const secure = await startRegistry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
      htpasswd: login,
      logRequests: true
    })
    try {
      pushDefaultImageTo(secure.host, login)
      const job = newTestJob()
      const main = await setUp(job, {
        mirror: secure.host,
        'ca-cert': pki.caCert,
        credentials: `${secure.host}=${login.user}:${login.password}`,
        preflight: 'off'
      })
      expect(main.exitCode).toBe(0)
      expect(main.log).toContain(`through the mirror ${secure.host} (tls, as ci)`)
      expect(main.log).toContain(`${BUILDX_DEFAULT} loaded from the mirror ${secure.host}`)
      expect(secure.output()).toMatch(/"GET \/v2\/moby\/buildkit\/blobs\/sha256:[a-f0-9]{64}\?ns=docker\.io HTTP/)
      expect(namesStartingWith(secure.host)).toEqual([])
      const pushed = await buildAndPush(job, `${secure.host}/sbr/booted-from-tls-mirror:1`)
      expect(pushed).toMatchObject({ status: 0 })
      await expectPushed(
        { host: secure.host, tls: true, ca: pki.caCert, basic: login },
        'sbr/booted-from-tls-mirror',
        '1',
        pushed.marker
      )
      expect((await tearDown(job)).exitCode).toBe(0)
    } finally {
      await secure.stop()
    }
  })

  it('a cancelled job stops the fetch at once: the step fails saying so, before any builder', async () => {
    // A mirror that accepts the connection and never answers: the fetch waits until cancelled.
    const silent = await startBlackhole()
    try {
      const job = newTestJob()
      const name = 'sbr-image-cancelled'
      const main = await setUp(
        job,
        { ...mirrorInputs(silent.host), name },
        { cancelWhen: /^Fetching docker\.io\/moby\/buildkit:buildx-stable-1 through the mirror/m }
      )
      // Ended by itself on the runner's SIGINT, well before its SIGTERM.
      expect(main.signalsSent).toEqual(['SIGINT'])
      expect(main.exitCode).toBe(1)
      expect(/^::error::(.*)$/m.exec(main.log)?.[1]).toMatch(
        /^The job was cancelled during this step; the post step removes what it made \(.*cancelled/
      )
      expect(inDaemon(BUILDX_DEFAULT)).toBe(false)
      expect(containerExists(name)).toBe(false)
      expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).status).not.toBe(0)
      const post = await tearDown(job)
      expect(post.exitCode).toBe(0)
      expect(post.log).not.toContain('::error::')
    } finally {
      await silent.stop()
    }
  })
})
