import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import type { Socket } from 'node:net'
import { connect } from 'node:tls'
import { makePki } from './certs.js'
import { startInterceptingProxy, type InterceptingProxy } from './intercepting-proxy.js'

/** CONNECT through `proxy` to `target`: the tunnel's socket, or the proxy's refusal status. */
function tunnel(proxy: InterceptingProxy, target: string): Promise<Socket | number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: target })
      .on('connect', (response, socket: Socket) => {
        if (response.statusCode === 200) resolve(socket)
        else {
          socket.destroy()
          resolve(response.statusCode ?? 0)
        }
      })
      .on('error', reject)
      .end()
  })
}

/** `GET path` over TLS on `socket`, verifying `name` against `ca` alone. */
function getOverTls(socket: Socket, name: string, ca: Buffer, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const tls = connect({ socket, servername: name, ca }, () => {
      tls.write(`GET ${path} HTTP/1.1\r\nHost: ${name}\r\nConnection: close\r\n\r\n`)
    })
    let answer = ''
    tls.setEncoding('utf8')
    tls.on('data', chunk => (answer += chunk))
    tls.on('end', () => resolve(answer))
    tls.on('error', reject)
  })
}

describe('intercepting proxy', () => {
  let proxy: InterceptingProxy
  beforeAll(async () => {
    proxy = await startInterceptingProxy(makePki(), ['github.com'], (incoming, response) =>
      response.end(`served ${incoming.url}`)
    )
  })
  afterAll(() => proxy.stop())

  it('serves a name it was given over TLS, under a certificate for that name from the test CA', async () => {
    const socket = await tunnel(proxy, 'github.com:443')
    expect(typeof socket).not.toBe('number')
    const answer = await getOverTls(socket as Socket, 'github.com', readFileSync(proxy.caCertPath), '/a/b')
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/)
    expect(answer).toContain('served /a/b')
    expect(proxy.requests()).toEqual(['github.com/a/b'])
  })

  it('refuses every other name (502), dialling nothing', async () => {
    expect(await tunnel(proxy, 'example.com:443')).toBe(502)
    expect(await tunnel(proxy, 'github.com:8443')).toBe(502)
    expect(proxy.refused()).toEqual(['example.com:443', 'github.com:8443'])
  })
})
