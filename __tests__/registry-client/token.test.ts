import type { IncomingHttpHeaders } from 'node:http'
import { authorizationFor, getToken, tokenIn, tokenUrl } from '../../src/registry-client/token.js'
import { startHttpServer, type RunningServer } from '../helpers/servers.js'

// Logging in on a 401, as buildkitd does: the pure parts with plain data, the GET against a server on loopback.

const answer = (body: string, headers: IncomingHttpHeaders = {}) => ({ status: 401, headers, body })

describe('tokenUrl', () => {
  it('adds the service and every scope to the realm, keeping its own query', () => {
    const url = tokenUrl('https://auth.example.test/token?x=1', 'registry', ['repository:a:pull', 'repository:b:push'])
    expect(url.href).toBe(
      'https://auth.example.test/token?x=1&service=registry&scope=repository%3Aa%3Apull&scope=repository%3Ab%3Apush'
    )
  })

  it('leaves the service out when the challenge names none', () => {
    expect(tokenUrl('https://auth.example.test/token', undefined, ['s']).search).toBe('?scope=s')
  })
})

describe('tokenIn', () => {
  it('reads `token`, else OAuth2 `access_token`', () => {
    expect(tokenIn({ ...answer('{"token":"t1","access_token":"t2"}'), status: 200 })).toBe('t1')
    expect(tokenIn({ ...answer('{"access_token":"t2"}'), status: 200 })).toBe('t2')
  })

  it('is undefined for an answer without one, or not JSON', () => {
    expect(tokenIn(answer('{"token":""}'))).toBeUndefined()
    expect(tokenIn(answer('<html>'))).toBeUndefined()
  })
})

describe('authorizationFor', () => {
  const login = { username: 'ci', password: 's3cret' }
  const bearer = async (realm: string, service: string | undefined) => `token-for-${realm}-${service}`

  it('Basic: the credentials, base64 as Docker stores them', async () => {
    const refused = answer('', { 'www-authenticate': 'Basic realm="r"' })
    expect(await authorizationFor(refused, login, bearer)).toBe('Basic Y2k6czNjcmV0')
  })

  it('Bearer: a token from the realm and service the challenge names', async () => {
    const refused = answer('', { 'www-authenticate': 'Bearer realm="https://auth.test/t",service="reg"' })
    expect(await authorizationFor(refused, undefined, bearer)).toBe('Bearer token-for-https://auth.test/t-reg')
  })

  it('none for Basic without credentials, a Bearer without a realm, or another scheme', async () => {
    for (const header of ['Basic realm="r"', 'Bearer service="reg"', 'Negotiate'])
      expect(await authorizationFor(answer('', { 'www-authenticate': header }), undefined, bearer)).toBeUndefined()
  })
})

describe('getToken', () => {
  let server: RunningServer
  const seen: (string | undefined)[] = []

  beforeAll(async () => {
    server = await startHttpServer((request, response) => {
      seen.push(request.headers.authorization)
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ token: `for ${request.url}` }))
    })
  })
  afterAll(() => server?.stop())

  it('GETs the token URL, with the credentials as Basic when there are any', async () => {
    const url = tokenUrl(`http://${server.host}/token`, 'reg', ['repository:a:pull'])
    const trust = { ca: '', verify: true }
    const withLogin = await getToken(url, { username: 'ci', password: 'pw' }, trust, performance.now() + 5000)
    const anonymous = await getToken(url, undefined, trust, performance.now() + 5000)
    expect(tokenIn(withLogin)).toBe('for /token?service=reg&scope=repository%3Aa%3Apull')
    expect(anonymous.status).toBe(200)
    expect(seen).toEqual([`Basic ${Buffer.from('ci:pw').toString('base64')}`, undefined])
  })
})
