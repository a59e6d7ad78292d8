import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import http from 'node:http'
import https from 'node:https'
import { connect as tcpConnect } from 'node:net'
import tls from 'node:tls'
import { issueServerCert, makePki, type TestPki } from './certs.js'
import {
  closedPort,
  SNI_SERVER_NAME,
  startBlackhole,
  type Blackhole,
  startHttpServer,
  startHttpsServer,
  startRegistry,
  startSniStrictServer,
  type RunningServer
} from './servers.js'

// The fixtures of ./servers.ts against node's own http, https and tls, no mocks.
// The error codes asserted here are what a registry probe sees on this node (OpenSSL 3.0).

interface Response {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** GET over http or https; rejects with node's error (a TLS failure, a refused connection...). */
function get(client: typeof http | typeof https, options: https.RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = client.get({ host: '127.0.0.1', path: '/v2/', timeout: 5000, ...options }, response => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', chunk => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('timeout', () => request.destroy(new Error('timed out')))
    request.on('error', reject)
  })
}

/** A request with `body`, e.g. a manifest PUT. */
function request(client: typeof http, options: http.RequestOptions, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = client.request({ host: '127.0.0.1', timeout: 5000, ...options }, response => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', chunk => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
    })
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')))
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

interface Handshake {
  /** The handshake completed on the client's side. */
  secureConnect: boolean
  authorized?: boolean
  authorizationError?: string
  protocol?: string | null
  /** Whatever failed, during the handshake or (with `lingerMs`) just after it. */
  error?: NodeJS.ErrnoException
}

/**
 * A TLS handshake that writes no application data, certificate checks off unless asked for.
 * `lingerMs`: how long to stay connected after the handshake, for an alert the server sends late.
 */
function handshake(options: tls.ConnectionOptions, lingerMs = 0, timeoutMs = 3000): Promise<Handshake> {
  return new Promise(resolve => {
    const result: Handshake = { secureConnect: false }
    const socket = tls.connect({ host: '127.0.0.1', rejectUnauthorized: false, ...options })
    const done = (): void => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => {
      result.error = Object.assign(new Error('timed out'), { code: 'TIMEOUT' })
      done()
    })
    socket.on('secureConnect', () => {
      Object.assign(result, {
        secureConnect: true,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError === null ? undefined : String(socket.authorizationError),
        protocol: socket.getProtocol()
      })
      setTimeout(done, lingerMs)
    })
    socket.on('error', error => {
      result.error = error
      done()
    })
  })
}

let pki: TestPki
const servers: RunningServer[] = []
let plain: RunningServer
let secure: RunningServer
let mutual: RunningServer
let withAuth: RunningServer
let expired: RunningServer
let notYetValid: RunningServer
let wrongName: RunningServer
let sniStrict: RunningServer
let blackhole: Blackhole
let notARegistry: RunningServer

beforeAll(async () => {
  pki = makePki()
  const tlsWith = (validity: 'expired' | 'not-yet-valid'): { certPath: string; keyPath: string } =>
    issueServerCert(pki, { names: ['localhost', 'IP:127.0.0.1'], validity })
  const serverTls = { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }
  // All at once: each registry takes ~30 ms to listen, but they need not wait for each other.
  ;[plain, secure, mutual, withAuth, expired, notYetValid, wrongName, sniStrict, blackhole, notARegistry] =
    await Promise.all([
      startRegistry(),
      startRegistry({ tls: serverTls }),
      startRegistry({ tls: { ...serverTls, clientCaPath: pki.caCertPath } }),
      startRegistry({ htpasswd: { user: 'ci', password: 's3cret' } }),
      startRegistry({ tls: tlsWith('expired') }),
      startRegistry({ tls: tlsWith('not-yet-valid') }),
      startRegistry({ tls: issueServerCert(pki, { names: ['other.example.test'] }) }),
      startSniStrictServer(pki),
      startBlackhole(),
      startHttpServer()
    ])
  servers.push(plain, secure, mutual, withAuth, expired, notYetValid, wrongName, sniStrict, blackhole, notARegistry)
})

afterAll(async () => {
  await Promise.all(servers.map(server => server.stop()))
})

describe('issueServerCert', () => {
  it('issues from the same CA, for the names and the validity asked for', () => {
    const ca = new X509Certificate(pki.caCert)
    const valid = new X509Certificate(issueServerCert(pki, { names: ['a.test', 'IP:10.0.0.1'] }).cert)
    expect(valid.verify(ca.publicKey)).toBe(true)
    expect(valid.subjectAltName).toBe('DNS:a.test, IP Address:10.0.0.1')
    expect(new Date(valid.validTo).getTime()).toBeGreaterThan(Date.now())

    const old = new X509Certificate(issueServerCert(pki, { names: ['a.test'], validity: 'expired' }).cert)
    expect([old.validFrom, old.validTo]).toEqual(['Jan  1 00:00:00 2020 GMT', 'Feb  1 00:00:00 2020 GMT'])
    const future = new X509Certificate(issueServerCert(pki, { names: ['a.test'], validity: 'not-yet-valid' }).cert)
    expect([future.validFrom, future.validTo]).toEqual(['Jan  1 00:00:00 2099 GMT', 'Feb  1 00:00:00 2099 GMT'])
    // Each certificate has a serial of its own.
    expect(new Set([valid.serialNumber, old.serialNumber, future.serialNumber]).size).toBe(3)
  })
})

describe('startRegistry', () => {
  it('plain HTTP: GET /v2/ answers 200 with the registry API header', async () => {
    const response = await get(http, { port: plain.port })
    expect(response.status).toBe(200)
    expect(response.headers['docker-distribution-api-version']).toBe('registry/2.0')
    expect(plain.host).toBe(`127.0.0.1:${plain.port}`)
  })

  it('TLS: 200 when the CA is trusted, by name or by IP; UNABLE_TO_VERIFY_LEAF_SIGNATURE when not', async () => {
    expect((await get(https, { port: secure.port, ca: pki.caCert, servername: 'localhost' })).status).toBe(200)
    expect((await get(https, { host: 'localhost', port: secure.port, ca: pki.caCert })).status).toBe(200)
    expect((await get(https, { port: secure.port, ca: pki.caCert })).status).toBe(200)
    await expect(get(https, { port: secure.port })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      message: 'unable to verify the first certificate'
    })
  })

  it('mTLS: 200 with the client certificate', async () => {
    const response = await get(https, { port: mutual.port, ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey })
    expect(response.status).toBe(200)
  })

  it('mTLS without a client certificate, TLS 1.3: the handshake completes, then the server sends bad_certificate', async () => {
    // The client's handshake is over before the server has looked at the (empty) client certificate,
    // so the alert arrives after secureConnect.
    const result = await handshake({ port: mutual.port, ca: pki.caCert }, 500)
    expect(result).toMatchObject({ secureConnect: true, authorized: true, protocol: 'TLSv1.3' })
    expect(result.error).toMatchObject({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' })
    expect(result.error?.message).toMatch(/sslv3 alert bad certificate.*SSL alert number 42/)
    // An HTTP request fails with the same code.
    await expect(get(https, { port: mutual.port, ca: pki.caCert })).rejects.toMatchObject({
      code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'
    })
  })

  it('mTLS without a client certificate, TLS 1.2: the handshake itself fails with bad_certificate', async () => {
    const result = await handshake({ port: mutual.port, ca: pki.caCert, maxVersion: 'TLSv1.2' })
    expect(result.secureConnect).toBe(false)
    expect(result.error).toMatchObject({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' })
    // With a request already queued, node reports the handshake failure as a write error: EPROTO,
    // the OpenSSL reason only in the message.
    await expect(get(https, { port: mutual.port, ca: pki.caCert, maxVersion: 'TLSv1.2' })).rejects.toMatchObject({
      code: 'EPROTO',
      message: expect.stringMatching(/^write EPROTO .*sslv3 alert bad certificate.*SSL alert number 42/)
    })
  })

  it('htpasswd: 401 with a Basic challenge, 200 with the credentials', async () => {
    const response = await get(http, { port: withAuth.port })
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Basic realm="sbr-test-registry"')
    expect(JSON.parse(response.body)).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }]
    })
    expect((await get(http, { port: withAuth.port, auth: 'ci:s3cret' })).status).toBe(200)
  })

  it('expired and not-yet-valid certificates: CERT_HAS_EXPIRED, CERT_NOT_YET_VALID', async () => {
    await expect(get(https, { port: expired.port, ca: pki.caCert })).rejects.toMatchObject({
      code: 'CERT_HAS_EXPIRED',
      message: 'certificate has expired'
    })
    await expect(get(https, { port: notYetValid.port, ca: pki.caCert })).rejects.toMatchObject({
      code: 'CERT_NOT_YET_VALID',
      message: 'certificate is not yet valid'
    })
    // Without rejectUnauthorized the handshake completes and says why it is not authorized.
    expect(await handshake({ port: expired.port, ca: pki.caCert })).toMatchObject({
      secureConnect: true,
      authorized: false,
      authorizationError: 'CERT_HAS_EXPIRED'
    })
  })

  it('a certificate for another name: ERR_TLS_CERT_ALTNAME_INVALID, also as authorizationError', async () => {
    await expect(get(https, { host: 'localhost', port: wrongName.port, ca: pki.caCert })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      message:
        "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:other.example.test"
    })
    const result = await handshake({ host: 'localhost', port: wrongName.port, ca: pki.caCert })
    expect(result).toMatchObject({
      secureConnect: true,
      authorized: false,
      authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID'
    })
    expect(result.error).toBeUndefined()
  })

  it('TLS to the plain HTTP registry: "wrong version number"', async () => {
    // The registry answers the ClientHello with an HTTP 400, which is no TLS record.
    expect((await handshake({ port: plain.port })).error).toMatchObject({
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      message: expect.stringContaining('ssl3_get_record:wrong version number')
    })
    await expect(get(https, { port: plain.port, rejectUnauthorized: false })).rejects.toMatchObject({
      code: 'EPROTO',
      message: expect.stringMatching(/^write EPROTO .*wrong version number/)
    })
  })

  it('plain HTTP to the TLS registry: 400 "Client sent an HTTP request to an HTTPS server."', async () => {
    const response = await get(http, { port: secure.port })
    expect(response).toEqual({ status: 400, headers: {}, body: 'Client sent an HTTP request to an HTTPS server.\n' })
  })

  it("storage: a second registry serves what was pushed to the first one's directory", async () => {
    const storage = mkdtempSync(join(tmpdir(), 'sbr-storage-'))
    const [first, second] = await Promise.all([startRegistry({ storage }), startRegistry({ storage })])
    try {
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: []
      })
      const put = await request(
        http,
        {
          port: first.port,
          method: 'PUT',
          path: '/v2/shared/index/manifests/1',
          headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }
        },
        manifest
      )
      expect(put.status).toBe(201)
      const read = await get(http, {
        port: second.port,
        path: '/v2/shared/index/manifests/1',
        headers: { accept: 'application/vnd.oci.image.index.v1+json' }
      })
      expect(read).toMatchObject({ status: 200, body: manifest })
    } finally {
      await Promise.all([first.stop(), second.stop()])
      rmSync(storage, { recursive: true, force: true })
    }
  })

  it('reports why the registry did not start, with its output', async () => {
    await expect(
      startRegistry({ tls: { certPath: '/nonexistent/cert.pem', keyPath: '/nonexistent/key.pem' } })
    ).rejects.toThrow(
      /docker-registry exited \(code 1, signal null\) before listening on 127\.0\.0\.1:\d+:\n.*open \/nonexistent\/cert\.pem: no such file or directory/
    )
  })
})

describe('startSniStrictServer', () => {
  it('openssl s_client with another name: fatal unrecognized_name alert', () => {
    const client = spawnSync('openssl', ['s_client', '-connect', sniStrict.host, '-servername', 'other.test'], {
      input: '',
      encoding: 'utf8',
      timeout: 10000
    })
    expect(client.status).toBe(1)
    expect(client.stderr).toMatch(/tlsv1 unrecognized name.*SSL alert number 112/)
  })

  it('node with another name: ERR_SSL_TLSV1_UNRECOGNIZED_NAME during the handshake', async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const result = await handshake({ port: sniStrict.port, servername: 'other.test', maxVersion })
      expect(result.secureConnect).toBe(false)
      expect(result.error).toMatchObject({
        code: 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME',
        message: expect.stringMatching(/tlsv1 unrecognized name.*SSL alert number 112/)
      })
    }
    // With a request queued: EPROTO, as for every handshake failure of https.get.
    await expect(
      get(https, { port: sniStrict.port, servername: 'other.test', rejectUnauthorized: false })
    ).rejects.toMatchObject({
      code: 'EPROTO',
      message: expect.stringMatching(/^write EPROTO .*tlsv1 unrecognized name/)
    })
  })

  it(`answers for ${SNI_SERVER_NAME} with its certificate, and without SNI with the default one`, async () => {
    const response = await get(https, { port: sniStrict.port, servername: SNI_SERVER_NAME, ca: pki.caCert, path: '/' })
    expect(response.status).toBe(200)
    expect(response.body).toContain('<HTML>')
    // 127.0.0.1 as host: node sends no SNI, and the default certificate has IP:127.0.0.1.
    expect(await handshake({ port: sniStrict.port, ca: pki.caCert, rejectUnauthorized: true })).toMatchObject({
      secureConnect: true,
      authorized: true
    })
  })
})

describe('startBlackhole, closedPort, startHttpServer', () => {
  it('blackhole: the connection opens, nothing ever comes back', async () => {
    const socket = tcpConnect(blackhole.port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    const received: Buffer[] = []
    socket.on('data', chunk => received.push(chunk))
    socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n')
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(received).toEqual([])
    expect(socket.destroyed).toBe(false)
    socket.destroy()
    // A TLS handshake never ends either.
    const result = await handshake({ port: blackhole.port }, 0, 500)
    expect(result).toMatchObject({ secureConnect: false, error: { code: 'TIMEOUT' } })
  })

  it('blackhole: records each connection, opened and given up by the client, in one order across blackholes', async () => {
    const [one, two] = await Promise.all([startBlackhole(), startBlackhole()])
    const until = async (check: () => boolean): Promise<void> => {
      while (!check()) await new Promise(resolve => setTimeout(resolve, 10))
    }
    try {
      const first = tcpConnect(one.port, '127.0.0.1')
      await until(() => one.connections().length === 1)
      const second = tcpConnect(two.port, '127.0.0.1')
      await until(() => two.connections().length === 1)
      second.destroy()
      await until(() => two.connections()[0].closed !== undefined)
      first.destroy()
      await until(() => one.connections()[0].closed !== undefined)
      const [[mine], [theirs]] = [one.connections(), two.connections()]
      expect(mine.opened).toBeLessThan(theirs.opened)
      expect(theirs.opened).toBeLessThan(theirs.closed ?? 0)
      expect(theirs.closed).toBeLessThan(mine.closed ?? 0)
    } finally {
      await Promise.all([one.stop(), two.stop()])
    }
  })

  it('closedPort: ECONNREFUSED', async () => {
    const port = await closedPort()
    await expect(get(http, { port })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${port}`
    })
  })

  it('startHttpServer: a 404 HTML page by default, or the handler given', async () => {
    const response = await get(http, { port: notARegistry.port })
    expect(response.status).toBe(404)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.body).toMatch(/^<html>/)

    const custom = await startHttpServer((_request, res) => res.writeHead(418).end('teapot'))
    try {
      expect(await get(http, { port: custom.port })).toMatchObject({ status: 418, body: 'teapot' })
    } finally {
      await custom.stop()
    }
  })
})

describe('startHttpsServer', () => {
  it("serves the handler's answer over TLS with the PKI's server certificate: trusted with its CA, refused without", async () => {
    const pki = makePki()
    const server = await startHttpsServer(pki, (_request, response) => response.writeHead(200).end('over tls'))
    try {
      expect(await get(https, { port: server.port, ca: pki.caCert })).toMatchObject({ status: 200, body: 'over tls' })
      await expect(get(https, { port: server.port })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
    } finally {
      await server.stop()
    }
  })
})
