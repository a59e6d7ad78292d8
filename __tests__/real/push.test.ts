import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { neverLog } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, BUILDKIT_IMAGE } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { listTags, readImage } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// The action's promise, through booted builders: after the action's step, a later
// `docker buildx build --push` of the job reaches the registry, checked at the registry itself.

const PASSWORD = 'sbr-push-test-password-5b1e'

let pki: TestPki
let strangerPki: TestPki
const servers: RunningServer[] = []

beforeAll(() => {
  requireDocker()
  pki = makePki()
  strangerPki = makePki()
  neverLog(PASSWORD)
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

async function registry(options: Parameters<typeof startRegistry>[0] = {}): Promise<RunningServer> {
  const server = await startRegistry(options)
  servers.push(server)
  return server
}

/** Main must succeed, boot the builder, and say nothing went wrong. */
function expectReady(main: Awaited<ReturnType<typeof setUp>>): void {
  expect(main.log).not.toContain('::error::')
  expect(main.exitCode).toBe(0)
  expect(main.outputs.platforms).toMatch(/linux\//)
}

describe('a later docker buildx build --push reaches the registry', () => {
  it("plain HTTP on the runner's loopback: `http`, and network=host added so the builder reaches it", async () => {
    const plain = await registry()
    const job = newTestJob()
    const main = await setUp(job, { registries: `${plain.host} http`, 'driver-opts': bootDriverOpts() })
    expectReady(main)
    expect(main.log).toContain('adding --driver-opt network=host')

    // No --builder: `use: true` made it the default for the job's later buildx steps.
    const push = await buildAndPush(job, `${plain.host}/sbr/http:1`)
    expect(push).toMatchObject({ status: 0 })
    await expectPushed({ host: plain.host, tls: false }, 'sbr/http', '1', push.marker)

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
    expect(docker(job.dockerConfig, ['buildx', 'inspect', main.outputs.name]).status).not.toBe(0)
  })

  it('a step without an `id:`: the outputs no later step can read are not looked up, and the builder pushes the same', async () => {
    const plain = await registry()
    const job = newTestJob()
    const main = await setUp(
      job,
      { registries: `${plain.host} http`, 'driver-opts': bootDriverOpts() },
      { withoutId: true }
    )
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain('::debug::No `id:` on this step')
    expect(Object.keys(main.outputs)).not.toContain('nodes')
    expect(Object.keys(main.outputs)).not.toContain('platforms')

    const push = await buildAndPush(job, `${plain.host}/sbr/no-id:1`)
    expect(push).toMatchObject({ status: 0 })
    await expectPushed({ host: plain.host, tls: false }, 'sbr/no-id', '1', push.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })

  it('self-signed TLS with the CA from `ca-cert`; without the explicit `http = false` the same config fails', async () => {
    const tls = await registry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
    const host = `localhost:${tls.port}`
    const access = { host, tls: true, ca: pki.caCert }

    // What a user hand-writes for setup-buildx-action: the CA alone. BuildKit then speaks plain
    // HTTP to a localhost registry, and the TLS registry turns the push away.
    const bare = newTestJob()
    const caPath = join(mkdtempSync(join(tmpdir(), 'sbr-bare-')), 'ca.pem')
    writeFileSync(caPath, pki.caCert)
    const handWritten = join(caPath, '..', 'buildkitd.toml')
    writeFileSync(handWritten, `[registry."${host}"]\nca = ["${caPath}"]\n`)
    const bareName = `sbr-bare-${tls.port}`
    const created = docker(bare.dockerConfig, [
      'buildx',
      'create',
      '--name',
      bareName,
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${BUILDKIT_IMAGE}`,
      '--driver-opt',
      'network=host',
      '--config',
      handWritten,
      '--bootstrap',
      '--use'
    ])
    expect(created).toMatchObject({ status: 0 })
    try {
      const refused = await buildAndPush(bare, `${host}/sbr/bare:1`)
      expect(refused.status).not.toBe(0)
      expect(refused.stderr).toMatch(/400 Bad Request|HTTP request to an HTTPS server/)
      expect(await listTags(access, 'sbr/bare')).toEqual([])
    } finally {
      docker(bare.dockerConfig, ['buildx', 'rm', bareName])
    }

    const job = newTestJob()
    const main = await setUp(job, { registries: host, 'ca-cert': pki.caCert, 'driver-opts': bootDriverOpts() })
    expectReady(main)
    const push = await buildAndPush(job, `${host}/sbr/tls:1`)
    expect(push).toMatchObject({ status: 0 })
    await expectPushed(access, 'sbr/tls', '1', push.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })

  it('mutual TLS: the client keypair makes the push work; without it the registry refuses it', async () => {
    const mtls = await registry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath, clientCaPath: pki.caCertPath }
    })
    const host = `localhost:${mtls.port}`

    const withoutKeypair = newTestJob()
    // preflight would say so first (warn mode): the point here is what BuildKit does.
    expectReady(
      await setUp(withoutKeypair, {
        registries: host,
        'ca-cert': pki.caCert,
        'driver-opts': bootDriverOpts(),
        preflight: 'off'
      })
    )
    const refused = await buildAndPush(withoutKeypair, `${host}/sbr/mtls:0`)
    expect(refused.status).not.toBe(0)
    expect(refused.stderr).toMatch(/certificate required|bad certificate/)
    expect((await tearDown(withoutKeypair)).exitCode).toBe(0)

    const job = newTestJob()
    expectReady(
      await setUp(job, {
        registries: host,
        'ca-cert': pki.caCert,
        'client-cert': pki.clientCert,
        'client-key': pki.clientKey,
        'driver-opts': bootDriverOpts()
      })
    )
    const push = await buildAndPush(job, `${host}/sbr/mtls:1`)
    expect(push).toMatchObject({ status: 0 })
    const access = { host, tls: true, ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey }
    await expectPushed(access, 'sbr/mtls', '1', push.marker)
    expect(await listTags(access, 'sbr/mtls')).toEqual(['1'])
    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('`insecure`: TLS from a CA nobody was given, certificate not verified', async () => {
    const stranger = await registry({
      tls: { certPath: strangerPki.serverCertPath, keyPath: strangerPki.serverKeyPath }
    })
    const host = `localhost:${stranger.port}`
    const job = newTestJob()
    expectReady(await setUp(job, { registries: `${host} insecure`, 'driver-opts': bootDriverOpts() }))
    const push = await buildAndPush(job, `${host}/sbr/insecure:1`)
    expect(push).toMatchObject({ status: 0 })
    await expectPushed({ host, tls: true, ca: strangerPki.caCert }, 'sbr/insecure', '1', push.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('basic auth: `username`/`password` let the push through; without them the registry answers 401', async () => {
    const guarded = await registry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
      htpasswd: { user: 'ci', password: PASSWORD }
    })
    const host = `localhost:${guarded.port}`

    const anonymous = newTestJob()
    expectReady(await setUp(anonymous, { registries: host, 'ca-cert': pki.caCert, 'driver-opts': bootDriverOpts() }))
    const refused = await buildAndPush(anonymous, `${host}/sbr/auth:0`)
    expect(refused.status).not.toBe(0)
    expect(refused.stderr).toMatch(/401 Unauthorized|no basic auth credentials|authorization failed/i)
    expect((await tearDown(anonymous)).exitCode).toBe(0)

    const job = newTestJob()
    expectReady(
      await setUp(job, {
        registries: host,
        'ca-cert': pki.caCert,
        username: 'ci',
        password: PASSWORD,
        'driver-opts': bootDriverOpts()
      })
    )
    const push = await buildAndPush(job, `${host}/sbr/auth:1`)
    expect(push).toMatchObject({ status: 0 })
    await expectPushed(
      { host, tls: true, ca: pki.caCert, basic: { user: 'ci', password: PASSWORD } },
      'sbr/auth',
      '1',
      push.marker
    )
    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    // The credentials the action wrote are gone with the job.
    expect(
      docker(job.dockerConfig, ['buildx', 'imagetools', 'inspect', `${host}/sbr/auth:1`], {
        SSL_CERT_FILE: pki.caCertPath
      }).status
    ).not.toBe(0)
  })

  it("docker/build-push-action's way: `use: false`, then `buildx build --builder NAME` with iidfile and metadata-file", async () => {
    const tls = await registry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
    const host = `localhost:${tls.port}`
    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      use: 'false',
      'driver-opts': bootDriverOpts()
    })
    expectReady(main)
    // Not the default: a build without --builder would not use it.
    expect(docker(job.dockerConfig, ['buildx', 'inspect']).stdout).not.toMatch(
      new RegExp(`^Name:\\s+${main.outputs.name}$`, 'm')
    )

    const out = mkdtempSync(join(tmpdir(), 'sbr-bpa-'))
    // The flags build-push-action v6 passes for `builder:`, `push: true` and `tags:`.
    const push = await buildAndPush(job, `${host}/sbr/bpa:1`, [
      '--builder',
      main.outputs.name,
      '--iidfile',
      join(out, 'iidfile'),
      '--metadata-file',
      join(out, 'metadata.json')
    ])
    expect(push).toMatchObject({ status: 0 })
    const metadata = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')) as Record<string, string>
    const image = await readImage({ host, tls: true, ca: pki.caCert }, 'sbr/bpa', '1')
    expect(image.layers).toContain(push.marker)
    expect(metadata['containerimage.digest']).toBe(image.digest)
    expect((await tearDown(job)).exitCode).toBe(0)
  })
})
