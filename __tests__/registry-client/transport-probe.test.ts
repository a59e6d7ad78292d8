import { readFileSync } from 'node:fs'
import { createServer as createHttpsServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { parseHost } from '../../src/inputs/hosts.js'
import { probeInsecureTransport } from '../../src/registry-client/transport-probe.js'
import { makePki } from '../helpers/certs.js'
import { startForwardProxy } from '../helpers/forward-proxy.js'
import { closedPort, startHttpServer, type RunningServer } from '../helpers/servers.js'

// What an insecure-registries host speaks, asked as the daemon falls back (HTTPS without
// verification, then HTTP), against in-process servers on loopback.

const registryAnswer = (_request: unknown, response: import('node:http').ServerResponse): void => {
  response.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' })
  response.end('{}')
}

let plain: RunningServer
let selfSigned: Server

beforeAll(async () => {
  const pki = makePki()
  plain = await startHttpServer(registryAnswer)
  selfSigned = createHttpsServer(
    { cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) },
    registryAnswer
  )
  await new Promise<void>(resolve => selfSigned.listen(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  await plain?.stop()
  await new Promise(resolve => selfSigned?.close(resolve))
})

const host = (port: number) => parseHost(`127.0.0.1:${port}`, 'import-docker-trust', 0)

describe('probeInsecureTransport', () => {
  it('a self-signed TLS registry is `insecure` (TLS without verification)', async () => {
    const port = (selfSigned.address() as AddressInfo).port
    expect(await probeInsecureTransport(host(port), undefined, 3000)).toEqual({
      host: `127.0.0.1:${port}`,
      transport: 'insecure'
    })
  })

  it('a plain-HTTP registry is `http`, after HTTPS failed', async () => {
    expect(await probeInsecureTransport(host(plain.port), undefined, 3000)).toEqual({
      host: plain.host,
      transport: 'http'
    })
  })

  it('nothing listening: unreachable, with what each attempt saw', async () => {
    const port = await closedPort()
    const result = await probeInsecureTransport(host(port), undefined, 3000)
    expect(result.transport).toBeUndefined()
    expect(result.unreachable).toMatch(
      /^neither HTTPS nor HTTP answered GET \/v2\/ \(HTTPS: ECONNREFUSED .*; HTTP: ECONNREFUSED .*\)$/
    )
  })
})

describe('probeInsecureTransport through the proxy the builder will use', () => {
  it('a name only the proxy resolves: found as BuildKit would reach it (a tunnel, then an absolute-form GET)', async () => {
    const proxy = await startForwardProxy({ names: { 'plain.registry.test': '127.0.0.1' } })
    try {
      const behind = parseHost(`plain.registry.test:${plain.port}`, 'import-docker-trust', 0)
      const result = await probeInsecureTransport(behind, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }, 3000)
      expect(result).toEqual({ host: behind.text, transport: 'http' })
      expect(proxy.requests().map(request => request.method)).toEqual(['CONNECT', 'GET'])
    } finally {
      await proxy.stop()
    }
  })

  it("the proxy's own 502 is no registry's answer: unreachable, saying what the proxy answered", async () => {
    const proxy = await startForwardProxy()
    try {
      const nowhere = parseHost('nowhere.registry.test:5000', 'import-docker-trust', 0)
      const result = await probeInsecureTransport(nowhere, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }, 3000)
      expect(result.transport).toBeUndefined()
      expect(result.unreachable).toMatch(
        /HTTPS: EPROXY the proxy .* answered CONNECT nowhere\.registry\.test:5000 with 502/
      )
      expect(result.unreachable).toMatch(
        /HTTP: EPROXY the proxy .* answered GET http:\/\/nowhere\.registry\.test:5000\/v2\/ with 502/
      )
    } finally {
      await proxy.stop()
    }
  })
})
