import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { runLater } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildContext, buildkitLog } from '../helpers/builds.js'
import { filesUnder } from '../helpers/files.js'
import { readImage } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// The docker-compose BuildKit setup of issue 20, pasted into `buildkitd-config-inline` as a new
// user would: checked against BuildKit's schema before anything is made, and, written as the
// fix says, booted and pushed through by the real buildx and BuildKit.

let plain: RunningServer

beforeAll(async () => {
  requireDocker()
  plain = await startRegistry()
})

afterAll(async () => {
  await tearDownAll()
  await plain?.stop()
})

/** The compose setup's buildkitd.toml, with its `[grpc]` address as written there. */
function composeConfig(address: string, registry: string, extra = ''): string {
  return [
    '# buildkitd.toml of the docker-compose setup',
    'debug = true',
    extra,
    '[grpc]',
    `  address = ${address}`,
    '',
    `[registry."${registry}"]`,
    '  http = true'
  ].join('\n')
}

/** Main fails with `message`, and nothing is made: no file, no builder that buildx knows of, no container. */
async function expectRefusedBeforeAnything(job: TestJob, inputs: Record<string, string>, message: string) {
  const main = await setUp(job, inputs)
  expect(main.exitCode).toBe(1)
  expect(main.log).toContain(`::error::${message}`)
  expect(filesUnder(job.runnerTemp)).toEqual([])
  const listed = docker(job.dockerConfig, ['buildx', 'ls'])
  expect(listed.status).toBe(0)
  expect(listed.stdout).not.toContain(inputs.name)
  expect(filesUnder(join(job.dockerConfig, 'buildx', 'instances'))).toEqual([])
  expect(containerExists(inputs.name)).toBe(false)
  // No `docker buildx create` ran at all.
  expect(main.log).not.toContain('buildx create')
  const post = await tearDown(job)
  expect(post.exitCode).toBe(0)
  expect(post.log).not.toContain('::warning::')
}

const builderName = (): string => `sbr-config-check-${randomBytes(3).toString('hex')}`

describe('buildkitd-config-inline checked against BuildKit v0.20.2 before buildx runs', () => {
  it('[grpc] address as a string: the step fails naming the input, the line and the fix, and makes nothing', async () => {
    const name = builderName()
    await expectRefusedBeforeAnything(
      newTestJob(),
      {
        name,
        registries: `${plain.host} http`,
        'buildkitd-config-inline': composeConfig('"tcp://0.0.0.0:1234"', plain.host),
        'driver-opts': bootDriverOpts()
      },
      'Input \'buildkitd-config-inline\', line 5: grpc.address is a string ("tcp://0.0.0.0:1234"), where BuildKit v0.20.2 wants a list of strings. Fix: write address = [ "unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234" ]'
    )
  })

  it('a CA path of the compose setup that is not on the runner: fails naming the line, `ca-cert` and `ca=`, and makes nothing', async () => {
    const name = builderName()
    const config = composeConfig('[ "unix:///run/buildkit/buildkitd.sock" ]', 'reg.test:5443').replace(
      '  http = true',
      '  ca = ["/certs/registry.crt"]'
    )
    await expectRefusedBeforeAnything(
      newTestJob(),
      { name, 'buildkitd-config-inline': config, 'driver-opts': bootDriverOpts(), preflight: 'off' },
      "Input 'buildkitd-config-inline', line 8: registry.\"reg.test:5443\".ca names '/certs/registry.crt', which does not exist on the runner"
    )
  })

  it('written as the fix says, with a typo: a warning names the line and the key, and the builder boots, listens on both and pushes', async () => {
    const job = newTestJob()
    const config = composeConfig(
      '[ "unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234" ]',
      plain.host,
      'insecure-entitlments = [ "network.host" ]'
    )
    const main = await setUp(job, {
      registries: `${plain.host} http`,
      'buildkitd-config-inline': config,
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      "::warning::Input 'buildkitd-config-inline', line 3: BuildKit v0.20.2 has no key insecure-entitlments at the top level: it does nothing. Fix: did you mean insecure-entitlements?"
    )
    // BuildKit read the config as written: it listens where the compose setup had it, and on the socket buildx uses.
    const log = buildkitLog(main.outputs.name)
    expect(log).toContain('running server on /run/buildkit/buildkitd.sock')
    expect(log).toContain('running server on [::]:1234')

    const context = buildContext()
    const build = await runLater(job, 'docker', [
      'buildx',
      'build',
      '--push',
      '-t',
      `${plain.host}/sbr/compose:1`,
      context.dir
    ])
    expect(build).toMatchObject({ status: 0 })
    expect((await readImage({ host: plain.host, tls: false }, 'sbr/compose', '1')).layers).toContain(context.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })
})
