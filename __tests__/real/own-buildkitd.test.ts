import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runLater } from '../../scripts/github-runner.mjs'
import { BUILDKIT_IMAGE, buildContext } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { readImage } from '../helpers/registry-client.js'
import { closedPort, startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// A buildkitd the user runs (remote driver) or a self-hosted one that reads its config from the
// default place (install-config): the config the action wrote must be what makes the push work.

let pki: TestPki
let tls: RunningServer
const containers: string[] = []

beforeAll(async () => {
  requireDocker()
  pki = makePki()
  tls = await startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
})

afterAll(async () => {
  await tearDownAll()
  // -v: the image declares a volume for BuildKit's state, which would outlive the container.
  for (const container of containers) spawnSync('docker', ['rm', '-f', '-v', container], { stdio: 'ignore' })
  await tls?.stop()
})

/** `docker run -d` of a buildkitd on the host network, as a later step of `job` would. */
async function runBuildkitd(job: TestJob, name: string, mounts: string[], buildkitdArgs: string[]): Promise<void> {
  containers.push(name)
  const volumes = mounts.flatMap(mount => ['-v', mount])
  const started = await runLater(job, 'docker', [
    'run',
    '-d',
    '--name',
    name,
    '--privileged',
    '--network',
    'host',
    ...volumes,
    BUILDKIT_IMAGE,
    ...buildkitdArgs
  ])
  expect(started).toMatchObject({ status: 0 })
}

/** Boots (connects to) the builder, retrying while the buildkitd container is still starting. */
async function waitForBuilder(job: TestJob, builder: string): Promise<void> {
  const deadline = Date.now() + 30000
  for (;;) {
    const inspect = await runLater(job, 'docker', ['buildx', 'inspect', '--bootstrap', builder])
    if (inspect.status === 0 && /Status:\s+running/.test(inspect.stdout)) return
    if (Date.now() > deadline) throw new Error(`builder ${builder} did not come up: ${inspect.stdout}${inspect.stderr}`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

describe("a buildkitd of the user's own", () => {
  it('remote driver as docs/topologies/remote.md shows: config-dir mounted at the same path, --config, then a push over verified TLS', async () => {
    const host = `localhost:${tls.port}`
    const port = await closedPort()
    const job = newTestJob()
    const main = await setUp(job, {
      driver: 'remote',
      endpoint: `tcp://127.0.0.1:${port}`,
      registries: host,
      'ca-cert': pki.caCert,
      bootstrap: 'false'
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)

    // The next step of docs/topologies/remote.md, word for word but for the image and the port.
    const configDir = main.outputs['config-dir']
    await runBuildkitd(
      job,
      `sbr-remote-${port}`,
      [`${configDir}:${configDir}:ro`],
      ['--addr', `tcp://127.0.0.1:${port}`, '--config', `${configDir}/buildkitd.toml`]
    )
    await waitForBuilder(job, main.outputs.name)

    const context = buildContext()
    const push = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', `${host}/sbr/remote:1`, context.dir])
    expect(push).toMatchObject({ status: 0 })
    expect((await readImage({ host, tls: true, ca: pki.caCert }, 'sbr/remote', '1')).layers).toContain(context.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(existsSync(configDir)).toBe(false)
    expect(docker(job.dockerConfig, ['buildx', 'inspect', main.outputs.name]).status).not.toBe(0)
  })

  it('install-config: a buildkitd started with no flags reads the installed file from its default place and pushes', async () => {
    const host = `localhost:${tls.port}`
    const installed = join(mkdtempSync(join(tmpdir(), 'sbr-etc-buildkit-')), 'buildkitd.toml')
    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      'install-config': installed,
      bootstrap: 'false'
    })
    expect(main.exitCode).toBe(0)
    expect(existsSync(installed)).toBe(true)

    // /etc/buildkit/buildkitd.toml is where a rootful buildkitd looks; the certificates it names stay in config-dir.
    const configDir = main.outputs['config-dir']
    const port = await closedPort()
    await runBuildkitd(
      job,
      `sbr-selfhosted-${port}`,
      [`${dirname(installed)}:/etc/buildkit:ro`, `${configDir}:${configDir}:ro`],
      ['--addr', `tcp://127.0.0.1:${port}`]
    )
    const builder = `sbr-selfhosted-${port}`
    expect(
      await runLater(job, 'docker', [
        'buildx',
        'create',
        '--name',
        builder,
        '--driver',
        'remote',
        `tcp://127.0.0.1:${port}`
      ])
    ).toMatchObject({ status: 0 })
    await waitForBuilder(job, builder)

    const context = buildContext()
    const push = await runLater(job, 'docker', [
      'buildx',
      'build',
      '--builder',
      builder,
      '--push',
      '-t',
      `${host}/sbr/self-hosted:1`,
      context.dir
    ])
    expect(push).toMatchObject({ status: 0 })
    expect((await readImage({ host, tls: true, ca: pki.caCert }, 'sbr/self-hosted', '1')).layers).toContain(
      context.marker
    )
    docker(job.dockerConfig, ['buildx', 'rm', builder])
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(existsSync(installed)).toBe(false)
  })
})
