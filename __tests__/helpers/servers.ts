import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer, type RequestListener } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { connect, createServer as createNetServer, type Server, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { issueServerCert, type TestPki } from './certs.js'

// Real servers on 127.0.0.1 for tests that probe registries over TCP, TLS and HTTP.
// Each listens on a port of its own, so test files can run in parallel.

const LOOPBACK = '127.0.0.1'
const START_TIMEOUT_MS = 10000

export interface RunningServer {
  port: number
  /** `127.0.0.1:PORT`, what the server listens on; build `localhost:${port}` for name-based certificates. */
  host: string
  /** Kills the server and resolves once it is gone. Safe to call more than once. */
  stop(): Promise<void>
  /** What a child-process server printed so far (bounded); '' for in-process servers. */
  output(): string
}

/**
 * Ports for child processes and for "closed port" tests come from 20000-31999, below Linux's
 * ephemeral range (32768+), so no `listen(0)` and no outgoing connection ever lands on one; each
 * jest worker has a block of its own, so two workers never hand out the same port. (Taking a
 * kernel-chosen port and releasing it raced: another worker's `listen(0)` could get it before the
 * child bound it, and the child's start then looked like success.)
 */
const PORT_BASE = 20000
const PORTS_PER_WORKER = 1000
let nextPortOffset = 0

function canBind(port: number): Promise<boolean> {
  const server = createNetServer()
  return new Promise(resolve => {
    server.once('error', () => resolve(false))
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)))
  })
}

/** A port on 127.0.0.1 that nothing listens on, and that nothing else in this test run will take. */
export async function closedPort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1') - 1
  for (let tries = 0; tries < PORTS_PER_WORKER; tries++) {
    const port = PORT_BASE + ((worker * PORTS_PER_WORKER) % 12000) + (nextPortOffset++ % PORTS_PER_WORKER)
    if (await canBind(port)) return port
  }
  throw new Error("no free port left in this worker's block")
}

// A free port for a child process to bind.
const freePort = closedPort

function canConnect(port: number, address: string): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect(port, address)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Whether a TLS server answers a handshake with its certificate: it completes, or the server sends a
 * TLS alert (an mTLS server refusing a client without a certificate). Either way the server has read
 * its certificate; a bare connection does not show that.
 */
function answersTls(port: number, address: string): Promise<boolean> {
  return new Promise(resolve => {
    const socket = tlsConnect({ port, host: address, rejectUnauthorized: false })
    socket.once('secureConnect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(/^ERR_SSL_.*ALERT/.test(error.code ?? '')))
  })
}

/** The child's output, kept (bounded: the last 256 KiB) for error messages and request logs. */
function captureOutput(child: ChildProcess): () => string {
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-262144)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return () => output.trim()
}

const EXIT_ACTIONS = Symbol.for('setup-buildkit-registry.tests.exit-actions')

/**
 * Runs the synchronous `action` when this process exits (also after a failed test, or under
 * `--forceExit`), in the order registered. Under jest, `process` in a test file is a copy whose
 * 'exit' listeners never run (and `import 'node:process'` or createRequire give that copy too),
 * and modules are evaluated again for every test file: the actions hang off node's real process
 * object, which `process.getBuiltinModule` (node >= 20.16) returns, from one listener.
 */
export function onExit(action: () => void): void {
  const realProcess = (process.getBuiltinModule?.('node:process') ?? process) as NodeJS.Process & {
    [EXIT_ACTIONS]?: Set<() => void>
  }
  let actions = realProcess[EXIT_ACTIONS]
  if (!actions) {
    const all = new Set<() => void>()
    actions = realProcess[EXIT_ACTIONS] = all
    realProcess.once('exit', () => {
      for (const each of all) {
        try {
          each()
        } catch {
          // Nothing more to do on the way out.
        }
      }
    })
  }
  actions.add(action)
}

// Children still running when this process exits (a crash, a test that forgot stop()) would
// keep their ports and temp dirs; kill them on the way out.
const running = new Set<ChildProcess>()
onExit(() => {
  for (const child of running) child.kill('SIGKILL')
})

/** Kills the child (SIGKILL if SIGTERM is not enough within 5 s) and waits for its exit. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Runs `command`, waits (bounded) until it answers on `address:port` (`answers`: a TCP connection
 * by default), and wraps it as a RunningServer.
 */
async function startProcess(
  name: string,
  command: string,
  args: string[],
  port: number,
  cwd: string,
  address = LOOPBACK,
  answers: (port: number, address: string) => Promise<boolean> = canConnect
): Promise<RunningServer> {
  // stdin is /dev/null: nothing here reads it (s_server -quiet implies -ign_eof).
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = captureOutput(child)
  running.add(child)
  child.once('exit', () => running.delete(child))
  // Why the child is gone, if it is: spawn failed (a missing binary) or it exited (a bad config, a taken port).
  let gone: string | undefined
  child.once('error', error => (gone ??= `could not run ${command}: ${error.message}`))
  // 'close', not 'exit': by then all its output has been read.
  child.once('close', (code, signal) => (gone ??= `exited (code ${code}, signal ${signal})`))

  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (gone) throw new Error(`${name} ${gone} before listening on ${address}:${port}:\n${output()}`)
    if (await answers(port, address)) return { port, host: `${address}:${port}`, stop: () => stopChild(child), output }
    if (Date.now() > deadline) {
      await stopChild(child)
      throw new Error(`${name} did not listen on ${address}:${port} within ${START_TIMEOUT_MS} ms:\n${output()}`)
    }
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

export interface RegistryOptions {
  /** Serve HTTPS with this certificate; with `clientCaPath`, require a client certificate signed by it. */
  tls?: { certPath: string; keyPath: string; clientCaPath?: string }
  /** Require HTTP basic auth with this one user. */
  htpasswd?: { user: string; password: string }
  /**
   * Listen on this IPv4 address instead of 127.0.0.1; it must exist where the registry runs and be
   * reachable from here (see ../helpers/test-host.ts). `host` is then `ADDRESS:PORT`.
   */
  address?: string
  /** Run in this network namespace: `ip netns exec NETNS docker-registry serve ...`. */
  netns?: string
  /** Log every request (the access log), readable through `output()`: e.g. to see a mirror used. */
  logRequests?: boolean
  /**
   * Serve the images stored in this directory (another registry's `storage`, the caller's to
   * remove) instead of a fresh one: e.g. an image dockerd pushed to a loopback registry, served by
   * a TLS registry on a test host, where dockerd would not push without trusting it.
   */
  storage?: string
  /**
   * `auth: token`: clients must bring a token from `realm` (see ./token-server.ts) for `service`,
   * signed by a certificate in `rootCertBundlePath` and issued by `issuer`.
   */
  tokenAuth?: { realm: string; service: string; issuer: string; rootCertBundlePath: string }
}

/** Debian's docker-registry (distribution 2.8) with filesystem storage in a temp dir of its own. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-registry-'))
  const address = options.address ?? LOOPBACK
  // In another namespace, a port free here is free there too unless that namespace's own servers
  // hold it; then the registry exits and startProcess says why.
  const port = await freePort()
  const http: Record<string, unknown> = {
    addr: `${address}:${port}`,
    // Fixed, so the registry does not log a warning about generating one.
    secret: 'setup-buildkit-registry-tests'
  }
  if (options.tls) {
    http.tls = {
      certificate: options.tls.certPath,
      key: options.tls.keyPath,
      // With clientcas set, the registry requires and verifies a client certificate.
      ...(options.tls.clientCaPath ? { clientcas: [options.tls.clientCaPath] } : {})
    }
  }
  const config: Record<string, unknown> = {
    version: '0.1',
    // Errors only, no access log: the output is kept for start-up failures and should stay short.
    log: { level: 'error', accesslog: { disabled: !options.logRequests } },
    storage: {
      filesystem: { rootdirectory: options.storage ?? join(dir, 'data') },
      // No background scan of the upload directory.
      maintenance: { uploadpurging: { enabled: false } }
    },
    http
  }
  if (options.htpasswd) {
    const htpasswdPath = join(dir, 'htpasswd')
    // -B: bcrypt, the only hash the registry accepts.
    const line = execFileSync('htpasswd', ['-Bbn', options.htpasswd.user, options.htpasswd.password], {
      encoding: 'utf8'
    })
    writeFileSync(htpasswdPath, line)
    config.auth = { htpasswd: { realm: 'sbr-test-registry', path: htpasswdPath } }
  }
  if (options.tokenAuth) {
    const { realm, service, issuer, rootCertBundlePath } = options.tokenAuth
    config.auth = { token: { realm, service, issuer, rootcertbundle: rootCertBundlePath } }
  }
  // JSON is YAML, and it needs no quoting rules for paths.
  const configPath = join(dir, 'config.yml')
  writeFileSync(configPath, JSON.stringify(config, null, 2))
  // `ip netns exec` execs the registry in place: the child (and its signals) are the registry's own.
  const serve = ['docker-registry', 'serve', configPath]
  const [command, ...args] = options.netns ? ['ip', 'netns', 'exec', options.netns, ...serve] : serve
  // docker-registry listens before it reads its TLS files, and exits just after when it cannot: a
  // TLS registry is up once it answers a handshake (a bare connection in that moment proved
  // nothing, and a pause after it was a race a loaded machine lost).
  const answers = options.tls ? answersTls : undefined
  const registry = await startProcess('docker-registry', command, args, port, dir, address, answers)
  // The temp dir (config, htpasswd, blobs) goes with the registry; it stays after a failed start, for a look.
  return { ...registry, stop: () => registry.stop().then(() => rmSync(dir, { recursive: true, force: true })) }
}

/** The one name the SNI-strict server answers for. */
export const SNI_SERVER_NAME = 'only.example.test'

/**
 * `openssl s_server` that completes a handshake only without SNI (default certificate: the PKI's
 * server certificate) or with SNI `only.example.test` (a certificate for that name from the same CA);
 * any other SNI gets a fatal `unrecognized_name` alert. With `-www`, `GET /` answers an HTTP status page.
 */
export async function startSniStrictServer(pki: TestPki): Promise<RunningServer> {
  const named = issueServerCert(pki, { names: [SNI_SERVER_NAME] })
  const port = await freePort()
  const args = [
    's_server',
    '-accept',
    `${LOOPBACK}:${port}`,
    '-cert',
    pki.serverCertPath,
    '-key',
    pki.serverKeyPath,
    '-servername',
    SNI_SERVER_NAME,
    '-cert2',
    named.certPath,
    '-key2',
    named.keyPath,
    // The default is a warning alert, which clients ignore.
    '-servername_fatal',
    '-www',
    '-quiet'
  ]
  return startProcess('openssl s_server', 'openssl', args, port, pki.dir)
}

/** Listens on a free loopback port and adds `stop`, which also ends open connections. */
async function listen(server: Server, sockets: Set<Socket>): Promise<RunningServer> {
  server.on('connection', socket => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, LOOPBACK, resolve)
  })
  const { port } = server.address() as { port: number }
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopped ??= new Promise(resolve => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
    return stopped
  }
  return { port, host: `${LOOPBACK}:${port}`, stop, output: () => '' }
}

/** One connection a blackhole took: when it was opened and when the client gave up, as moments. */
export interface HeldConnection {
  opened: number
  closed?: number
}

export interface Blackhole extends RunningServer {
  /** The connections so far, in the order they came. */
  connections(): HeldConnection[]
}

/**
 * A moment shared by every blackhole of this process: a counter, not a clock, so that events at
 * several blackholes can be put in order (which came first), whatever the machine's speed.
 */
let blackholeMoment = 0

/** Accepts TCP connections and never sends a byte: a server that hangs. */
export async function startBlackhole(): Promise<Blackhole> {
  const held: HeldConnection[] = []
  // Keep the socket open even if the client half-closes it (allowHalfOpen).
  const server = createNetServer({ allowHalfOpen: true }, socket => {
    const connection: HeldConnection = { opened: ++blackholeMoment }
    held.push(connection)
    const givenUp = (): void => void (connection.closed ??= ++blackholeMoment)
    // Read (and drop) what the client sends, so that its FIN or reset is seen when it gives up.
    socket.resume()
    socket.once('end', givenUp)
    socket.once('close', givenUp)
    socket.on('error', givenUp)
  })
  const running = await listen(server, new Set())
  return { ...running, connections: () => held.map(connection => ({ ...connection })) }
}

/** "Not a registry": by default a 404 HTML page for every request, as a web server would answer. */
const notFound: RequestListener = (_request, response) => {
  response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
  response.end('<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n')
}

/** A plain HTTP server (node's http) with `handler`, by default a 404 page for everything. */
export function startHttpServer(handler: RequestListener = notFound): Promise<RunningServer> {
  return listen(createHttpServer(handler), new Set())
}

/**
 * An HTTPS server (node's https) with the PKI's server certificate (for `localhost` and 127.0.0.1
 * by default) and `handler`: e.g. what a build's `ADD https://…` fetches.
 */
export function startHttpsServer(pki: TestPki, handler: RequestListener = notFound): Promise<RunningServer> {
  const server = createHttpsServer(
    { cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) },
    handler
  )
  // listen() counts raw TCP connections, which https reports as `connection` too.
  return listen(server, new Set())
}
