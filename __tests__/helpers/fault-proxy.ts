import { request, type IncomingMessage, type ServerResponse } from 'node:http'
import { startHttpServer, type RunningServer } from './servers.js'

// A plain-HTTP registry in front of a real one that answers with faults first: a mirror that
// fails for a while (503), or one that rate-limits (429), as Docker Hub's proxies do. What it does
// not answer itself it forwards, so what a client gets in the end is the real registry's.

export interface Fault {
  status: number
  /** How many requests get it; Infinity: every one. */
  count: number
  /** The registry-style body (`{"errors":[...]}`). */
  body?: string
}

export interface FaultProxy extends RunningServer {
  /** The requests it answered with a fault, then forwarded: `METHOD PATH -> STATUS`. */
  requests(): string[]
}

/** The body Docker Hub sends with its 429. */
export const TOO_MANY_REQUESTS_BODY = JSON.stringify({
  errors: [
    {
      code: 'TOOMANYREQUESTS',
      message:
        'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit'
    }
  ]
})

/** Starts the proxy in front of `target` (`HOST:PORT`, plain HTTP). */
export async function startFaultProxy(target: string, fault: Fault): Promise<FaultProxy> {
  const [hostname, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))]
  const seen: string[] = []
  let faulted = 0
  const handler = (incoming: IncomingMessage, response: ServerResponse): void => {
    const line = `${incoming.method} ${incoming.url}`
    // /v2/ itself (the API check) passes, so a fault meets the requests of a pull.
    if (incoming.url !== '/v2/' && faulted < fault.count) {
      faulted++
      seen.push(`${line} -> ${fault.status}`)
      const body = fault.body ?? ''
      response.writeHead(fault.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body)
      })
      response.end(body)
      return
    }
    const forwarded = request(
      { hostname, port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target } },
      upstream => {
        seen.push(`${line} -> ${upstream.statusCode}`)
        response.writeHead(upstream.statusCode ?? 502, upstream.headers)
        upstream.pipe(response)
      }
    )
    forwarded.on('error', error => {
      seen.push(`${line} -> error ${error.message}`)
      response.destroy()
    })
    incoming.pipe(forwarded)
  }
  const server = await startHttpServer(handler)
  return { ...server, requests: () => [...seen] }
}
