import { createServer, request, type IncomingMessage } from 'node:http'
import { connect, isIP, type Socket } from 'node:net'
import type { RunningServer } from './servers.js'

// A forward proxy as a runner behind a corporate proxy has one: CONNECT for TLS, absolute-form
// requests for plain HTTP, optional Basic auth (407 without it). It resolves the test names it is
// given itself, names that neither the runner nor the builder can resolve: a registry behind
// it is reachable only through it. It dials nothing but loopback and docker0's address.

export interface ProxiedRequest {
  method: string
  /** `host:port` as the client asked for it (CONNECT), or the absolute URL's host. */
  target: string
  /** The proxy's answer: 200 for a tunnel, 407 without credentials, 502 for a target it cannot reach. */
  status: number
}

export interface ForwardProxy extends RunningServer {
  /** Every request the proxy got, in order. */
  requests(): ProxiedRequest[]
  /** The proxy's URL, `http://127.0.0.1:PORT`, with its credentials when it asks for them. */
  url: string
}

export interface ForwardProxyOptions {
  /** Names the proxy resolves itself, to an address it may dial. */
  names?: Record<string, string>
  /** Require `Proxy-Authorization: Basic` with this user. */
  auth?: { user: string; password: string }
  /** Listen here instead of 127.0.0.1 (docker0's address, for a builder on the bridge network). */
  address?: string
}

/** The only addresses a test server may be dialled at: loopback and docker0's. */
function allowed(address: string): boolean {
  return /^127\./.test(address) || address === '172.17.0.1'
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const address = options.address ?? '127.0.0.1'
  const seen: ProxiedRequest[] = []
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
  }
  const expected = options.auth
    ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`
    : undefined
  const authorized = (req: IncomingMessage): boolean => !expected || req.headers['proxy-authorization'] === expected
  /** The address to dial for `host`, or undefined (502): a mapped name, or an allowed address itself. */
  const resolve = (host: string): string | undefined => {
    const bare = host.replace(/^\[(.*)\]$/, '$1')
    const mapped = options.names?.[bare.toLowerCase()] ?? (isIP(bare) ? bare : undefined)
    return mapped !== undefined && allowed(mapped) ? mapped : undefined
  }

  const server = createServer((req, res) => {
    // Absolute-form only: `GET http://host:port/path`.
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end('a proxy takes absolute-form requests\n')
      return
    }
    const record = (status: number): void => {
      seen.push({ method: req.method ?? '', target: target.host, status })
    }
    if (!authorized(req)) {
      record(407)
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="sbr-proxy"' }).end()
      return
    }
    const dial = resolve(target.hostname)
    if (!dial) {
      record(502)
      res.writeHead(502).end(`cannot reach ${target.host}\n`)
      return
    }
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    delete headers['proxy-connection']
    const upstream = request(
      {
        host: dial,
        port: Number(target.port || 80),
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers
      },
      response => {
        record(response.statusCode ?? 0)
        res.writeHead(response.statusCode ?? 502, response.headers)
        response.pipe(res)
      }
    )
    upstream.on('error', () => {
      record(502)
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    track(client)
    const target = req.url ?? ''
    const record = (status: number): void => {
      seen.push({ method: 'CONNECT', target, status })
    }
    if (!authorized(req)) {
      record(407)
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="sbr-proxy"\r\n\r\n')
      return
    }
    const at = target.lastIndexOf(':')
    const dial = at > 0 ? resolve(target.slice(0, at)) : undefined
    if (!dial) {
      record(502)
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
      return
    }
    const upstream = connect(Number(target.slice(at + 1)), dial)
    track(upstream)
    let established = false
    upstream.once('connect', () => {
      established = true
      record(200)
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.once('error', () => {
      if (established) return client.destroy()
      record(502)
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
    })
  })
  server.on('connection', track)

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, address, resolve)
  })
  const { port } = server.address() as { port: number }
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.password)}@`
    : ''
  let stopped: Promise<void> | undefined
  return {
    port,
    host: `${address}:${port}`,
    url: `http://${credentials}${address}:${port}`,
    requests: () => [...seen],
    output: () => seen.map(entry => `${entry.method} ${entry.target} ${entry.status}`).join('\n'),
    stop: () =>
      (stopped ??= new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }))
  }
}
