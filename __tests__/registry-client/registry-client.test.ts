import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseHost } from '../../src/inputs/hosts.js'
import { RegistryClient, RegistryError, type ClientOptions } from '../../src/registry-client/registry-client.js'
import { startHttpServer, type RunningServer } from '../helpers/servers.js'

// The one registry client, against a loopback registry stub that logs in by token (Bearer) and
// records every request it gets: the login on a 401, the namespace, redirects, cancellation.

const TOKEN = 'registry-client-token-3f9a'

interface Seen {
  url: string
  authorization?: string
}

let server: RunningServer
let seen: Seen[] = []

function answer(request: IncomingMessage, response: ServerResponse): void {
  seen.push({ url: request.url ?? '', authorization: request.headers.authorization })
  const url = new URL(request.url ?? '/', 'http://stub')
  if (url.pathname === '/token' && !request.headers.authorization) {
    // Anonymous pulls are rate-limited here.
    response.writeHead(429, { 'content-type': 'application/json' })
    return void response.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"log in for more"}]}')
  }
  if (url.pathname === '/token') {
    response.writeHead(200, { 'content-type': 'application/json' })
    return void response.end(JSON.stringify({ token: TOKEN }))
  }
  if (url.pathname.startsWith('/never')) return
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    const realm = `http://${request.headers.host}/token`
    response.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="stub"` })
    return void response.end('{"errors":[{"code":"UNAUTHORIZED","message":"log in"}]}')
  }
  if (url.pathname === '/v2/app/blobs/moved') {
    response.writeHead(307, { location: `/v2/app/blobs/here${url.search}` })
    return void response.end()
  }
  response.writeHead(200, { 'content-type': 'text/plain' })
  response.end(`body of ${url.pathname}`)
}

beforeAll(async () => {
  server = await startHttpServer(answer)
})
afterAll(() => server?.stop())
beforeEach(() => {
  seen = []
})

const client = (options: ClientOptions = {}): RegistryClient =>
  new RegistryClient(
    {
      host: parseHost(server.host, 'registries', 1),
      transport: 'http',
      ca: '',
      credential: { username: 'ci', password: 'pw' },
      realmTrust: () => ({ ca: '' })
    },
    ['repository:app:pull'],
    options
  )

describe('RegistryClient', () => {
  it('logs in on a 401 with a token for its scopes, and sends the token from then on', async () => {
    const registry = client()
    expect((await registry.request('GET', '/v2/app/manifests/1', {})).status).toBe(200)
    expect((await registry.request('GET', '/v2/app/manifests/2', {})).status).toBe(200)
    expect(seen.map(request => [request.url, request.authorization])).toEqual([
      ['/v2/app/manifests/1', undefined],
      ['/token?service=stub&scope=repository%3Aapp%3Apull', `Basic ${Buffer.from('ci:pw').toString('base64')}`],
      ['/v2/app/manifests/1', `Bearer ${TOKEN}`],
      ['/v2/app/manifests/2', `Bearer ${TOKEN}`]
    ])
  })

  it("a mirror's namespace goes with every request to it, a redirect within the registry included", async () => {
    let body = ''
    const answer = await client({ namespace: 'docker.io' }).getFollowing('/v2/app/blobs/moved', async response => {
      for await (const chunk of response) body += String(chunk)
    })
    expect([answer.status, body]).toEqual([200, 'body of /v2/app/blobs/here'])
    const registryRequests = seen.filter(request => request.url.startsWith('/v2/'))
    expect(registryRequests.map(request => request.url)).toEqual([
      '/v2/app/blobs/moved?ns=docker.io',
      '/v2/app/blobs/moved?ns=docker.io',
      '/v2/app/blobs/here?ns=docker.io'
    ])
    expect(registryRequests.slice(1).every(request => request.authorization === `Bearer ${TOKEN}`)).toBe(true)
  })

  it("a refused token is a RegistryError with the token service's status", async () => {
    const refusing = new RegistryClient(
      {
        host: parseHost(server.host, 'registries', 1),
        transport: 'http',
        ca: '',
        realmTrust: () => ({ ca: '' })
      },
      ['repository:app:pull']
    )
    await expect(refusing.request('GET', '/v2/app/manifests/1', {})).rejects.toThrow(
      new RegistryError(
        `a token from http://${server.host}/token: the registry answered 429 TOOMANYREQUESTS: log in for more`,
        429
      )
    )
    await expect(refusing.request('GET', '/v2/app/manifests/1', {})).rejects.toMatchObject({ status: 429 })
  })

  it('a cancelled job stops the request in flight', async () => {
    const controller = new AbortController()
    const started = performance.now()
    setTimeout(() => controller.abort(), 100)
    await expect(client({ signal: controller.signal }).request('GET', '/never', {})).rejects.toThrow()
    expect(performance.now() - started).toBeLessThan(5000)
  })
})
