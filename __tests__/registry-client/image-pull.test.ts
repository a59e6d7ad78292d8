import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Duplex } from 'node:stream'
import { parseHost } from '../../src/inputs/hosts.js'
import { pullImage } from '../../src/registry-client/image-pull.js'
import { DOCKER_MANIFEST } from '../../src/registry-client/image-source.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startHttpServer } from '../helpers/servers.js'

// The registry client's one redirect (a blob sent elsewhere, as registries send blobs to a CDN),
// against a loopback registry that speaks HTTPS and plain HTTP on the same port: a redirect from
// https://127.0.0.1:PORT to http://127.0.0.1:PORT keeps the host (and `url.host`), not the origin.

const PASSWORD = 'image-pull-password-7c41'
const BASIC = `Basic ${Buffer.from(`ci:${PASSWORD}`).toString('base64')}`

interface Seen {
  scheme: 'https' | 'http'
  path: string
  authorization?: string
}

const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}')
const layer = Buffer.from('not really a layer, but bytes with a digest')
const digestOf = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`
const blobs = new Map([
  [digestOf(config), config],
  [digestOf(layer), layer]
])
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: DOCKER_MANIFEST,
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    digest: digestOf(config),
    size: config.length
  },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: digestOf(layer), size: layer.length }]
})

let pki: TestPki
let server: Server
let port: number
let seen: Seen[] = []
/** Where the HTTPS side sends each blob request: `http` (a downgrade) or `https` (its own origin, another path). */
let redirectTo: 'http' | 'https' = 'http'

/** A socket whose first bytes, read already to tell TLS from HTTP, are read again by the server it goes to. */
function replayed(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: done => {
      socket.end()
      done()
    },
    destroy: (error, done) => {
      socket.destroy()
      done(error)
    }
  })
  duplex.push(first)
  socket.on('data', chunk => void (duplex.push(chunk) || socket.pause()))
  socket.on('end', () => duplex.push(null))
  socket.on('error', error => duplex.destroy(error))
  return duplex
}

function answer(scheme: Seen['scheme']) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url ?? '/'
    seen.push({ scheme, path, authorization: request.headers.authorization })
    const blob = /\/(?:blobs|served)\/(sha256:[a-f0-9]{64})/.exec(path)?.[1]
    if (scheme === 'https' && request.headers.authorization !== BASIC) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"' }).end()
    } else if (path.endsWith('/manifests/latest')) {
      response.writeHead(200, { 'Content-Type': DOCKER_MANIFEST }).end(manifest)
    } else if (blob && path.startsWith('/v2/')) {
      // The registry's own blob URL: sent on, as to a CDN.
      response.writeHead(307, { Location: `${redirectTo}://127.0.0.1:${port}/served/${blob}` }).end()
    } else if (blob && blobs.has(blob)) {
      response.writeHead(200).end(blobs.get(blob))
    } else {
      response.writeHead(404).end()
    }
  }
}

beforeAll(async () => {
  pki = makePki()
  const secure = createHttpsServer(
    { cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) },
    answer('https')
  )
  const plain = createHttpServer(answer('http'))
  // One port, both protocols: a TLS handshake starts with byte 0x16.
  server = createNetServer(socket =>
    socket.once('data', (first: Buffer) => {
      socket.pause()
      ;(first[0] === 0x16 ? secure : plain).emit('connection', replayed(socket, first))
    })
  )
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
  rmSync(pki.dir, { recursive: true, force: true })
})

async function pull(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-image-pull-'))
  try {
    await pullImage(
      {
        host: parseHost(`127.0.0.1:${port}`, 'registries', 1),
        transport: 'tls',
        ca: pki.caCert,
        credential: { username: 'ci', password: PASSWORD },
        repository: 'sbr/pulled'
      },
      'latest',
      { os: 'linux', architecture: 'amd64' },
      dir,
      { log: () => undefined }
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('pullImage redirects', () => {
  beforeEach(() => {
    seen = []
  })

  it('an https→http redirect on the same host and port gets the blob without the Authorization header', async () => {
    redirectTo = 'http'
    await pull()
    const downgraded = seen.filter(request => request.scheme === 'http')
    expect(downgraded.map(request => request.path)).toEqual([
      `/served/${digestOf(config)}`,
      `/served/${digestOf(layer)}`
    ])
    expect(downgraded.map(request => request.authorization)).toEqual([undefined, undefined])
    // The registry's own origin had it: the redirect, not the lack of a login, kept it back.
    const asked = seen.filter(request => request.scheme === 'https' && request.path.includes('/blobs/'))
    expect(asked.map(request => request.authorization)).toEqual([BASIC, BASIC])
  })

  it('a redirect within the same origin keeps it', async () => {
    redirectTo = 'https'
    await pull()
    expect(seen.filter(request => request.path.startsWith('/served/'))).toEqual(
      [digestOf(config), digestOf(layer)].map(digest => ({
        scheme: 'https',
        path: `/served/${digest}`,
        authorization: BASIC
      }))
    )
  })
})

describe('pullImage failures', () => {
  it("a token service's rate limit is a rate limit, not retried, its words said", async () => {
    const limited = await startHttpServer((request, response) => {
      if (request.url?.startsWith('/token')) {
        response.writeHead(429, { 'content-type': 'application/json' })
        return void response.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit"}]}')
      }
      response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${request.headers.host}/token"` })
      response.end()
    })
    const dir = mkdtempSync(join(tmpdir(), 'sbr-image-pull-'))
    const logged: string[] = []
    try {
      const pulling = pullImage(
        { host: parseHost(limited.host, 'mirror', 1), transport: 'http', ca: '', repository: 'moby/buildkit' },
        'latest',
        { os: 'linux', architecture: 'amd64' },
        dir,
        { log: line => logged.push(line) }
      )
      await expect(pulling).rejects.toMatchObject({
        name: 'PullError',
        kind: 'rate-limit',
        status: 429,
        message: expect.stringContaining('answered 429 TOOMANYREQUESTS: pull rate limit')
      })
      expect(logged).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await limited.stop()
    }
  })
})
