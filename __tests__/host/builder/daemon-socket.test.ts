import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { daemonStatus, imageInLocalDaemon, localDaemonSocket } from '../../../src/host/builder/daemon-socket.js'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sbr-daemon-socket-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** An environment whose Docker client config says `config` (DOCKER_CONFIG in the test's directory). */
function envWith(config: object, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  return { DOCKER_CONFIG: dir, ...env }
}

describe('localDaemonSocket', () => {
  it('the default socket, or a unix DOCKER_HOST, for the default context', () => {
    expect(localDaemonSocket('', envWith({}))).toBe('/var/run/docker.sock')
    expect(localDaemonSocket('', envWith({ currentContext: 'default' }))).toBe('/var/run/docker.sock')
    expect(localDaemonSocket('', envWith({}, { DOCKER_CONTEXT: 'default' }))).toBe('/var/run/docker.sock')
    const rootless = { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }
    expect(localDaemonSocket('', envWith({}, rootless))).toBe('/run/user/1000/docker.sock')
    // DOCKER_HOST wins over any context, as in docker/cli.
    expect(localDaemonSocket('', envWith({ currentContext: 'remote' }, rootless))).toBe('/run/user/1000/docker.sock')
  })

  it('a unix:// node endpoint', () => {
    expect(localDaemonSocket('unix:///run/docker-2.sock', envWith({ currentContext: 'remote' }))).toBe(
      '/run/docker-2.sock'
    )
  })

  it('none where the CLI adds something of its own: another context, tcp, ssh, a relative path', () => {
    expect(localDaemonSocket('', envWith({ currentContext: 'remote' }))).toBeUndefined()
    expect(localDaemonSocket('', envWith({}, { DOCKER_CONTEXT: 'remote' }))).toBeUndefined()
    expect(localDaemonSocket('', envWith({}, { DOCKER_HOST: 'tcp://10.0.0.5:2376' }))).toBeUndefined()
    expect(localDaemonSocket('', envWith({}, { DOCKER_HOST: 'ssh://me@host' }))).toBeUndefined()
    expect(localDaemonSocket('', envWith({}, { DOCKER_HOST: 'unix://docker.sock' }))).toBeUndefined()
    expect(localDaemonSocket('remote-ctx', envWith({}))).toBeUndefined()
    expect(localDaemonSocket('tcp://10.0.0.5:2376', envWith({}))).toBeUndefined()
  })
})

/** A unix socket that answers each request with `reply` (nothing: it stays silent); the requests it got. */
async function fakeDaemon(reply: string | undefined): Promise<{ path: string; requests: string[]; server: Server }> {
  const path = join(dir, 'docker.sock')
  const requests: string[] = []
  const server = createServer((socket: Socket) => {
    socket.on('data', chunk => {
      requests.push(chunk.toString())
      if (reply !== undefined) socket.end(reply)
    })
  })
  await new Promise<void>(resolve => server.listen(path, resolve))
  return { path, requests, server }
}

const closed = (server: Server): Promise<void> => new Promise(resolve => server.close(() => resolve()))

describe('daemonStatus', () => {
  it("the status of the daemon's answer to the CLI's request", async () => {
    for (const [reply, status] of [
      ['HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}', 200],
      ['HTTP/1.1 404 Not Found\r\n\r\n{"message":"No such image"}', 404]
    ] as const) {
      const daemon = await fakeDaemon(reply)
      expect(await daemonStatus(daemon.path, '/images/moby/buildkit:v0.20.2/json')).toBe(status)
      expect(daemon.requests.join('')).toMatch(/^GET \/images\/moby\/buildkit:v0\.20\.2\/json HTTP\/1\.1\r\n/)
      await closed(daemon.server)
    }
  })

  it('none when it cannot be asked: no socket, no HTTP, no answer in time, a closed connection', async () => {
    expect(await daemonStatus(join(dir, 'absent.sock'), '/_ping')).toBeUndefined()
    for (const reply of ['SSH-2.0-OpenSSH\r\n', '']) {
      const daemon = await fakeDaemon(reply)
      expect(await daemonStatus(daemon.path, '/_ping')).toBeUndefined()
      await closed(daemon.server)
    }
    const silent = await fakeDaemon(undefined)
    expect(await daemonStatus(silent.path, '/_ping', 200)).toBeUndefined()
    await closed(silent.server)
  })
})

describe('imageInLocalDaemon', () => {
  const saved = { ...process.env }
  afterEach(() => (process.env = { ...saved }))

  it("the daemon's yes or no; the CLI's turn for a name a request path cannot carry as it is", async () => {
    const daemon = await fakeDaemon('HTTP/1.1 404 Not Found\r\n\r\n')
    process.env.DOCKER_HOST = `unix://${daemon.path}`
    expect(await imageInLocalDaemon('', 'registry.local:5000/buildkit@sha256:' + 'a'.repeat(64))).toBe(false)
    expect(await imageInLocalDaemon('', 'moby/buildkit:v1?x=1')).toBeUndefined()
    expect(await imageInLocalDaemon('', 'moby/buildkit v1')).toBeUndefined()
    expect(daemon.requests).toHaveLength(1)
    await closed(daemon.server)
  })
})
