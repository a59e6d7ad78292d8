import { request } from 'node:http'
import { startFaultProxy, TOO_MANY_REQUESTS_BODY } from './fault-proxy.js'
import { startHttpServer, type RunningServer } from './servers.js'

function get(host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const [hostname, port] = host.split(':')
    request({ hostname, port: Number(port), path }, response => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', chunk => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}

describe('fault proxy', () => {
  let upstream: RunningServer
  beforeAll(async () => {
    upstream = await startHttpServer((incoming, response) => response.end(`upstream ${incoming.url}`))
  })
  afterAll(() => upstream.stop())

  it('answers the first requests with the fault, then forwards', async () => {
    const proxy = await startFaultProxy(upstream.host, { status: 503, count: 2 })
    try {
      expect((await get(proxy.host, '/v2/a/manifests/1')).status).toBe(503)
      expect((await get(proxy.host, '/v2/')).body).toBe('upstream /v2/')
      expect((await get(proxy.host, '/v2/a/manifests/1')).status).toBe(503)
      expect(await get(proxy.host, '/v2/a/manifests/1')).toEqual({ status: 200, body: 'upstream /v2/a/manifests/1' })
      expect(proxy.requests()).toEqual([
        'GET /v2/a/manifests/1 -> 503',
        'GET /v2/ -> 200',
        'GET /v2/a/manifests/1 -> 503',
        'GET /v2/a/manifests/1 -> 200'
      ])
    } finally {
      await proxy.stop()
    }
  })

  it('rate-limits every request with the body Docker Hub sends', async () => {
    const proxy = await startFaultProxy(upstream.host, { status: 429, count: Infinity, body: TOO_MANY_REQUESTS_BODY })
    try {
      for (let i = 0; i < 3; i++)
        expect(await get(proxy.host, '/v2/a/blobs/x')).toEqual({ status: 429, body: TOO_MANY_REQUESTS_BODY })
    } finally {
      await proxy.stop()
    }
  })
})
