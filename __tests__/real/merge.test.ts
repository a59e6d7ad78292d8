import { mkdtempSync, readFileSync } from 'node:fs'
import { request, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { neverLog, runLater, runMergeStep, type StepResult } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildContext } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js'
import { listTags, readImage, readManifest, type RegistryAccess } from '../helpers/registry-client.js'
import { startHttpServer, startRegistry, type RunningServer } from '../helpers/servers.js'
import { makeTokenSigner, requestToken, startTokenService } from '../helpers/token-server.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// Docker's matrix pattern through the bundles, per registry kind: two legs (linux/amd64 and
// linux/arm64, `FROM scratch` + a file, so no emulation), each a job of its own that pushes by
// digest through the action's builder; then a merge job, the main step and the `merge` bundle
// with the two digests. It ends with the index read back from the registry by its tag.

/** A name only the forward proxy resolves (to loopback). */
const BEHIND = 'merge.proxy.test'
const PASSWORD = 'sbr-merge-token-pass-71c2'
const SERVICE = 'sbr-merge-registry'
const ISSUER = 'sbr-merge-issuer'

let pki: TestPki
/** A CA the jobs are never given: the `insecure` registry's. */
let strangerPki: TestPki
const servers: RunningServer[] = []

beforeAll(() => {
  requireDocker()
  pki = makePki(['localhost', 'IP:127.0.0.1', BEHIND])
  strangerPki = makePki()
  neverLog(PASSWORD)
  neverLog(Buffer.from(`ci:${PASSWORD}`).toString('base64'))
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

async function started<T extends RunningServer>(server: Promise<T>): Promise<T> {
  const running = await server
  servers.push(running)
  return running
}

async function registry(options: Parameters<typeof startRegistry>[0] = {}): Promise<RunningServer> {
  const server = await startRegistry(options)
  servers.push(server)
  return server
}

/** How each job of the pattern sets the action up for a registry kind, and how the test reads it back. */
interface Kind {
  inputs: Record<string, string>
  access: RegistryAccess
  /** Variables of every job (a proxy's). */
  env?: NodeJS.ProcessEnv
}

interface Leg {
  digest: string
  marker: string
}

/** A matrix leg: its own job, the main step, a build of one platform pushed by digest, post. */
async function leg(kind: Kind, name: string, platform: string): Promise<Leg> {
  const job = newTestJob(kind.env)
  const main = await setUp(job, { ...kind.inputs, 'driver-opts': bootDriverOpts() })
  expect(main.log).not.toContain('::error::')
  expect(main.exitCode).toBe(0)
  const context = buildContext()
  const metadata = join(mkdtempSync(join(tmpdir(), 'sbr-leg-')), 'metadata.json')
  const build = await runLater(job, 'docker', [
    'buildx',
    'build',
    '--platform',
    platform,
    '--metadata-file',
    metadata,
    '--output',
    `type=image,name=${name},push-by-digest=true,name-canonical=true,push=true`,
    context.dir
  ])
  expect(build).toMatchObject({ status: 0 })
  const digest = (JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, string>)['containerimage.digest']
  expect((await tearDown(job)).exitCode).toBe(0)
  return { digest, marker: context.marker }
}

/** Both legs, as two concurrent jobs on one daemon, or one after the other. */
async function legs(kind: Kind, name: string, concurrent: boolean): Promise<Leg[]> {
  if (concurrent) return Promise.all([leg(kind, name, 'linux/amd64'), leg(kind, name, 'linux/arm64')])
  return [await leg(kind, name, 'linux/amd64'), await leg(kind, name, 'linux/arm64')]
}

/** The merge job: main, then the merge bundle with `with`; post. */
async function mergeJob(kind: Kind, inputs: Record<string, string>): Promise<{ job: TestJob; merge: StepResult }> {
  const job = newTestJob(kind.env)
  const main = await setUp(job, { ...kind.inputs, 'driver-opts': bootDriverOpts() })
  expect(main.exitCode).toBe(0)
  const merge = await runMergeStep(job, inputs)
  expect((await tearDown(job)).exitCode).toBe(0)
  return { job, merge }
}

/** Sources in `legRepository`, the index tagged `:1` in `sbr/app`. */
function mergeInputs(host: string, legRepository: string, built: Leg[]): Record<string, string> {
  return {
    sources: built.map(each => `${host}/${legRepository}@${each.digest}`).join('\n'),
    tags: `${host}/sbr/app:1`
  }
}

/** What the registry in front of a real one refuses: mounts across repositories, or blob uploads (its storage full). */
interface Refusals {
  mounts?: boolean
  uploads?: boolean
}

/**
 * The real registry behind a proxy that refuses what `refusals` says. Mounts: the distribution
 * spec lets a registry answer a mount with 202, an upload started instead; the proxy drops
 * `mount=` and `from=`, so the registry does that. Uploads: the PUT that completes one answered
 * 500, a registry whose storage is full. The Host header is passed on, so the
 * registry's upload Locations name the proxy.
 */
async function refusing(target: string, refusals: Refusals): Promise<RunningServer & { refused: () => number }> {
  let refused = 0
  const handler = (incoming: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(incoming.url ?? '/', 'http://proxy.invalid')
    if (refusals.mounts && incoming.method === 'POST' && url.searchParams.has('mount')) {
      refused++
      url.searchParams.delete('mount')
      url.searchParams.delete('from')
    }
    if (refusals.uploads && incoming.method === 'PUT' && url.pathname.includes('/blobs/uploads/')) {
      refused++
      incoming.resume()
      response.writeHead(500, { 'Content-Type': 'application/json' })
      const message = 'storage full\n::error::forged by the registry'
      response.end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message }] }))
      return
    }
    const [hostname, port] = target.split(':')
    const forwarded = request(
      {
        hostname,
        port: Number(port),
        method: incoming.method,
        path: url.pathname + url.search,
        headers: incoming.headers
      },
      upstream => {
        response.writeHead(upstream.statusCode ?? 502, upstream.headers)
        upstream.pipe(response)
      }
    )
    forwarded.on('error', () => response.destroy())
    incoming.pipe(forwarded)
  }
  const server = await started(startHttpServer(handler))
  return { ...server, refused: () => refused }
}

/** The index at `repository:tag` holds each leg's manifests (pushed to `legRepository`) by digest, and is the `digest` output. */
async function expectMerged(
  kind: Kind,
  repository: string,
  tag: string,
  built: Leg[],
  merge: StepResult,
  legRepository = repository
): Promise<void> {
  expect(merge.log).not.toContain('::error::')
  expect(merge.exitCode).toBe(0)
  const index = await readManifest(kind.access, repository, tag)
  const held = (index.manifests ?? []).map(entry => entry.digest)
  for (const { digest } of built) {
    // A leg with buildx's provenance pushed an index: its image and attestation manifests are merged in.
    const own = await readManifest(kind.access, legRepository, digest)
    for (const manifest of own.manifests ?? [{ digest }]) expect(held).toContain(manifest.digest)
  }
  const platforms = (index.manifests ?? []).map(entry => `${entry.platform?.os}/${entry.platform?.architecture}`)
  expect(platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']))
  // Read by tag: the amd64 image (this machine's) is the amd64 leg's, and the tag is the output's digest.
  const image = await readImage(kind.access, repository, tag)
  expect(image.layers).toContain(built[0].marker)
  expect(merge.outputs.digest).toBe(image.digest)
}

describe('matrix legs pushed by digest, merged by the merge sub-action', () => {
  it('plain HTTP: concurrent legs, then the merge', async () => {
    const server = await registry()
    const kind: Kind = { inputs: { registries: `${server.host} http` }, access: { host: server.host, tls: false } }
    const built = await legs(kind, `${server.host}/sbr/app`, true)
    const { merge } = await mergeJob(kind, {
      sources: built.map(each => `${server.host}/sbr/app@${each.digest}`).join('\n'),
      tags: `${server.host}/sbr/app:1.0, ${server.host}/sbr/app:latest`
    })
    await expectMerged(kind, 'sbr/app', '1.0', built, merge)
    expect((await readManifest(kind.access, 'sbr/app', 'latest')).manifests).toHaveLength(
      (await readManifest(kind.access, 'sbr/app', '1.0')).manifests?.length ?? -1
    )
  })

  it("plain HTTP, a registry that refuses mounts: legs one after the other, blobs copied from the legs' repository", async () => {
    const server = await registry()
    const front = await refusing(server.host, { mounts: true })
    const kind: Kind = { inputs: { registries: `${front.host} http` }, access: { host: server.host, tls: false } }
    const built = await legs(kind, `${front.host}/sbr/legs`, false)
    const { merge } = await mergeJob(kind, mergeInputs(front.host, 'sbr/legs', built))
    await expectMerged(kind, 'sbr/app', '1', built, merge, 'sbr/legs')
    expect(front.refused()).toBeGreaterThan(0)
    expect(merge.log).toMatch(/Blobs from other repositories: 0 mounted, [1-9]\d* copied/)
  })

  it('mutual TLS (what buildx imagetools cannot do): legs one after the other, blobs mounted across repositories', async () => {
    const server = await registry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath, clientCaPath: pki.caCertPath }
    })
    const host = `localhost:${server.port}`
    const kind: Kind = {
      inputs: {
        registries: host,
        'ca-cert': pki.caCert,
        'client-cert': pki.clientCert,
        'client-key': pki.clientKeyPath
      },
      access: { host, tls: true, ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey }
    }
    const built = await legs(kind, `${host}/sbr/legs`, false)
    const { merge } = await mergeJob(kind, mergeInputs(host, 'sbr/legs', built))
    await expectMerged(kind, 'sbr/app', '1', built, merge, 'sbr/legs')
    expect(merge.log).toMatch(/Blobs from other repositories: [1-9]\d* mounted, 0 copied/)
  })

  it('private CA: concurrent legs', async () => {
    const server = await registry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
    const host = `localhost:${server.port}`
    const kind: Kind = {
      inputs: { registries: host, 'ca-cert': pki.caCert },
      access: { host, tls: true, ca: pki.caCert }
    }
    const built = await legs(kind, `${host}/sbr/app`, true)
    const { merge } = await mergeJob(kind, mergeInputs(host, 'sbr/app', built))
    await expectMerged(kind, 'sbr/app', '1', built, merge)
  })

  it('`insecure` (a certificate from a CA nobody was given): concurrent legs', async () => {
    const server = await registry({ tls: { certPath: strangerPki.serverCertPath, keyPath: strangerPki.serverKeyPath } })
    const host = `localhost:${server.port}`
    const kind: Kind = { inputs: { registries: `${host} insecure` }, access: { host, tls: true } }
    const built = await legs(kind, `${host}/sbr/app`, true)
    const { merge } = await mergeJob(kind, mergeInputs(host, 'sbr/app', built))
    await expectMerged(kind, 'sbr/app', '1', built, merge)
  })

  it('token auth behind a private CA: concurrent legs in another repository, the token asked for push and pull', async () => {
    const signer = makeTokenSigner()
    const tls = { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }
    const tokens = await started(
      startTokenService({ tls, signer, users: { ci: PASSWORD }, service: SERVICE, issuer: ISSUER })
    )
    const realm = `https://localhost:${tokens.port}/token`
    const server = await registry({
      tls,
      tokenAuth: { realm, service: SERVICE, issuer: ISSUER, rootCertBundlePath: signer.certPath }
    })
    const host = `localhost:${server.port}`
    const token = await requestToken(tokens, {
      ca: pki.caCert,
      serviceName: SERVICE,
      scope: 'repository:sbr/app:pull repository:sbr/legs:pull',
      basic: `ci:${PASSWORD}`
    })
    const kind: Kind = {
      inputs: { registries: host, 'ca-cert': pki.caCert, username: 'ci', password: PASSWORD },
      access: { host, tls: true, ca: pki.caCert, bearer: token.token }
    }
    const built = await legs(kind, `${host}/sbr/legs`, true)
    const before = tokens.requests.length
    const { merge } = await mergeJob(kind, mergeInputs(host, 'sbr/legs', built))
    await expectMerged(kind, 'sbr/app', '1', built, merge, 'sbr/legs')
    expect(merge.log).not.toContain(PASSWORD)
    expect(tokens.requests.slice(before)).toContainEqual({
      method: 'GET',
      user: 'ci',
      scopes: ['repository:sbr/app:pull,push', 'repository:sbr/legs:pull'],
      status: 200
    })
  })

  it('through a forward proxy, the registry named only the proxy resolves: concurrent legs, the merge tunnelled', async () => {
    const server = await registry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
    const proxy: ForwardProxy = await started(startForwardProxy({ names: { [BEHIND]: '127.0.0.1' } }))
    const host = `${BEHIND}:${server.port}`
    const kind: Kind = {
      inputs: { registries: host, 'ca-cert': pki.caCert },
      access: { host: `127.0.0.1:${server.port}`, tls: true, ca: pki.caCert },
      env: { HTTPS_PROXY: proxy.url }
    }
    const tunnels = (): number =>
      proxy.requests().filter(each => each.method === 'CONNECT' && each.target === host && each.status === 200).length
    const built = await legs(kind, `${host}/sbr/app`, true)
    const job = newTestJob(kind.env)
    expect((await setUp(job, { ...kind.inputs, 'driver-opts': bootDriverOpts() })).exitCode).toBe(0)
    const before = tunnels()
    const merge = await runMergeStep(job, mergeInputs(host, 'sbr/app', built))
    const through = tunnels() - before
    expect((await tearDown(job)).exitCode).toBe(0)
    await expectMerged(kind, 'sbr/app', '1', built, merge)
    expect(through).toBeGreaterThan(0)
  })
})

describe('which builder the merge takes its trust from', () => {
  it('two setups in one job: the newest that configures the registry, not simply the last', async () => {
    const server = await registry()
    const other = await registry()
    const kind: Kind = { inputs: { registries: `${server.host} http` }, access: { host: server.host, tls: false } }
    const built = await legs(kind, `${server.host}/sbr/app`, true)
    const job = newTestJob()
    const first = await setUp(job, { ...kind.inputs, 'driver-opts': bootDriverOpts() })
    // A second setup step of the same job (its own post owed), for another registry; it is the current builder now.
    const second = { ...job }
    const last = await setUp(second, { registries: `${other.host} http`, 'driver-opts': bootDriverOpts() })
    expect([first.exitCode, last.exitCode]).toEqual([0, 0])
    expect(job.env.SETUP_BUILDKIT_REGISTRY_CONFIG).toBe(`${last.outputs.config}:${first.outputs.config}`)
    const merge = await runMergeStep(job, mergeInputs(server.host, 'sbr/app', built))
    expect(merge.log).toContain(`Reaching ${server.host} with the builder's trust in ${first.outputs.config}.`)
    expect((await tearDown(second)).exitCode).toBe(0)
    expect((await tearDown(job)).exitCode).toBe(0)
    await expectMerged(kind, 'sbr/app', '1', built, merge)
  })
})

describe('bad sources make nothing', () => {
  it('a digest the registry does not have, and one platform twice: the input, the line, the fix; no tag', async () => {
    const server = await registry()
    const kind: Kind = { inputs: { registries: `${server.host} http` }, access: { host: server.host, tls: false } }
    const built = await legs(kind, `${server.host}/sbr/app`, true)
    const job = newTestJob()
    expect((await setUp(job, { ...kind.inputs, 'driver-opts': bootDriverOpts() })).exitCode).toBe(0)
    const missing = `sha256:${'0'.repeat(64)}`
    const absent = await runMergeStep(job, {
      sources: `${server.host}/sbr/app@${built[0].digest}\n${server.host}/sbr/app@${missing}`,
      tags: `${server.host}/sbr/app:1`
    })
    expect(absent.exitCode).toBe(1)
    expect(absent.log).toContain(
      `::error::Input 'sources', line 2: ${server.host}/sbr/app@${missing} is not at the registry (no manifest by that digest). Fix: check the digest`
    )
    const twice = await runMergeStep(job, {
      sources: `${server.host}/sbr/app@${built[0].digest}, ${server.host}/sbr/app@${built[0].digest}`,
      tags: `${server.host}/sbr/app:1`
    })
    expect(twice.exitCode).toBe(1)
    expect(twice.log).toMatch(
      /::error::Input 'sources', line 1, entry 2 \('.*'\): linux\/amd64 is given twice: by line 1, entry 1/
    )
    const tagged = await runMergeStep(job, {
      sources: `${server.host}/sbr/app:amd64`,
      tags: `${server.host}/sbr/app:1`
    })
    expect(tagged.exitCode).toBe(1)
    expect(tagged.log).toContain(
      `::error::Input 'sources', line 1: '${server.host}/sbr/app:amd64' is a tag, not a digest`
    )
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(await listTags(kind.access, 'sbr/app')).toEqual([])
  })

  it("a failure partway (a blob copy refused): the step fails with the registry's words, and no tag is written", async () => {
    const server = await registry()
    const front = await refusing(server.host, { mounts: true, uploads: true })
    const kind: Kind = { inputs: { registries: `${front.host} http` }, access: { host: server.host, tls: false } }
    const built = await legs(kind, `${server.host}/sbr/legs`, true)
    const { merge } = await mergeJob(kind, mergeInputs(front.host, 'sbr/legs', built))
    expect(merge.exitCode).toBe(1)
    expect(merge.log).toMatch(
      /::error::Merging on 127\.0\.0\.1:\d+: upload sha256:[a-f0-9]{64} to sbr\/app: the registry answered 500 UNKNOWN: storage full/
    )
    // The registry's text cannot issue a workflow command.
    expect(merge.log).not.toMatch(/^::error::forged/m)
    expect(merge.outputs.digest).toBeUndefined()
    expect(front.refused()).toBeGreaterThan(0)
    // Blobs first, then manifests, the index, and the tags last: no tag points at a half-made index.
    expect(await listTags(kind.access, 'sbr/app')).toEqual([])
  })
})
