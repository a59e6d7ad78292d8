import { execFileSync, spawnSync } from 'node:child_process'
import { createPrivateKey, randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { request } from 'node:http'
import { neverLog } from '../../scripts/github-runner.mjs'
import { BUILDKIT_IMAGE, pushBaseImage } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startHttpsServer, startRegistry, type RunningServer } from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// Secrets go only where they belong, through the bundle as a runner runs it: username/password to
// the listed registries alone, a key input never quoted. Every step's log is
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
