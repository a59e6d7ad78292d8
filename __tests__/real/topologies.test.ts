import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  copyFileSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { BUNDLE, STEP_NODE, type StepResult } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildkitContainer } from '../helpers/builds.js'
import { listTags } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { addHostsName, createTestHost, type HostsName, type TestHost } from '../helpers/test-host.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// Runners that do not look like a bare machine with registries on loopback (issue 19): registry
// names the runner resolves from /etc/hosts, and container jobs whose registry is a `services:`
// container on the job's network. Each ends in a push checked at the registry, then post, with
// nothing left: builders, containers, networks, /etc/hosts lines.

interface Result {
  host: string
  ok: boolean
  kind: string
  message: string
  fix: string
}

const servers: RunningServer[] = []
const names: HostsName[] = []
let testHost: TestHost | undefined

beforeAll(() => {
  requireDocker()
})

afterAll(async () => {
  // Post steps first: a container job's run in its container, which must still be there.
  await tearDownAll()
  removeContainerJob()
  await Promise.all(servers.map(server => server.stop()))
  for (const name of names) name.remove()
  await testHost?.destroy()
})

function preflightResults(main: StepResult): Result[] {
  return JSON.parse(main.outputs.preflight ?? '[]') as Result[]
}

function networkModeOf(builder: string): string {
  return execFileSync('docker', ['inspect', '-f', '{{.HostConfig.NetworkMode}}', buildkitContainer(builder)], {
    encoding: 'utf8'
  }).trim()
}

async function expectTornDown(job: TestJob, builder: string): Promise<void> {
  const post = await tearDown(job)
  expect(post.log).not.toContain('::warning::')
  expect(post.exitCode).toBe(0)
  expect(containerExists(builder)).toBe(false)
  expect(docker(job.dockerConfig, ['buildx', 'inspect', builder]).status).not.toBe(0)
}

function hostsLines(): string[] {
  return readFileSync('/etc/hosts', 'utf8').split('\n')
}

/** /etc/hosts without the tagged lines of test hosts (other test files add and remove theirs meanwhile). */
function untaggedHosts(): string {
  return hostsLines()
    .filter(line => !line.includes('# sbr-test-host '))
    .join('\n')
}

describe('a registry name the runner resolves from /etc/hosts', () => {
  it('to 127.0.0.1: the builder shares the host network, says why, and pushes', async () => {
    const before = untaggedHosts()
    const registry = await startRegistry()
    servers.push(registry)
    const name = addHostsName('127.0.0.1', 'loop')
    names.push(name)
    const host = `${name.name}:${registry.port}`

    const job = newTestJob()
    const main = await setUp(job, { registries: `${host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      `${name.name} (127.0.0.1) resolves on this runner from /etc/hosts, which a builder container on its own network does not read (and a loopback address there is its own): adding --driver-opt network=host`
    )
    expect(networkModeOf(main.outputs.name)).toBe('host')
    // The builder is on the host's network: what the step saw is what it sees.
    expect(main.log).toContain('Preflight: 1 registry (from this step, whose network the builder shares)')
    expect(preflightResults(main)).toMatchObject([{ host, ok: true }])
    expect(main.log).not.toContain("Preflight could not look from the builder's side")

    const push = await buildAndPush(job, `${host}/sbr/hosts-loop:1`)
    expect(push).toMatchObject({ status: 0 })
    await expectPushed({ host: registry.host, tls: false }, 'sbr/hosts-loop', '1', push.marker)
    await expectTornDown(job, main.outputs.name)

    name.remove()
    expect(hostsLines().some(line => line.includes(name.name))).toBe(false)
    // Every line that is not a test host's is as it was, byte for byte.
    expect(untaggedHosts()).toBe(before)
  })

  it("to a LAN address (a test host's): network=host too, and the push reaches it", async () => {
    testHost = await createTestHost({ name: 'lan' })
    const registry = await testHost.startRegistry()
    const job = newTestJob()
    const main = await setUp(job, { registries: `${registry.host} http`, 'driver-opts': bootDriverOpts() })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      `${testHost.name} (${testHost.address}) resolves on this runner from /etc/hosts, which a builder container on its own network does not read: adding --driver-opt network=host`
    )
    expect(networkModeOf(main.outputs.name)).toBe('host')
    expect(preflightResults(main)).toMatchObject([{ host: registry.host, ok: true }])
    expect(main.log).not.toContain("Preflight could not look from the builder's side")

    const push = await buildAndPush(job, `${registry.host}/sbr/hosts-lan:1`)
    expect(push).toMatchObject({ status: 0 })
    await expectPushed({ host: `${testHost.address}:${registry.port}`, tls: false }, 'sbr/hosts-lan', '1', push.marker)
    await expectTornDown(job, main.outputs.name)

    const hostName = testHost.name
    await testHost.destroy()
    expect(hostsLines().some(line => line.includes(hostName))).toBe(false)
  })

  it('the user chose network=bridge: preflight says, from the builder itself, that it will not resolve the name, with the fix; the push fails as said', async () => {
    const registry = await startRegistry()
    servers.push(registry)
    const name = addHostsName('127.0.0.1', 'bridge')
    names.push(name)
    const host = `${name.name}:${registry.port}`

    const job = newTestJob()
    const main = await setUp(job, { registries: `${host} http`, 'driver-opts': bootDriverOpts('network=bridge') })
    expect(main.exitCode).toBe(0)
    expect(main.log).not.toContain('adding --driver-opt network=host')
    expect(networkModeOf(main.outputs.name)).toBe('bridge')
    const [result] = preflightResults(main)
    expect(result).toMatchObject({ host, ok: false, kind: 'builder-unresolved' })
    // Seen from inside the BuildKit container: busybox's words.
    expect(result.message).toContain(
      `the builder (network=bridge) does not resolve ${name.name}, which this step reached (nc: bad address '${name.name}')`
    )
    expect(result.fix).toContain('remove `network=bridge` from `driver-opts`')
    expect(main.log).toContain(`::warning title=Registry preflight%3A ${name.name}%3A${registry.port}::`)

    const push = await buildAndPush(job, `${host}/sbr/hosts-bridge:1`)
    expect(push.status).not.toBe(0)
    expect(push.stderr).toMatch(/no such host/)
    expect(await listTags({ host: registry.host, tls: false }, 'sbr/hosts-bridge')).toEqual([])
    await expectTornDown(job, main.outputs.name)

    name.remove()
    expect(hostsLines().some(line => line.includes(name.name))).toBe(false)
  })
})

describe('`preflight: error` with a hosts-file name and network=bridge', () => {
  it('fails the step before anything is made: the plan knows the builder will not read /etc/hosts', async () => {
    const registry = await startRegistry()
    servers.push(registry)
    const name = addHostsName('127.0.0.1', 'strict')
    names.push(name)
    const host = `${name.name}:${registry.port}`

    const job = newTestJob()
    const main = await setUp(job, {
      registries: `${host} http`,
      'driver-opts': bootDriverOpts('network=bridge'),
      preflight: 'error'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toContain(
      `::error::Preflight found 1 registry that a build would fail on:%0A- ${host}: the builder (network=bridge) will not resolve ${name.name}: this step resolves it from /etc/hosts (127.0.0.1)`
    )
    expect(main.log).not.toContain('buildx create')
    expect((await tearDown(job)).exitCode).toBe(0)
    name.remove()
  })
})

// ---- container jobs ----

/** What a container job needs from this test: its network, service and job containers. */
interface ContainerJobSetup {
  network: string
  registryContainer: string
  jobContainer: string
  jobId: string
  configDir: string
}

let containerJob: ContainerJobSetup | undefined

const JOB_IMAGE = `sbr-test/job-container:${process.pid}`
/** Where the runner mounts its Node 24 in a job container (actions/runner: /__e/node24). */
const CONTAINER_STEP_NODE = '/__e/node24/bin/node'

/** The job container's PATH: the host's /usr is mounted into it (docker, buildx, node). */
const JOB_PATH = '/usr/local/bin:/usr/bin:/bin'

/**
 * An image from busybox-static with /lib and /lib64 pointing into /usr, which the containers get
 * from the host read-only: the host's node, docker CLI, buildx plugin and docker-registry run there.
 */
function makeJobImage(): void {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-job-image-'))
  try {
    const root = join(dir, 'root')
    for (const sub of ['bin', 'usr', 'tmp', 'etc', 'var/lib/registry', 'root'])
      mkdirSync(join(root, sub), { recursive: true })
    copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'))
    for (const applet of ['sh', 'sleep', 'cat', 'ls', 'env', 'mkdir', 'rm'])
      symlinkSync('busybox', join(root, 'bin', applet))
    symlinkSync('usr/lib', join(root, 'lib'))
    symlinkSync('usr/lib64', join(root, 'lib64'))
    execFileSync('tar', ['-C', root, '-cf', join(dir, 'rootfs.tar'), '.'], { stdio: 'pipe' })
    execFileSync('docker', ['import', '--change', `ENV PATH=${JOB_PATH}`, join(dir, 'rootfs.tar'), JOB_IMAGE], {
      stdio: 'pipe'
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * As actions/runner sets up a job with `container:` and `services: registry:`: a network of the
 * job's own, a registry service container on it aliased `registry`, and the job container on it
 * with the Docker socket mounted. The job's files (the test run's temp directory) and the bundle are
 * mounted at the same paths, as the runner mounts its work and temp directories.
 */
function startContainerJob(): ContainerJobSetup {
  makeJobImage()
  const suffix = randomBytes(4).toString('hex')
  const network = `sbr-topo-net-${suffix}`
  const setup: ContainerJobSetup = {
    network,
    registryContainer: `sbr-topo-registry-${suffix}`,
    jobContainer: `sbr-topo-job-${suffix}`,
    jobId: '',
    configDir: mkdtempSync(join(tmpdir(), 'sbr-service-registry-'))
  }
  containerJob = setup
  execFileSync('docker', ['network', 'create', '--label', 'sbr-test=topologies', network], { stdio: 'pipe' })
  writeFileSync(
    join(setup.configDir, 'config.yml'),
    JSON.stringify({
      version: '0.1',
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: '/var/lib/registry' } },
      http: { addr: ':5000', secret: 'setup-buildkit-registry-tests' }
    })
  )
  const usr = ['-v', '/usr:/usr:ro']
  execFileSync(
    'docker',
    [
      'run',
      '-d',
      '--name',
      setup.registryContainer,
      '--label',
      'sbr-test=topologies',
      '--network',
      network,
      '--network-alias',
      'registry',
      ...usr,
      '-v',
      `${setup.configDir}:/etc/docker/registry:ro`,
      JOB_IMAGE,
      'docker-registry',
      'serve',
      '/etc/docker/registry/config.yml'
    ],
    { stdio: 'pipe' }
  )
  const runDir = process.env.SBR_TEST_RUN_DIR ?? tmpdir()
  const dist = dirname(BUNDLE)
  setup.jobId = execFileSync(
    'docker',
    [
      'run',
      '-d',
      '--name',
      setup.jobContainer,
      '--label',
      'sbr-test=topologies',
      '--network',
      network,
      '--network-alias',
      'job',
      ...usr,
      '-v',
      '/var/run/docker.sock:/var/run/docker.sock',
      '-v',
      `${runDir}:${runDir}`,
      '-v',
      `${dist}:${dist}:ro`,
      // The runner mounts the Node its `node24` actions run on (externals) into a job container.
      '-v',
      `${realpathSync(STEP_NODE)}:${CONTAINER_STEP_NODE}:ro`,
      JOB_IMAGE,
      'sleep',
      '3600'
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
  ).trim()
  return setup
}

/** Containers, network, image and files of the container job; what is already gone is fine. */
function removeContainerJob(): void {
  if (!containerJob) return
  const { registryContainer, jobContainer, network, configDir } = containerJob
  spawnSync('docker', ['rm', '-f', registryContainer, jobContainer], { stdio: 'ignore' })
  spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' })
  spawnSync('docker', ['rmi', JOB_IMAGE], { stdio: 'ignore' })
  rmSync(configDir, { recursive: true, force: true })
  containerJob = undefined
}

/** A job of the test whose steps run in the job container. */
function newContainerJob(setup: ContainerJobSetup): TestJob {
  const job = newTestJob()
  job.container = { name: setup.jobContainer, path: JOB_PATH, node: CONTAINER_STEP_NODE }
  return job
}

function registryAddress(setup: ContainerJobSetup): string {
  const address = execFileSync(
    'docker',
    ['inspect', '-f', `{{(index .NetworkSettings.Networks "${setup.network}").IPAddress}}`, setup.registryContainer],
    { encoding: 'utf8' }
  ).trim()
  return `${address}:5000`
}

describe('a container job (`container:` with `services: registry:`)', () => {
  let setup: ContainerJobSetup

  beforeAll(() => {
    setup = startContainerJob()
  })

  it('the builder shares the job container’s network and pushes to registry:5000; install-config is warned about', async () => {
    const job = newContainerJob(setup)
    const main = await setUp(job, {
      registries: 'registry:5000 http',
      'driver-opts': bootDriverOpts(),
      'install-config': '/etc/buildkit/buildkitd.toml'
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(`This step runs in the container ${setup.jobContainer} (${setup.jobId.slice(0, 12)})`)
    expect(main.log).toContain(
      `the builder shares its network, adding --driver-opt network=container:${setup.jobId}, so it resolves and reaches what this step does`
    )
    expect(networkModeOf(main.outputs.name)).toBe(`container:${setup.jobId}`)
    expect(main.log).toContain('Preflight: 1 registry (from this step, whose network the builder shares)')
    expect(preflightResults(main)).toMatchObject([{ host: 'registry:5000', ok: true }])
    expect(main.log).not.toContain("Preflight could not look from the builder's side")
    expect(main.log).toContain(
      `::warning title=install-config in a container job::\`install-config\` writes /etc/buildkit/buildkitd.toml in the job container ${setup.jobContainer}, not on the Docker daemon's host`
    )

    const push = await buildAndPush(job, 'registry:5000/sbr/container-job:1')
    expect(push).toMatchObject({ status: 0 })
    await expectPushed({ host: registryAddress(setup), tls: false }, 'sbr/container-job', '1', push.marker)
    await expectTornDown(job, main.outputs.name)
  })

  it('the user chose network=bridge: preflight says from the builder that registry does not resolve there; the push fails as said', async () => {
    const job = newContainerJob(setup)
    const main = await setUp(job, { registries: 'registry:5000 http', 'driver-opts': bootDriverOpts('network=bridge') })
    expect(main.exitCode).toBe(0)
    expect(networkModeOf(main.outputs.name)).toBe('bridge')
    const [result] = preflightResults(main)
    expect(result).toMatchObject({ host: 'registry:5000', ok: false, kind: 'builder-unresolved' })
    expect(result.message).toContain(
      "the builder (network=bridge) does not resolve registry, which this step reached (nc: bad address 'registry')"
    )

    const push = await buildAndPush(job, 'registry:5000/sbr/container-bridge:1')
    expect(push.status).not.toBe(0)
    expect(push.stderr).toMatch(/no such host/)
    await expectTornDown(job, main.outputs.name)
  })

  it('`preflight: error`: checked from the runner first, from the builder once it is up, where a `services:` name on network=bridge stops the step; post removes the builder', async () => {
    const job = newContainerJob(setup)
    const main = await setUp(job, {
      registries: 'registry:5000 http',
      'driver-opts': bootDriverOpts('network=bridge'),
      preflight: 'error'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toContain("Preflight: 1 registry (from this step; from the builder's side once it is up)")
    expect(main.log).toMatch(/Preflight: 1 registry \(from the builder \(buildx_buildkit_/)
    expect(main.log).toContain(
      "::error::Preflight found 1 registry that a build would fail on:%0A- registry:5000: the builder (network=bridge) does not resolve registry, which this step reached (nc: bad address 'registry')"
    )
    // The output is set once, as the step ends: the builder's verdict, not the runner's first look.
    expect(main.outputsWritten.filter(name => name === 'preflight')).toEqual(['preflight'])
    expect(JSON.parse(main.outputs.preflight)).toEqual([
      expect.objectContaining({ host: 'registry:5000', ok: false, kind: 'builder-unresolved' })
    ])
    const builder = /Creating builder (\S+)/.exec(main.log)?.[1] ?? ''
    expect(containerExists(builder)).toBe(true)
    await expectTornDown(job, builder)
  })

  it('trust-docker-daemon fails the step before anything is made: the daemon does not read the job container’s certs.d', async () => {
    const job = newContainerJob(setup)
    const main = await setUp(job, {
      registries: 'registry:5000 http',
      'driver-opts': bootDriverOpts(),
      'trust-docker-daemon': 'true'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toContain(
      `::error::Input 'trust-docker-daemon': this step runs in the container ${setup.jobContainer} (a container job): the files it writes are the container's, not the Docker daemon host's, and the daemon does not read the container's /etc/docker/certs.d. Fix: run this step outside the job container`
    )
    expect(main.log).not.toContain('buildx create')
    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
  })

  it('nothing of the container job is left once it is removed', () => {
    const { network, registryContainer, jobContainer } = setup
    removeContainerJob()
    for (const name of [registryContainer, jobContainer])
      expect(spawnSync('docker', ['container', 'inspect', name], { stdio: 'ignore' }).status).not.toBe(0)
    expect(spawnSync('docker', ['network', 'inspect', network], { stdio: 'ignore' }).status).not.toBe(0)
  })
})
