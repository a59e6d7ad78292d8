import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bootDriverOpts, pushBaseImage } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { lockDaemonConfig } from '../helpers/daemon-config-lock.js'
import { readImage, type RegistryAccess } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { createTestHost, type TestHost } from '../helpers/test-host.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// import-docker-trust with the real dockerd: the test configures the daemon as a runner's admin
// would (certs.d with a CA and a client keypair for an mTLS registry; insecure-registries with a
// plain-HTTP and a self-signed registry; a registry mirror), then the action, given no other
// registry input, makes a builder that pushes to each and pulls Docker Hub images through the
// mirror. dockerd counts 127.0.0.0/8 as insecure on its own, so the registries are on a test
// host (a network namespace with a name in /etc/hosts). The daemon's config is changed only
// for the main step (the builder keeps its own config), under the lock daemon-trust.test.ts takes.

const DAEMON_JSON = '/etc/docker/daemon.json'
const PID_FILE = '/var/run/docker.pid'
const CERTS_D = '/etc/docker/certs.d'
/** TEST-NET-3, used by nothing here: a range in insecure-registries, which cannot become a registry. */
const UNUSED_RANGE = '203.0.113.0/24'

let host: TestHost
let trusted: TestPki
let selfSigned: TestPki
let mtls: RunningServer
let plain: RunningServer
let untrusted: RunningServer
let mirror: RunningServer

beforeAll(async () => {
  requireDocker()
  host = await createTestHost({ name: 'import' })
  trusted = makePki([host.name])
  selfSigned = makePki([host.name])
  ;[mtls, plain, untrusted, mirror] = await Promise.all([
    host.startRegistry({
      tls: { certPath: trusted.serverCertPath, keyPath: trusted.serverKeyPath, clientCaPath: trusted.caCertPath }
    }),
    host.startRegistry({}),
    host.startRegistry({ tls: { certPath: selfSigned.serverCertPath, keyPath: selfSigned.serverKeyPath } }),
    // A pull-through cache as it holds Docker Hub's busybox: on loopback, where dockerd pushes over HTTP.
    startRegistry({ logRequests: true })
  ])
  pushBaseImage(`${mirror.host}/library/busybox:latest`)
}, 120000)

afterAll(async () => {
  await tearDownAll()
  await Promise.all([mirror?.stop()])
  await host?.destroy()
})

/** What the daemon shows of its registry settings. */
function registryConfig(): { IndexConfigs: Record<string, { Secure: boolean; Mirrors: string[] }>; Mirrors: string[] } {
  const info = spawnSync('docker', ['info', '--format', '{{json .RegistryConfig}}'], { encoding: 'utf8' })
  const config = JSON.parse(info.stdout)
  // dockerd 28 writes an empty list as null.
  return { ...config, Mirrors: config.Mirrors ?? [] }
}

/** SIGHUP to dockerd, then waits until `docker info` shows `applied` (insecure-registries and registry-mirrors reload live). */
async function reloadDaemon(applied: () => boolean): Promise<void> {
  process.kill(Number(readFileSync(PID_FILE, 'utf8').trim()), 'SIGHUP')
  const deadline = Date.now() + 30000
  while (!applied()) {
    if (Date.now() > deadline) throw new Error('dockerd did not apply daemon.json within 30 s of SIGHUP')
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** Every file under `dir` with its bytes and mode: to prove the action changed nothing there. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    files[path] = `${(statSync(path).mode & 0o7777).toString(8)} ${readFileSync(path, 'base64')}`
  }
  return files
}

describe('import-docker-trust', () => {
  it("a daemon's certs.d (mTLS), insecure-registries (HTTP, self-signed) and registry-mirrors: the builder pushes to each and pulls through the mirror; the daemon's files are untouched", async () => {
    const job = newTestJob()
    const inputs = { 'import-docker-trust': 'true', 'driver-opts': bootDriverOpts() }
    const mirrorUrl = `http://${mirror.host}`
    let main: Awaited<ReturnType<typeof setUp>>

    // The daemon's config, changed for the main step only.
    const unlock = await lockDaemonConfig()
    const certsDir = join(CERTS_D, mtls.host)
    const before = existsSync(DAEMON_JSON)
      ? { text: readFileSync(DAEMON_JSON, 'utf8'), mode: statSync(DAEMON_JSON).mode & 0o7777 }
      : undefined
    const certsDExisted = existsSync(CERTS_D)
    try {
      mkdirSync(certsDir, { recursive: true })
      writeFileSync(join(certsDir, 'ca.crt'), trusted.caCert)
      writeFileSync(join(certsDir, 'client.cert'), trusted.clientCert)
      writeFileSync(join(certsDir, 'client.key'), trusted.clientKey, { mode: 0o600 })
      // Every key the machine has (default-runtime…) stays; the test adds two.
      const settings = before ? (JSON.parse(before.text) as Record<string, unknown>) : {}
      writeFileSync(
        DAEMON_JSON,
        JSON.stringify(
          {
            ...settings,
            'insecure-registries': [plain.host, untrusted.host, UNUSED_RANGE],
            'registry-mirrors': [mirrorUrl]
          },
          null,
          2
        )
      )
      await reloadDaemon(() => {
        const config = registryConfig()
        return config.IndexConfigs[plain.host]?.Secure === false && config.Mirrors.includes(`${mirrorUrl}/`)
      })
      const daemonFiles = { json: readFileSync(DAEMON_JSON, 'base64'), certsD: snapshot(certsDir) }

      main = await setUp(job, inputs)

      // Nothing of the daemon's changed, byte for byte and mode for mode.
      expect({ json: readFileSync(DAEMON_JSON, 'base64'), certsD: snapshot(certsDir) }).toEqual(daemonFiles)
    } finally {
      // dockerd's reload keeps insecure-registries and registry-mirrors as they are when daemon.json
      // has no such key: the machine's lists (empty when absent) are reloaded first, then its bytes put back.
      const settings = before ? (JSON.parse(before.text) as Record<string, unknown>) : {}
      writeFileSync(
        DAEMON_JSON,
        JSON.stringify({ 'insecure-registries': [], 'registry-mirrors': [], ...settings }, null, 2)
      )
      rmSync(certsDir, { recursive: true, force: true })
      if (!certsDExisted) rmSync(CERTS_D, { recursive: true, force: true })
      try {
        await reloadDaemon(() => {
          const config = registryConfig()
          return config.IndexConfigs[plain.host] === undefined && !config.Mirrors.includes(`${mirrorUrl}/`)
        })
      } finally {
        if (before) {
          writeFileSync(DAEMON_JSON, before.text)
          chmodSync(DAEMON_JSON, before.mode)
        } else rmSync(DAEMON_JSON, { force: true })
        unlock()
      }
    }

    expect(main.log.split('\n').filter(line => line.startsWith('::error'))).toEqual([])
    expect(main.exitCode).toBe(0)
    // The log says what came from where.
    expect(main.log).toContain(`${mtls.host} → TLS, its CA, its client keypair (from ${certsDir})`)
    expect(main.log).toContain(`${plain.host} → plain HTTP (from insecure-registries)`)
    expect(main.log).toContain(`${untrusted.host} → TLS without verification (insecure) (from insecure-registries)`)
    expect(main.log).toContain(`${mirror.host} → plain HTTP, a Docker Hub mirror (from registry-mirrors)`)
    // dockerd 28 counts ::1/128 too.
    expect(main.log).toMatch(/The Docker daemon counts (::1\/128 and )?127\.0\.0\.0\/8 as insecure on its own/)
    // The one thing not imported is the range, with the reason and the fix.
    expect(main.log.split('\n').filter(line => line.startsWith('::warning'))).toEqual([
      `::warning title=import-docker-trust::Not imported: ${UNUSED_RANGE} in insecure-registries: a range of addresses, not a registry: BuildKit configures registries by name; list each registry in that range in \`registries\` (with \`http\` or \`insecure\`)`
    ])

    // A later step pushes to each, through the builder, which has only what the action imported.
    const pushed: [RunningServer, RegistryAccess][] = [
      [mtls, { host: mtls.host, tls: true, ca: trusted.caCert, cert: trusted.clientCert, key: trusted.clientKey }],
      [plain, { host: plain.host, tls: false }],
      [untrusted, { host: untrusted.host, tls: true }]
    ]
    for (const [registry, access] of pushed) {
      const push = await buildAndPush(job, `${registry.host}/sbr/imported:1`)
      expect({ registry: registry.host, status: push.status, stderr: push.status === 0 ? '' : push.stderr }).toEqual({
        registry: registry.host,
        status: 0,
        stderr: ''
      })
      await expectPushed(access, 'sbr/imported', '1', push.marker)
    }

    // `FROM busybox`: nothing on the internet is reachable here, so it can only come through the mirror.
    const build = await buildAndPush(job, `${plain.host}/sbr/on-busybox:1`, [], {
      from: 'busybox',
      run: 'cat /marker.txt > /copied-by-run.txt'
    })
    expect(build).toMatchObject({ status: 0 })
    expect(mirror.output()).toMatch(/"(HEAD|GET) \/v2\/library\/busybox\/manifests\/latest\?ns=docker\.io HTTP/)
    const image = await readImage({ host: plain.host, tls: false }, 'sbr/on-busybox', '1')
    expect(image.layers).toContain('copied-by-run.txt')

    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('a remote daemon (DOCKER_HOST over TLS): its settings are imported, its certs.d is not, and the log says why and what to do', async () => {
    const tlsDir = '/run/sbr-engines/tls/client'
    const job = newTestJob({ DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tlsDir })
    const main = await setUp(job, {
      'import-docker-trust': 'true',
      'driver-opts': bootDriverOpts(),
      bootstrap: 'false'
    })
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      "::warning title=import-docker-trust::Not imported: certs.d: the Docker daemon is at tcp://127.0.0.1:2376, not on this machine's filesystem: its certs.d is on that machine. Fix: list those registries in `registries`"
    )
    // dockerd 28 counts ::1/128 too.
    expect(main.log).toMatch(/The Docker daemon counts (::1\/128 and )?127\.0\.0\.0\/8 as insecure on its own/)
    expect((await tearDown(job)).exitCode).toBe(0)
  })
})
