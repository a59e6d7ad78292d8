import { readFileSync } from 'node:fs'
import { registryWords, send } from '../../src/registry-client/send.js'
import { makePki } from '../helpers/certs.js'
import { startForwardProxy } from '../helpers/forward-proxy.js'
import { startHttpServer, startHttpsServer, type RunningServer } from '../helpers/servers.js'

// The one request every user of the registry client sends, against servers and a forward proxy on loopback.

describe('registryWords', () => {
  it("takes the first of a registry's errors, code and message", () => {
    const body = JSON.stringify({ errors: [{ code: 'DENIED', message: 'no push' }, { code: 'OTHER' }] })
    expect(registryWords(body)).toBe('DENIED: no push')
  })

  it('else the first words of the body, short', () => {
    expect(registryWords('  <html>gateway</html>\n')).toBe('<html>gateway</html>')
    expect(registryWords('x'.repeat(1000))).toHaveLength(300)
  })
})

describe('send', () => {
  // registry.test: a name only the proxy resolves (Go never proxies loopback names).
  const pki = makePki(['localhost', 'registry.test'])
  let plain: RunningServer
  let secure: RunningServer
  beforeAll(async () => {
    const echo = (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end(`${request.method} ${request.url} ${request.headers.authorization ?? '-'}`)
    }
    plain = await startHttpServer(echo)
    secure = await startHttpsServer(pki, echo)
  })
  afterAll(async () => {
    await plain?.stop()
    await secure?.stop()
  })

  const deadline = () => performance.now() + 5000

  it('sends the method, path and headers, and reads the body', async () => {
    const answer = await send(
      new URL(`http://${plain.host}/v2/`),
      'GET',
      { Authorization: 'Bearer t' },
      '',
      { ca: '', verify: true },
      deadline()
    )
    expect(answer).toMatchObject({ status: 200, body: 'GET /v2/ Bearer t' })
  })

  it('verifies TLS with the CA on top of the system roots; without it, only when told not to verify', async () => {
    const url = new URL(`https://localhost:${secure.port}/v2/`)
    const ca = readFileSync(pki.caCertPath, 'utf8')
    expect((await send(url, 'GET', {}, '', { ca, verify: true }, deadline())).status).toBe(200)
    await expect(send(url, 'GET', {}, '', { ca: '', verify: true }, deadline())).rejects.toThrow()
    expect((await send(url, 'GET', {}, '', { ca: '', verify: false }, deadline())).status).toBe(200)
  })

  it('goes through the proxy Go picks: CONNECT for https, the whole URL for http', async () => {
    const proxy = await startForwardProxy({ names: { 'registry.test': '127.0.0.1' } })
    try {
      const proxyEnv = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }
      const ca = readFileSync(pki.caCertPath, 'utf8')
      const viaTls = await send(
        new URL(`https://registry.test:${secure.port}/v2/`),
        'GET',
        {},
        '',
        { ca, verify: true, proxyEnv },
        deadline()
      )
      const viaHttp = await send(
        new URL(`http://registry.test:${plain.port}/v2/`),
        'GET',
        {},
        '',
        { ca: '', verify: true, proxyEnv },
        deadline()
      )
      expect([viaTls.status, viaHttp.status]).toEqual([200, 200])
      expect(proxy.requests().map(request => request.method)).toEqual(['CONNECT', 'GET'])
    } finally {
      await proxy.stop()
    }
  })

  it('ends at the deadline', async () => {
    const silent = await startHttpServer(() => undefined)
    try {
      await expect(
        send(new URL(`http://${silent.host}/v2/`), 'GET', {}, '', { ca: '', verify: true }, performance.now() + 200)
      ).rejects.toMatchObject({ code: 'ETIMEDOUT' })
    } finally {
      await silent.stop()
    }
  })
})
