import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runLater } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { readManifest, type RegistryAccess } from '../helpers/registry-client.js'
import type { RunningServer } from '../helpers/servers.js'
import { createTestHost, type TestHost } from '../helpers/test-host.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// A multi-platform base image from the private registry: the job pushes a two-platform base there
// (FROM scratch and a file per platform), then builds `FROM` it for both platforms (COPY only, so
// no emulation). BuildKit pulls each platform's base through the builder's trust (the registry is
// on a test host, so nothing of 127.0.0.0/8's leniency helps), and the result's manifest for each
// platform starts with that platform's base layer.

const PLATFORMS = ['linux/amd64', 'linux/arm64']

let pki: TestPki
let testHost: TestHost
const servers: RunningServer[] = []

beforeAll(async () => {
  requireDocker()
  // Before any builder: a builder on the host network copies /etc/hosts when it is created.
  testHost = await createTestHost({ name: 'mpbase' })
  pki = makePki([testHost.name])
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
  await testHost?.destroy()
})

/** A build context of `lines` (the Dockerfile) and `files`. */
function context(lines: string[], files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-context-'))
  writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`)
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return dir
}

/** `docker buildx build --platform linux/amd64,linux/arm64 --push -t TAG DIR` as a later step of the job. */
function pushBoth(job: TestJob, tag: string, dir: string) {
  return runLater(job, 'docker', ['buildx', 'build', '--platform', PLATFORMS.join(','), '--push', '-t', tag, dir])
}

/** Each platform's image manifest under `tag` at the registry (attestations left out): its layers' digests. */
async function layersByPlatform(
  access: RegistryAccess,
  repository: string,
  tag: string
): Promise<Record<string, string[]>> {
  const index = await readManifest(access, repository, tag)
  const result: Record<string, string[]> = {}
  for (const entry of index.manifests ?? []) {
    const platform = entry.platform ? `${entry.platform.os}/${entry.platform.architecture}` : ''
    if (!PLATFORMS.includes(platform)) continue
    const image = await readManifest(access, repository, entry.digest)
    result[platform] = (image.layers ?? []).map(layer => layer.digest)
  }
  return result
}

const cases: { kind: string; mtls: boolean }[] = [
  { kind: 'a private CA (`ca-cert`)', mtls: false },
  { kind: 'mutual TLS (`client-cert`/`client-key`)', mtls: true }
]

describe('a two-platform base image from the private registry', () => {
  it.each(cases)('$kind: each platform of the result is built on its own platform of the base', async ({ mtls }) => {
    const server = await testHost.startRegistry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath, clientCaPath: mtls ? pki.caCertPath : undefined }
    })
    servers.push(server)
    const host = `${testHost.name}:${server.port}`
    const keypair = mtls ? { cert: pki.clientCert, key: pki.clientKey } : {}
    const access: RegistryAccess = { host, tls: true, ca: pki.caCert, ...keypair }
    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      ...(mtls ? { 'client-cert': pki.clientCert, 'client-key': pki.clientKey } : {}),
      'driver-opts': bootDriverOpts()
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)

    // The base: one file per platform, so the two platforms' layers differ.
    const base = context(['FROM scratch', 'ARG TARGETARCH', 'COPY base-${TARGETARCH}.txt /base.txt'], {
      'base-amd64.txt': 'base for amd64\n',
      'base-arm64.txt': 'base for arm64\n'
    })
    expect(await pushBoth(job, `${host}/sbr/base:1`, base)).toMatchObject({ status: 0 })
    const baseLayers = await layersByPlatform(access, 'sbr/base', '1')
    expect(Object.keys(baseLayers).sort()).toEqual(PLATFORMS)
    expect(baseLayers['linux/amd64'][0]).not.toBe(baseLayers['linux/arm64'][0])

    // The app: FROM the base at the private registry, one COPY (no RUN: no emulation needed).
    const app = context([`FROM ${host}/sbr/base:1`, 'COPY app.txt /app.txt'], { 'app.txt': 'the app\n' })
    const build = await pushBoth(job, `${host}/sbr/app:1`, app)
    expect(build).toMatchObject({ status: 0 })
    // BuildKit resolved the base for each platform at the registry (the builder's trust, not the runner's).
    expect(build.stderr).toContain(`FROM ${host}/sbr/base:1`)

    const appLayers = await layersByPlatform(access, 'sbr/app', '1')
    for (const platform of PLATFORMS) {
      expect(appLayers[platform]).toHaveLength(2)
      expect(appLayers[platform][0]).toBe(baseLayers[platform][0])
    }
    // The app's own layer is the same file on both platforms: only the base differs.
    expect(appLayers['linux/amd64'][1]).toBe(appLayers['linux/arm64'][1])
    expect((await tearDown(job)).exitCode).toBe(0)
  })
})
