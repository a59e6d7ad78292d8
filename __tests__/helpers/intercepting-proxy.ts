import { readFileSync } from 'node:fs'
import { createServer, type RequestListener } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import { issueServerCert, type TestPki } from './certs.js'
import type { RunningServer } from './servers.js'

// A TLS-inspecting proxy, as some companies put in front of their runners: a step given
// `HTTPS_PROXY` (this proxy) and `NODE_EXTRA_CA_CERTS` (the test CA) reaches `https://NAME/...` for
// the names given here, at their real URLs, and gets the test's handler's answer under a certificate
// for NAME that the test CA issued. So a test serves "github.com" without a seam in the action: the
// bundle downloads from the URL it always uses, through the runner's own proxy settings. Every other
// CONNECT is refused (502); it dials nothing.

export interface InterceptedRequest {
  /** `github.com/docker/buildx/releases/download/...`: the Host header and the path. */
  url: string
}

export interface InterceptingProxy extends RunningServer {
  /** The proxy's URL, `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
  url: string
  /** The CA the clients must trust, for NODE_EXTRA_CA_CERTS. */
  caCertPath: string
  /** Every request served, in order. */
  requests(): string[]
  /** CONNECT targets refused: names this proxy does not serve. */
  refused(): string[]
}

export async function startInterceptingProxy(
  pki: TestPki,
  names: string[],
  handler: RequestListener
): Promise<InterceptingProxy> {
  const issued = issueServerCert(pki, { names })
  const served: string[] = []
  const refused: string[] = []
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
  }
  const inside = createHttpsServer(
    { cert: readFileSync(issued.certPath), key: readFileSync(issued.keyPath) },
    (request, response) => {
      served.push(`${request.headers.host ?? ''}${request.url ?? ''}`)
      handler(request, response)
    }
  )
  const proxy = createServer((_request, response) => response.writeHead(400).end('CONNECT only\n'))
  proxy.on('connect', (request, client: Socket, head: Buffer) => {
    track(client)
    const target = request.url ?? ''
    const name = target.replace(/:443$/, '').toLowerCase()
    if (!target.endsWith(':443') || !names.includes(name)) {
      refused.push(target)
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
      return
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) client.unshift(head)
    inside.emit('connection', client)
  })
  proxy.on('connection', track)
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject)
    proxy.listen(0, '127.0.0.1', resolve)
  })
  const { port } = proxy.address() as { port: number }
  let stopped: Promise<void> | undefined
  return {
    port,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    caCertPath: pki.caCertPath,
    requests: () => [...served],
    refused: () => [...refused],
    output: () => served.join('\n'),
    stop: () =>
      (stopped ??= new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        inside.close()
        proxy.close(() => resolve())
      }))
  }
}
