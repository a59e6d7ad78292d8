import { execFileSync } from 'node:child_process'
import { parse } from 'smol-toml'
import { runLater } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildContext, buildkitContainer, buildkitLog, pushBaseImage } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { listTags, readImage, readManifest } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// What the generated config does inside a booted builder: BuildKit's own view of it (the file in
// its container, its log), and registry cache export/import, which BuildKit does itself.

let pki: TestPki
let tls: RunningServer
let plain: RunningServer

beforeAll(async () => {
  requireDocker()
  pki = makePki()
  ;[tls, plain] = await Promise.all([
    startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }),
    startRegistry()
  ])
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all([tls?.stop(), plain?.stop()])
})

/** A later `run:` step pushes a fresh context to the plain registry as REPOSITORY:1, and the registry has it. */
async function pushToPlain(job: TestJob, repository: string): Promise<void> {
  const context = buildContext()
  const build = await runLater(job, 'docker', [
    'buildx',
    'build',
    '--push',
    '-t',
    `${plain.host}/${repository}:1`,
    context.dir
  ])
  expect(build).toMatchObject({ status: 0 })
  expect((await readImage({ host: plain.host, tls: false }, repository, '1')).layers).toContain(context.marker)
}

describe('inside the booted builder', () => {
  it('`max-parallelism` and `debug` are in the buildkitd.toml BuildKit reads, and BuildKit logs at debug level', async () => {
    const job = newTestJob()
    const main = await setUp(job, {
      registries: `${plain.host} http`,
      'max-parallelism': '2',
      debug: 'true',
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)
    const container = buildkitContainer(main.outputs.name)
    const config = parse(
      execFileSync('docker', ['exec', container, 'cat', '/etc/buildkit/buildkitd.toml'], { encoding: 'utf8' })
    ) as {
      debug?: boolean
      worker: Record<string, { 'max-parallelism': number }>
    }
    expect(config.debug).toBe(true)
    expect(config.worker.oci['max-parallelism']).toBe(2)

    await pushToPlain(job, 'sbr/configured')
    expect(buildkitLog(main.outputs.name)).toMatch(/level=debug/)

    // As docker/setup-buildx-action's post step when debugging: BuildKit's own log, folded, before the builder goes.
    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    const header = `::group::BuildKit container logs (${container})\n`
    expect(post.log).toContain(header)
    const group = post.log.indexOf(header)
    const end = post.log.indexOf('::endgroup::', group)
    expect(end).toBeGreaterThan(group)
    const shown = post.log.slice(group + header.length, end)
    expect(shown).toMatch(/level=debug/)
    expect(shown).toContain('sbr/configured')
    expect(post.log.indexOf(`Removed builder ${main.outputs.name}`)).toBeGreaterThan(group)
  })

  it('without `debug`, BuildKit does not log at debug level (the check above can fail)', async () => {
    const job = newTestJob()
    const main = await setUp(job, { registries: `${plain.host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.exitCode).toBe(0)
    await pushToPlain(job, 'sbr/plain-config')
    expect(buildkitLog(main.outputs.name)).not.toMatch(/level=debug/)
    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(post.log).not.toContain('BuildKit container logs')
  })

  it('a job re-run with debug logging (RUNNER_DEBUG=1): post shows the BuildKit container log too', async () => {
    const job = newTestJob({ RUNNER_DEBUG: '1' })
    const main = await setUp(job, { registries: `${plain.host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.exitCode).toBe(0)
    await pushToPlain(job, 'sbr/runner-debug')
    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(post.log).toContain(`::group::BuildKit container logs (${buildkitContainer(main.outputs.name)})`)
    expect(post.log).toMatch(/running server on/)
  })

  it("cache-to and cache-from `type=registry` on a self-signed TLS registry: a second job's new builder reuses the first's RUN step", async () => {
    const host = `localhost:${tls.port}`
    const access = { host, tls: true, ca: pki.caCert }
    pushBaseImage(`${host}/base/busybox:1`)
    // A RUN step whose output differs every time it really runs.
    const context = buildContext({
      from: `${host}/base/busybox:1`,
      run: 'head -c 16 /dev/urandom | od -An -tx1 > /random.txt'
    })
    const cacheRef = `${host}/sbr/cache:1`
    const inputs = { registries: host, 'ca-cert': pki.caCert, 'driver-opts': bootDriverOpts() }

    const first = newTestJob()
    expect((await setUp(first, inputs)).exitCode).toBe(0)
    const exported = await runLater(first, 'docker', [
      'buildx',
      'build',
      '--push',
      '-t',
      `${host}/sbr/cached:first`,
      '--cache-to',
      `type=registry,ref=${cacheRef},mode=max`,
      context.dir
    ])
    expect(exported).toMatchObject({ status: 0 })
    expect(await listTags(access, 'sbr/cache')).toEqual(['1'])
    const cache = await readManifest(access, 'sbr/cache', '1')
    expect([...(cache.layers ?? []), ...(cache.manifests ?? [])].length).toBeGreaterThan(0)
    expect((await tearDown(first)).exitCode).toBe(0)

    const second = newTestJob()
    expect((await setUp(second, inputs)).exitCode).toBe(0)
    const imported = await runLater(second, 'docker', [
      'buildx',
      'build',
      '--progress',
      'plain',
      '--push',
      '-t',
      `${host}/sbr/cached:second`,
      '--cache-from',
      `type=registry,ref=${cacheRef}`,
      context.dir
    ])
    expect(imported).toMatchObject({ status: 0 })
    expect(imported.stderr).toMatch(/RUN head -c 16 \/dev\/urandom[^\n]*\n#\d+ CACHED/)
    const [firstImage, secondImage] = await Promise.all([
      readImage(access, 'sbr/cached', 'first'),
      readImage(access, 'sbr/cached', 'second')
    ])
    // The same random bytes: the RUN step's layer came from the cache, not from running it again.
    expect(secondImage.manifest.layers?.map(layer => layer.digest)).toEqual(
      firstImage.manifest.layers?.map(layer => layer.digest)
    )
    expect((await tearDown(second)).exitCode).toBe(0)
  })
})
