import { spawnSync } from 'node:child_process'
import { lookup } from 'node:dns/promises'
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { join } from 'node:path'
import { makePki, type TestPki } from './certs.js'
import type { RunningServer } from './servers.js'
import { createTestHost, makeTinyImage, removeImage, type TestHost } from './test-host.js'
import { newDockerConfig, requireDocker } from '../real/docker.js'

// ./test-host.ts against the real dockerd, docker-registry, iproute2 and /etc/hosts:
// a registry in a network namespace is a registry dockerd does not trust by default, unlike
// one on 127.0.0.1, and a CA in /etc/docker/certs.d/NAME:PORT/ changes that at once.

const CERTS_D = '/etc/docker/certs.d'

let host: TestHost
let pki: TestPki
let tlsRegistry: RunningServer
let httpRegistry: RunningServer
let dockerConfig: string
const tags: string[] = []
const certDirs: string[] = []
let madeCertsD = false

function get(
  url: string,
  options: https.RequestOptions = {}
): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const client = url.startsWith('https:') ? https : http
  return new Promise((resolve, reject) => {
    const request = client.get(url, { timeout: 5000, ...options }, response => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }))
    })
    request.on('timeout', () => request.destroy(new Error('timed out')))
    request.on('error', reject)
  })
}

/** `docker push` with a client config of the test's own (no credentials from ~/.docker). */
function push(tag: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('docker', ['push', tag], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, DOCKER_CONFIG: dockerConfig }
  })
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr }
}

function tinyImage(registry: RunningServer): string {
  const tag = `${registry.host}/sbr/tiny:1`
  tags.push(tag)
  makeTinyImage(tag)
  return tag
}

/** /etc/docker/certs.d/HOST:PORT/ca.crt, removed again in afterAll. */
function trustInDockerd(registry: RunningServer, caCert: string): string {
  if (!existsSync(CERTS_D)) {
    mkdirSync(CERTS_D, { recursive: true })
    madeCertsD = true
  }
  const dir = join(CERTS_D, registry.host)
  certDirs.push(dir)
  mkdirSync(dir)
  writeFileSync(join(dir, 'ca.crt'), caCert)
  return dir
}

function dockerdPid(): string {
  return readFileSync('/var/run/docker.pid', 'utf8').trim()
}

beforeAll(async () => {
  requireDocker()
  dockerConfig = newDockerConfig()
  host = await createTestHost()
  pki = makePki([host.name])
  tlsRegistry = await host.startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
  httpRegistry = await host.startRegistry()
})

afterAll(async () => {
  for (const dir of certDirs) rmSync(dir, { recursive: true, force: true })
  if (madeCertsD) {
    try {
      rmdirSync(CERTS_D)
    } catch {
      // Not empty: another test's directory is in it now, and it removes it.
    }
  }
  for (const tag of tags) removeImage(tag)
  await host?.destroy()
  if (pki) rmSync(pki.dir, { recursive: true, force: true })
  if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true })
})

describe('a test host: a registry in a network namespace of its own', () => {
  it('has a name that resolves to an address in the namespace, not on loopback', async () => {
    expect(host.name).toMatch(/^[0-9a-f]{8}\.sbr\.test$/)
    expect(host.address).toMatch(/^198\.51\.100\.\d+$/)
    expect(await lookup(host.name, { family: 4 })).toEqual({ address: host.address, family: 4 })
    expect(readFileSync('/etc/hosts', 'utf8')).toContain(
      `${host.address}\t${host.name}\t# sbr-test-host netns=${host.netns} pid=${process.pid}\n`
    )
    // The registries run in the namespace, not here.
    const pids = spawnSync('ip', ['netns', 'pids', host.netns], { encoding: 'utf8' })
      .stdout.split(/\s+/)
      .filter(Boolean)
    expect(pids).toHaveLength(2)
    expect(tlsRegistry.host).toBe(`${host.name}:${tlsRegistry.port}`)
  })

  it('answers GET /v2/ from the root namespace by its name over TLS, verified with the CA', async () => {
    const response = await get(`https://${tlsRegistry.host}/v2/`, { ca: pki.caCert })
    expect(response.status).toBe(200)
    expect(response.headers['docker-distribution-api-version']).toBe('registry/2.0')
    // Without the CA, node does not trust it either.
    await expect(get(`https://${tlsRegistry.host}/v2/`)).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
    })
  })

  it('is not trusted by dockerd: a push fails with an x509 error', () => {
    const tag = tinyImage(tlsRegistry)
    const result = push(tag)
    expect(result.status).not.toBe(0)
    // dockerd 28 puts `tls: failed to verify certificate: ` before the x509 text; 20.10 does not.
    expect(result.stderr).toMatch(
      new RegExp(
        `Get "https://${tlsRegistry.host}/v2/": (tls: failed to verify certificate: )?x509: certificate signed by unknown authority`
      )
    )
  })

  it('is trusted by the same dockerd, not restarted, once its CA is in /etc/docker/certs.d/NAME:PORT/ca.crt', async () => {
    const pidBefore = dockerdPid()
    const tag = `${tlsRegistry.host}/sbr/tiny:1`
    const dir = trustInDockerd(tlsRegistry, pki.caCert)

    const result = push(tag)
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^1: digest: sha256:[0-9a-f]{64} size: \d+$/m)
    const manifest = await get(`https://${tlsRegistry.host}/v2/sbr/tiny/manifests/1`, {
      ca: pki.caCert,
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' }
    })
    expect(manifest.status).toBe(200)

    // dockerd reads certs.d on every connection: removing the CA takes effect at once too.
    rmSync(dir, { recursive: true })
    expect(push(tag).stderr).toContain('x509: certificate signed by unknown authority')
    expect(dockerdPid()).toBe(pidBefore)
  })

  it('is not insecure to dockerd over plain HTTP either, unlike 127.0.0.1', () => {
    const tag = tinyImage(httpRegistry)
    const result = push(tag)
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain(
      `Get "https://${httpRegistry.host}/v2/": http: server gave HTTP response to HTTPS client`
    )
  })
})

describe('createTestHost', () => {
  it('makes hosts that coexist, and destroy() removes everything it made, once', async () => {
    const other = await createTestHost({ name: 'other' })
    let destroyed = false
    try {
      expect(other.name).toMatch(/^other-[0-9a-f]{8}\.sbr\.test$/)
      expect(other.name).not.toBe(host.name)
      expect(other.address).not.toBe(host.address)
      expect(other.netns).not.toBe(host.netns)
      const registry = await other.startRegistry()
      expect((await get(`http://${registry.host}/v2/`)).status).toBe(200)
      // The first host still answers.
      expect((await get(`http://${httpRegistry.host}/v2/`)).status).toBe(200)

      await other.destroy()
      destroyed = true
      await other.destroy()
      expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(other.netns)
      expect(spawnSync('ip', ['link', 'show', other.veth], { encoding: 'utf8' }).status).not.toBe(0)
      expect(readFileSync('/etc/hosts', 'utf8')).not.toContain(other.name)
      expect(readFileSync('/etc/hosts', 'utf8')).toContain(host.name)
      // Not probed by connecting: with the namespace gone, its address is routed off this machine.
      await expect(other.startRegistry()).rejects.toThrow(/destroyed/)
    } finally {
      if (!destroyed) await other.destroy()
    }
  })
})
