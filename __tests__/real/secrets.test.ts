import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrivateKey, randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { request } from 'node:http'
import { neverLog } from '../../scripts/github-runner.mjs'
import { BUILDKIT_IMAGE, pushBaseImage } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startForwardProxy } from '../helpers/forward-proxy.js'
import { startHttpsServer, startRegistry, type RunningServer } from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// Secrets go only where they belong, through the bundle as a runner runs it. Every step's log is
// checked for the test password by the emulator (neverLog).

const USER = 'ci'
const PASSWORD = `sbr-secret-${randomBytes(12).toString('hex')}`
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')

let pki: TestPki
const servers: RunningServer[] = []

beforeAll(() => {
  requireDocker()
  pki = makePki()
  neverLog(PASSWORD)
  neverLog(BASIC)
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

/** The buildx plugin this machine's Docker CLI runs (the engines' own: .ci/engine.sh puts it there). */
const REAL_BUILDX = '/usr/local/lib/docker/cli-plugins/docker-buildx'

/**
 * A buildx stand-in where the CLI finds plugins first ($DOCKER_CONFIG/cli-plugins), and where the
 * action looks: it copies its own /proc/PID/`file` (`environ` or `cmdline`, as the kernel holds it
 * for every process) into `recorded`, one file per run, then becomes the real buildx.
 */
function recordingBuildx(dockerConfig: string, file: 'environ' | 'cmdline', recorded: string): void {
  const plugins = join(dockerConfig, 'cli-plugins')
  mkdirSync(plugins, { recursive: true })
  const script = [
    '#!/bin/sh',
    `tr '\\0' '\\n' < /proc/$$/${file} > ${recorded}/$$.${file}`,
    `stat -c %a /proc/$$/${file} > ${recorded}/$$.mode`,
    `exec ${REAL_BUILDX} "$@"`,
    ''
  ]
  writeFileSync(join(plugins, 'docker-buildx'), script.join('\n'), { mode: 0o755 })
}

/** What the stand-in recorded since the last call, each run's lines, with the file's mode; then forgets them. */
function takeRecords(dir: string, file: 'environ' | 'cmdline'): { lines: string[]; mode: string }[] {
  const names = readdirSync(dir)
  const records = names
    .filter(name => name.endsWith(`.${file}`))
    .map(name => ({
      lines: readFileSync(join(dir, name), 'utf8').split('\n'),
      mode: readFileSync(join(dir, name.replace(`.${file}`, '.mode')), 'utf8').trim()
    }))
  for (const name of names) rmSync(join(dir, name))
  return records
}

/** One request a server received, whole. */
interface SeenRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

interface ChallengingMirror extends RunningServer {
  seen(): SeenRequest[]
  /** The anonymous token its realm hands out: the one Authorization a client may bring it. */
  anonymousToken: string
}

/**
 * An HTTPS Docker Hub mirror in front of `upstream` (a plain-HTTP docker-registry) that answers
 * 401 with a challenge and records every request, headers and body. `GET /v2/` (what preflight
 * probes) asks for basic credentials; every pull request asks for a Bearer token from its own
 * realm, which grants an anonymous token (GET; POST, the OAuth2 form a client with credentials
 * tries first, answers 405, so such a client falls back to GET with basic auth). A pull with no
 * credentials works, and a client holding credentials for the mirror would send them.
 */
async function startChallengingMirror(upstream: string): Promise<ChallengingMirror> {
  const seen: SeenRequest[] = []
  const anonymousToken = `anonymous-${randomBytes(8).toString('hex')}`
  let self = ''
  const handler = (incoming: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = incoming.url ?? ''
      seen.push({ method: incoming.method ?? '', url, headers: incoming.headers, body: body.toString('utf8') })
      const unauthorized = (challenge: string): void => {
        const text = JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })
        response.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': challenge })
        response.end(text)
      }
      if (url === '/v2/' || url === '/v2') return unauthorized('Basic realm="sbr-test-mirror"')
      if (url.startsWith('/token')) {
        if (incoming.method !== 'GET') {
          response.writeHead(405)
          return void response.end()
        }
        response.writeHead(200, { 'Content-Type': 'application/json' })
        return void response.end(JSON.stringify({ token: anonymousToken, access_token: anonymousToken }))
      }
      if (incoming.headers.authorization !== `Bearer ${anonymousToken}`)
        return unauthorized(`Bearer realm="https://${self}/token",service="sbr-test-mirror"`)
      const [hostname, port] = upstream.split(':')
      // The upstream is open: the mirror's own token stays here.
      const headers = { ...incoming.headers }
      delete headers.authorization
      const forwarded = request(
        { hostname, port: Number(port), method: incoming.method, path: url, headers: { ...headers, host: upstream } },
        answer => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        }
      )
      forwarded.on('error', () => response.destroy())
      forwarded.end(body)
    })
  }
  const server = await startHttpsServer(pki, handler)
  self = server.host
  return { ...server, seen: () => [...seen], anonymousToken }
}

/** The requests that carried the test's credentials in any form: a header, the URL or a body. */
function withCredentials(requests: SeenRequest[], anonymousToken: string): string[] {
  return requests
    .filter(seen => {
      const authorization = seen.headers.authorization
      const text = `${seen.url}\n${JSON.stringify(seen.headers)}\n${seen.body}`
      return (
        (authorization !== undefined && authorization !== `Bearer ${anonymousToken}`) ||
        text.includes(PASSWORD) ||
        text.includes(encodeURIComponent(PASSWORD)) ||
        text.includes(BASIC)
      )
    })
    .map(seen => `${seen.method} ${seen.url} (authorization: ${seen.headers.authorization ?? 'none'})`)
}

describe('username/password go to the listed registries only', () => {
  it('an unlisted mirror answering 401 never gets them (preflight, the builder image fetch, BuildKit), a warning names the fix, and the listed registry takes the push', async () => {
    const upstream = await startRegistry()
    servers.push(upstream)
    // Docker Hub's busybox, and the builder's image under a Docker Hub name the daemon lacks, at the mirror.
    pushBaseImage(`${upstream.host}/library/busybox:latest`)
    const builderImage = `sbr-test/buildkit-mirror-credentials:${randomBytes(4).toString('hex')}`
    execFileSync('docker', ['tag', BUILDKIT_IMAGE, `${upstream.host}/${builderImage}`], { stdio: 'pipe' })
    try {
      execFileSync('docker', ['push', `${upstream.host}/${builderImage}`], { stdio: 'pipe' })
    } finally {
      spawnSync('docker', ['rmi', `${upstream.host}/${builderImage}`], { stdio: 'ignore' })
    }
    const mirror = await startChallengingMirror(upstream.host)
    servers.push(mirror)
    const registry = await startRegistry({ htpasswd: { user: USER, password: PASSWORD } })
    servers.push(registry)

    try {
      const job = newTestJob()
      const main = await setUp(job, {
        registries: `${registry.host} http`,
        mirror: mirror.host,
        'ca-cert': pki.caCert,
        username: USER,
        password: PASSWORD,
        'driver-opts': `image=${builderImage}`
      })
      expect(main.exitCode).toBe(0)
      // The builder's image came through the mirror, anonymously.
      expect(main.log).toContain(`${builderImage} loaded from the mirror ${mirror.host}`)
      const warning = main.log.split('\n').find(line => line.startsWith('::warning title=Registry preflight%3A '))
      expect(warning).toContain(`::${mirror.host}: no credentials for this mirror: it asks for basic auth`)
      expect(warning).toContain(
        `Fix: give the mirror ${mirror.host} credentials of its own: a \`credentials\` line ${mirror.host}=USERNAME:PASSWORD, or list it in \`registries\``
      )

      const build = await buildAndPush(job, `${registry.host}/sbr/through-mirror:1`, [], {
        from: 'busybox',
        run: 'cat /marker.txt > /copied-by-run.txt'
      })
      expect(build).toMatchObject({ status: 0 })
      await expectPushed(
        { host: registry.host, tls: false, basic: { user: USER, password: PASSWORD } },
        'sbr/through-mirror',
        '1',
        build.marker
      )
      expect((await tearDown(job)).exitCode).toBe(0)

      const requests = mirror.seen()
      // Each client did ask the mirror, and was challenged: preflight's GET /v2/, the fetch of the
      // builder's image, BuildKit's pull of busybox, and the realm's anonymous tokens.
      expect(requests.map(seen => `${seen.method} ${seen.url}`)).toEqual(
        expect.arrayContaining([
          'GET /v2/',
          expect.stringMatching(/^GET \/v2\/sbr-test\/buildkit-mirror-credentials\/blobs\/sha256:/),
          expect.stringMatching(/^(HEAD|GET) \/v2\/library\/busybox\/manifests\/latest\?ns=docker\.io$/),
          expect.stringMatching(/^GET \/token\?/)
        ])
      )
      expect(withCredentials(requests, mirror.anonymousToken)).toEqual([])
    } finally {
      spawnSync('docker', ['rmi', builderImage], { stdio: 'ignore' })
    }
  })
})

describe('a key input that is not PEM', () => {
  it('client-key as a JWK: the step fails naming the input, and the key is nowhere in its log', async () => {
    const jwk = JSON.stringify(createPrivateKey(pki.clientKey).export({ format: 'jwk' }))
    // The emulator fails the step (runStep throws) if any line of its log, but the masks, holds it.
    neverLog(jwk)
    const job = newTestJob()
    const main = await setUp(job, {
      registries: '127.0.0.1:5000 http',
      'client-cert': pki.clientCert,
      'client-key': jwk
    })
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(
      "::error::Input 'client-key': is not PEM text, nor base64 of it, nor the path of a file that exists (the value is not shown"
    )
    // The runner is told first: its mask is the step's first line.
    expect(main.log.split('\n')[0]).toBe(`::add-mask::${jwk}`)
    expect(main.log).not.toContain('Creating builder')
    expect((await tearDown(job)).exitCode).toBe(0)
  })
})

describe("the step's own variables stay with the step", () => {
  it('buildx, as main and post start it, has no INPUT_*, STATE_* or runner token in /proc/PID/environ, and the builder pushes', async () => {
    const registry = await startRegistry()
    servers.push(registry)
    const recorded = mkdtempSync(join(tmpdir(), 'sbr-child-environ-'))
    const job = newTestJob({
      ACTIONS_RUNTIME_TOKEN: `runtime-${randomBytes(8).toString('hex')}`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: `oidc-${randomBytes(8).toString('hex')}`,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.invalid/request'
    })
    recordingBuildx(job.dockerConfig, 'environ', recorded)
    try {
      const main = await setUp(job, {
        registries: `${registry.host} http`,
        username: USER,
        password: PASSWORD,
        'driver-opts': `image=${BUILDKIT_IMAGE}`
      })
      expect(main.exitCode).toBe(0)
      const fromMain = takeRecords(recorded, 'environ').map(record => record.lines)
      const build = await buildAndPush(job, `${registry.host}/sbr/child-environment:1`)
      expect(build).toMatchObject({ status: 0 })
      await expectPushed({ host: registry.host, tls: false }, 'sbr/child-environment', '1', build.marker)
      // The later step's own `docker buildx build` is not the action's child.
      takeRecords(recorded, 'environ')
      expect((await tearDown(job)).exitCode).toBe(0)
      const fromPost = takeRecords(recorded, 'environ').map(record => record.lines)

      expect(fromMain.length).toBeGreaterThan(0)
      expect(fromPost.length).toBeGreaterThan(0)
      for (const environment of [...fromMain, ...fromPost]) {
        const stepOnly = environment.filter(line =>
          /^(INPUT_|STATE_|ACTIONS_RUNTIME_TOKEN=|ACTIONS_ID_TOKEN_REQUEST_)/i.test(line)
        )
        expect(stepOnly).toEqual([])
        // What buildx needs is there: which config (and builder store), and where its tools are.
        expect(environment).toContain(`DOCKER_CONFIG=${job.dockerConfig}`)
        expect(environment.some(line => line.startsWith('PATH='))).toBe(true)
      }
    } finally {
      rmSync(recorded, { recursive: true, force: true })
    }
  })
})

describe("the builder's proxy password", () => {
  const PROXY_PASSWORD = `sbr-proxy-${randomBytes(10).toString('hex')}`
  const BEHIND = 'plain.secrets.test'

  it("stands where buildx takes it, in the create's arguments (/proc/PID/cmdline, world-readable), buildx's 0600 store and the container's config; never in the log; gone after post", async () => {
    neverLog(PROXY_PASSWORD)
    const registry = await startRegistry()
    servers.push(registry)
    const proxy = await startForwardProxy({
      names: { [BEHIND]: '127.0.0.1' },
      auth: { user: 'sbr-ci', password: PROXY_PASSWORD }
    })
    servers.push(proxy)
    const target = `${BEHIND}:${registry.port}`
    const recorded = mkdtempSync(join(tmpdir(), 'sbr-create-cmdline-'))
    const job = newTestJob({ http_proxy: proxy.url, HTTPS_PROXY: proxy.url })
    recordingBuildx(job.dockerConfig, 'cmdline', recorded)
    try {
      const main = await setUp(job, { registries: `${target} http`, 'driver-opts': `image=${BUILDKIT_IMAGE}` })
      expect(main.exitCode).toBe(0)
      const create = takeRecords(recorded, 'cmdline').find(record => record.lines.includes('create'))
      // buildx gives a docker-container builder's BuildKit an environment only from `--driver-opt
      // env.NAME=VALUE` (driver/docker-container/factory.go, v0.13.1 to v0.36), read from the
      // arguments alone: the URL with its password is in the create's command line.
      expect(create?.lines).toContain(`env.http_proxy=${proxy.url}`)
      expect(create?.mode).toBe('444')

      const name = main.outputs.name
      const store = join(job.dockerConfig, 'buildx', 'instances', name)
      expect(readFileSync(store, 'utf8')).toContain(PROXY_PASSWORD)
      expect(statSync(store).mode & 0o777).toBe(0o600)
      expect(statSync(join(job.dockerConfig, 'buildx', 'instances')).mode & 0o077).toBe(0)
      const env = execFileSync(
        'docker',
        ['container', 'inspect', '--format', '{{json .Config.Env}}', `buildx_buildkit_${name}0`],
        {
          encoding: 'utf8'
        }
      )
      expect(env).toContain(PROXY_PASSWORD)

      const pushed = await buildAndPush(job, `${target}/sbr/through-proxy:1`)
      expect(pushed).toMatchObject({ status: 0 })
      await expectPushed({ host: registry.host, tls: false }, 'sbr/through-proxy', '1', pushed.marker)
      expect((await tearDown(job)).exitCode).toBe(0)
      expect(existsSync(store)).toBe(false)
    } finally {
      rmSync(recorded, { recursive: true, force: true })
    }
  })
})
