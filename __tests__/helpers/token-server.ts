import { execFileSync } from 'node:child_process'
import { randomBytes, sign, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer, request as httpsRequest, type ServerOptions } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import type { Duplex } from 'node:stream'
import { join } from 'node:path'
import type { RunningServer } from './servers.js'

// A registry token service, the shape Harbor, GitLab, Nexus and Quay have: a registry set to
// `auth: token` answers 401 with `WWW-Authenticate: Bearer realm=...,service=...,scope=...`; the
// client asks the realm (here) for a token with the user's credentials and the scope it needs,
// and retries with `Authorization: Bearer TOKEN`. Tokens are RS256 JWTs whose header carries the
// signing certificate (`x5c`), which the registry checks against its `rootcertbundle`.

export interface TokenSigner {
  /** The signing certificate: the registry's `rootcertbundle`. */
  certPath: string
  keyPem: string
  certDer: Buffer
}

/** An RSA key and a self-signed certificate for it, made by openssl. */
export function makeTokenSigner(): TokenSigner {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-token-signer-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'signer.key',
      '-out',
      'signer.pem',
      '-days',
      '30',
      '-subj',
      '/CN=sbr test token signer'
    ],
    { cwd: dir, stdio: 'pipe' }
  )
  const certPath = join(dir, 'signer.pem')
  return {
    certPath,
    keyPem: readFileSync(join(dir, 'signer.key'), 'utf8'),
    certDer: Buffer.from(new X509Certificate(readFileSync(certPath)).raw)
  }
}

export interface TokenServiceOptions {
  /** The HTTPS certificate the token endpoint serves (names must match how the realm addresses it). */
  tls: { certPath: string; keyPath: string }
  /** Require a client certificate signed by this CA at the token endpoint as well. */
  clientCaPath?: string
  signer: TokenSigner
  /** Who may log in: username → password. They get every action they ask for. */
  users: Record<string, string>
  /** The registry's `service` name, the tokens' audience. */
  service: string
  issuer: string
  /** Listen here instead of 127.0.0.1 (an address this namespace has, e.g. a test host link's root end). */
  address?: string
}

export interface TokenService extends RunningServer {
  /** What each request asked for and how it was answered, for assertions. */
  requests: { method: string; user: string | undefined; scopes: string[]; status: number }[]
}

interface Access {
  type: string
  name: string
  actions: string[]
}

/** `repository:team/app:pull,push` → an access claim (the name may hold colons: `registry:catalog:*`). */
function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first === -1 || last === first) return undefined
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(action => action !== '')
  }
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url')
}

function issueToken(options: TokenServiceOptions, subject: string, access: Access[]): string {
  const header = { typ: 'JWT', alg: 'RS256', x5c: [options.signer.certDer.toString('base64')] }
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    iss: options.issuer,
    sub: subject,
    aud: options.service,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(8).toString('hex'),
    access
  }
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  return `${signingInput}.${base64url(sign('RSA-SHA256', Buffer.from(signingInput), options.signer.keyPem))}`
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Who is asking: GET carries HTTP basic auth (docker's and buildx's way); POST is the OAuth2
 * password grant (containerd's and so BuildKit's way when it has credentials).
 */
async function credentialsOf(
  request: IncomingMessage,
  query: URLSearchParams
): Promise<{ user?: string; password?: string; scopes: string[] }> {
  if (request.method === 'POST') {
    const form = new URLSearchParams(await readBody(request))
    const scopes = (form.get('scope') ?? '').split(' ').filter(scope => scope !== '')
    return form.get('grant_type') === 'password'
      ? { user: form.get('username') ?? undefined, password: form.get('password') ?? undefined, scopes }
      : { scopes }
  }
  const scopes = query
    .getAll('scope')
    .flatMap(scope => scope.split(' '))
    .filter(scope => scope !== '')
  const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')
  if (!basic) return { scopes }
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1), scopes }
}

/**
 * Starts the token service on 127.0.0.1 (port chosen by the kernel). `/token` grants a known
 * user every action asked for; no credentials get an anonymous token with no access (as Harbor
 * and Docker Hub answer); wrong credentials get 401.
 */
export async function startTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const requests: TokenService['requests'] = []
  const answer = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(body))
  }
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'https://token.invalid')
    if (url.pathname !== '/token' || !['GET', 'POST'].includes(request.method ?? '')) {
      answer(response, 404, { errors: [{ code: 'NOT_FOUND' }] })
      return
    }
    const { user, password, scopes } = await credentialsOf(request, url.searchParams)
    const record = { method: request.method ?? '', user, scopes, status: 200 }
    requests.push(record)
    if (user !== undefined && options.users[user] !== password) {
      record.status = 401
      answer(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] })
      return
    }
    const access =
      user === undefined ? [] : scopes.map(parseScope).filter((scope): scope is Access => scope !== undefined)
    const token = issueToken(options, user ?? '', access)
    answer(response, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() })
  }

  const serverOptions: ServerOptions = {
    cert: readFileSync(options.tls.certPath),
    key: readFileSync(options.tls.keyPath),
    ...(options.clientCaPath
      ? { ca: readFileSync(options.clientCaPath), requestCert: true, rejectUnauthorized: true }
      : {})
  }
  const server = createServer(serverOptions, (request, response) => {
    handle(request, response).catch(error =>
      answer(response, 500, { errors: [{ code: 'ERROR', message: String(error) }] })
    )
  })
  const sockets = new Set<Duplex>()
  server.on('connection', socket => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, options.address ?? '127.0.0.1', resolve)
  })
  const { port } = server.address() as { port: number }
  let stopped: Promise<void> | undefined
  return {
    port,
    host: `${options.address ?? '127.0.0.1'}:${port}`,
    requests,
    output: () => '',
    stop: () =>
      (stopped ??= new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }))
  }
}

/**
 * Asks `service` for a token as docker and buildx do (GET /token, basic auth when `basic` is
 * `USER:PASSWORD`), trusting `ca`: the status, and the token when granted.
 */
export function requestToken(
  service: TokenService,
  options: { ca: string; scope: string; serviceName: string; basic?: string }
): Promise<{ status: number; token?: string }> {
  const path = `/token?service=${encodeURIComponent(options.serviceName)}&scope=${encodeURIComponent(options.scope)}`
  const [hostname, port] = [service.host.replace(/:\d+$/, ''), service.port]
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: hostname, port, path, auth: options.basic, ca: options.ca, timeout: 5000 },
      response => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', chunk => (body += chunk))
        response.on('end', () => {
          const status = response.statusCode ?? 0
          resolve({ status, token: status === 200 ? (JSON.parse(body) as { token: string }).token : undefined })
        })
      }
    )
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}
