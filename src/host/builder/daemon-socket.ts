import { connect } from 'node:net'
import { isAbsolute } from 'node:path'
import { currentDockerContext, readDockerClientConfig } from '../../docker-client-config.js'

// One request to the Docker daemon without the docker CLI, where the CLI would send that very
// request to a local unix socket. Main asks the daemon one question on its way to `buildx create`
// (is the builder's image there?), and starting the CLI for it (a Go binary that reads its config
// and contexts first) is most of that question's 20-40 ms; asked here it is a few ms. Only for
// the `default` context on a unix socket (no DOCKER_HOST, or a unix:// one) or a unix:// node
// endpoint, where the CLI adds nothing of its own to the request: any other context, tcp, ssh or
// TLS, and a socket that does not answer plainly, are left to the CLI, as before.

/** How long the daemon may take to answer before the CLI is asked instead. */
const ANSWER_TIMEOUT_MS = 5000

/** The daemon's socket when no context or DOCKER_HOST names another (docker/cli's DefaultDockerHost on Linux). */
const DEFAULT_SOCKET = 'unix:///var/run/docker.sock'

/**
 * The unix socket the docker CLI would reach the daemon of `endpoint` on (a node's endpoint: '' for
 * the current context, or a daemon's address), or undefined where the CLI must be asked.
 */
export function localDaemonSocket(endpoint: string, env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform === 'win32') return undefined
  let host = endpoint
  if (endpoint === '') {
    if (currentDockerContext(readDockerClientConfig(env), env) !== 'default') return undefined
    host = env.DOCKER_HOST || DEFAULT_SOCKET
  }
  if (!host.startsWith('unix://')) return undefined
  const path = host.slice('unix://'.length)
  return isAbsolute(path) ? path : undefined
}

/**
 * The HTTP status of the daemon's answer to `GET path` on its unix socket: the request the docker
 * CLI makes, with no API version (the daemon's own). Undefined when it cannot be asked: no socket,
 * no access, no answer in time, not an HTTP answer.
 */
export function daemonStatus(
  socketPath: string,
  path: string,
  timeoutMs = ANSWER_TIMEOUT_MS
): Promise<number | undefined> {
  return new Promise(resolve => {
    let head = ''
    const socket = connect(socketPath)
    const done = (status: number | undefined): void => {
      socket.destroy()
      resolve(status)
    }
    socket.setTimeout(timeoutMs, () => done(undefined))
    socket.once('error', () => done(undefined))
    socket.once('end', () => done(undefined))
    socket.on('data', chunk => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n')) return
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(head)?.[1]
      done(status ? Number(status) : undefined)
    })
    socket.write(`GET ${path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`)
  })
}

/** An image reference the request path can carry as it is (what a valid reference is made of). */
const PLAIN_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/

/**
 * Whether the daemon has an image of exactly this name, asked on its socket: true or false as
 * `docker image inspect` would say, undefined where the CLI must be asked (see localDaemonSocket).
 */
export async function imageInLocalDaemon(endpoint: string, name: string): Promise<boolean | undefined> {
  const socket = localDaemonSocket(endpoint, process.env)
  if (!socket || !PLAIN_REFERENCE.test(name)) return undefined
  const status = await daemonStatus(socket, `/images/${name}/json`)
  return status === 200 ? true : status === 404 ? false : undefined
}
