import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runLater } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildContext } from '../helpers/builds.js'
import { listTags, readImage } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// A Docker endpoint reached over TCP with TLS, as a dind sidecar serves it (actions-runner-controller,
// GitLab's docker:dind): DOCKER_HOST=tcp://…:2376, DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH. The
// engine .ci/engine.sh starts listens so, with certificates of its own (.ci/engines.env); buildx
// does not carry the default context's TLS into a docker-container builder, so the action runs the
// builder on a context of the job's own, which post removes.

/** The engine's TLS listener, as .ci/engines.env names it. */
function engineTls(): { env: NodeJS.ProcessEnv; address: string } {
  const envFile = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.ci', 'engines.env'), 'utf8')
  const value = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(envFile)?.[1] ?? ''
  const address = value('ENGINE_TLS_ADDRESS')
  const certPath = join(value('ENGINE_TLS_DIR'), 'client')
  if (!existsSync(join(certPath, 'key.pem')))
    throw new Error(
      `no client certificate in ${certPath}: the engine was not started by .ci/engine.sh, which makes it listen on tcp://${address} with --tlsverify (.ci/engine.sh stop && .ci/engine.sh start bookworm)`
    )
  return { address, env: { DOCKER_HOST: `tcp://${address}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath } }
}

let registry: RunningServer

beforeAll(async () => {
  requireDocker()
  registry = await startRegistry()
})

afterAll(async () => {
  await tearDownAll()
  await registry?.stop()
})

/** The contexts the job's Docker client config knows. */
function contexts(job: TestJob): string[] {
  const list = docker(job.dockerConfig, ['context', 'ls', '--format', '{{.Name}}'])
  expect(list.status).toBe(0)
  return list.stdout.split('\n').filter(name => name !== '')
}

/** A later `run:` step pushes through the builder; the image is at the registry. */
async function expectPushWorks(job: TestJob, repository: string): Promise<void> {
  const context = buildContext()
  const tag = `${registry.host}/${repository}:1`
  const build = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir])
  expect(build.stderr).not.toMatch(/ERROR/)
  expect(build.status).toBe(0)
  const access = { host: registry.host, tls: false }
  expect(await listTags(access, repository)).toContain('1')
  expect((await readImage(access, repository, '1')).layers).toContain(context.marker)
}

describe('a TLS Docker endpoint (DOCKER_HOST=tcp://…, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  it("the builder boots on a context of the job's own, a later push works, and post removes the context", async () => {
    const tls = engineTls()
    const job = newTestJob(tls.env)
    const main = await setUp(job, { registries: `${registry.host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const jobContexts = contexts(job).filter(name => name !== 'default')
    expect(jobContexts).toHaveLength(1)
    expect(main.log).toContain(`runs on a context of the job's own, ${jobContexts[0]}`)
    // The context reaches the daemon over TLS, as the default one does.
    const endpoint = docker(job.dockerConfig, [
      'context',
      'inspect',
      '--format',
      '{{.Endpoints.docker.Host}}',
      jobContexts[0]
    ])
    expect(endpoint.stdout.trim()).toBe(`tcp://${tls.address}`)
    await expectPushWorks(job, 'sbr/tls-endpoint')

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(post.log).toContain(`Removed the Docker context ${jobContexts[0]}`)
    expect(contexts(job)).toEqual(['default'])
    expect(containerExists(main.outputs.name)).toBe(false)
  })

  it('a builder that fails to boot there: post still removes the context and the builder', async () => {
    const job = newTestJob(engineTls().env)
    const name = `sbr-tls-fail-${randomBytes(4).toString('hex')}`
    const main = await setUp(job, {
      name,
      registries: `${registry.host} http`,
      'driver-opts': bootDriverOpts(),
      // buildkitd refuses the flag and exits: the container is made, its BuildKit never answers.
      'buildkitd-flags': '--no-such-flag'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/::error::`docker buildx create .*` failed: /)
    expect(contexts(job)).toHaveLength(2)
    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(contexts(job)).toEqual(['default'])
    expect(docker(job.dockerConfig, ['buildx', 'ls']).stdout).not.toContain(name)
    expect(containerExists(name)).toBe(false)
  })

  it('DOCKER_HOST=unix:///… (a rootless daemon’s socket, here the default one): no context of its own, and the push works', async () => {
    const job = newTestJob({ DOCKER_HOST: 'unix:///var/run/docker.sock' })
    const main = await setUp(job, { registries: `${registry.host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.exitCode).toBe(0)
    expect(main.log).not.toContain("a context of the job's own")
    expect(contexts(job)).toEqual(['default'])
    await expectPushWorks(job, 'sbr/unix-endpoint')
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })
})
