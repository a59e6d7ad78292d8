import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runLater } from '../../scripts/github-runner.mjs'
import type { NodeInfo } from '../../src/host/builder/builder-info.js'
import { bootDriverOpts, BUILDKIT_IMAGE, buildContext, buildkitContainer } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { listTags, readImage } from '../helpers/registry-client.js'
import type { RunningServer } from '../helpers/servers.js'
import { createTestHost, type TestHost } from '../helpers/test-host.js'
import { docker, dockerOk, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'

// docker/setup-buildx-action's inputs and outputs, with builders really booted: the `with:`
// blocks of its README, unchanged, through this action.

const volumes: string[] = []
/** BuildKit containers a test made itself (not through the action): removed even when it fails. */
const containers: string[] = []
/** Images a test's build left in the daemon (the docker driver's builds are the daemon's images). */
const images: string[] = []
let host: TestHost | undefined

beforeAll(() => requireDocker())

afterAll(async () => {
  await tearDownAll()
  for (const container of containers) spawnSync('docker', ['rm', '-f', container], { stdio: 'ignore' })
  for (const volume of volumes) spawnSync('docker', ['volume', 'rm', '-f', volume], { stdio: 'ignore' })
  for (const image of images) spawnSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' })
  await host?.destroy()
})

function volumeExists(volume: string): boolean {
  return spawnSync('docker', ['volume', 'inspect', volume], { stdio: 'ignore' }).status === 0
}

function nodesOf(outputs: Record<string, string>): NodeInfo[] {
  return JSON.parse(outputs.nodes) as NodeInfo[]
}

describe('docker/setup-buildx-action inputs on booted builders', () => {
  it('platforms: the builder reports them, and the outputs are theirs (nodes, platforms, endpoint, status, flags)', async () => {
    const job = newTestJob()
    const main = await setUp(job, { platforms: 'linux/amd64,linux/arm64', 'driver-opts': bootDriverOpts() })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const { name } = main.outputs
    // buildx marks platforms set with --platform with `*`: theirs (and ours) output only those.
    expect(dockerOk(job.dockerConfig, ['buildx', 'inspect', name])).toMatch(
      /Platforms:\s+linux\/amd64\*, linux\/arm64\*/
    )
    expect(main.outputs.platforms).toBe('linux/amd64,linux/arm64')
    const nodes = nodesOf(main.outputs)
    expect(nodes).toHaveLength(1)
    expect(nodes[0]).toMatchObject({
      name: `${name}0`,
      'driver-opts': [`image=${BUILDKIT_IMAGE}`],
      status: 'running',
      'buildkitd-flags': '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host',
      platforms: 'linux/amd64,linux/arm64'
    })
    expect(nodes[0].buildkit).toMatch(/^v\d+\./)
    expect(main.outputs).toMatchObject({
      driver: 'docker-container',
      endpoint: nodes[0].endpoint,
      status: 'running',
      flags: nodes[0]['buildkitd-flags']
    })
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(name)).toBe(false)
  })

  it('append: a second node on the same daemon (through a Docker context), both booted with the config', async () => {
    const job = newTestJob()
    // The first node's endpoint is the daemon's socket; buildx refuses a second node with the
    // same endpoint, so the second reaches the same daemon through a context of its own.
    dockerOk(job.dockerConfig, ['context', 'create', 'sbr-same-daemon', '--docker', 'host=unix:///var/run/docker.sock'])
    const extra = `sbr-extra-${randomBytes(4).toString('hex')}`
    const main = await setUp(job, {
      registries: 'registry.internal:5000 http',
      preflight: 'off',
      'driver-opts': bootDriverOpts(),
      append: [
        `- name: ${extra}`,
        '  endpoint: sbr-same-daemon',
        '  driver-opts:',
        `    - image=${BUILDKIT_IMAGE}`
      ].join('\n')
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const { name } = main.outputs
    const nodes = nodesOf(main.outputs)
    expect(nodes.map(node => [node.name, node.endpoint, node.status])).toEqual([
      [`${name}0`, 'unix:///var/run/docker.sock', 'running'],
      [extra, 'sbr-same-daemon', 'running']
    ])
    expect(containerExists(name)).toBe(true)
    expect(spawnSync('docker', ['container', 'inspect', `buildx_buildkit_${extra}`]).status).toBe(0)
    // Each node stores the same generated config.
    const instance = JSON.parse(readFileSync(join(job.dockerConfig, 'buildx', 'instances', name), 'utf8')) as {
      Nodes: { Files: Record<string, string> }[]
    }
    const configs = instance.Nodes.map(node => Buffer.from(node.Files['buildkitd.toml'], 'base64').toString('utf8'))
    expect(configs).toHaveLength(2)
    expect(configs[1]).toBe(configs[0])
    expect(configs[0]).toContain('[registry."registry.internal:5000"]')

    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(name)).toBe(false)
    expect(spawnSync('docker', ['container', 'inspect', `buildx_buildkit_${extra}`]).status).not.toBe(0)
    expect(volumeExists(`buildx_buildkit_${extra}_state`)).toBe(false)
  })

  it('keep-state: the state volume survives post; without it, post removes it', async () => {
    for (const keepState of ['true', 'false']) {
      const job = newTestJob()
      const main = await setUp(job, { 'keep-state': keepState, 'driver-opts': bootDriverOpts() })
      expect(main.exitCode).toBe(0)
      const volume = `${buildkitContainer(main.outputs.name)}_state`
      volumes.push(volume)
      expect(volumeExists(volume)).toBe(true)
      const post = await tearDown(job)
      expect(post.exitCode).toBe(0)
      expect(containerExists(main.outputs.name)).toBe(false)
      expect(volumeExists(volume)).toBe(keepState === 'true')
      if (keepState === 'true') expect(post.log).toContain('keeping its BuildKit state (keep-state)')
    }
  })

  it('keep-state: replacing a leftover builder of the same name keeps its state, and the new builder has it', async () => {
    const job = newTestJob()
    const name = `kept-${randomBytes(3).toString('hex')}`
    const volume = `${buildkitContainer(name)}_state`
    volumes.push(volume)
    containers.push(buildkitContainer(name))
    // What a crashed job with keep-state leaves: a booted builder, its cache in the state volume.
    dockerOk(job.dockerConfig, [
      'buildx',
      'create',
      '--name',
      name,
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${BUILDKIT_IMAGE}`,
      '--bootstrap'
    ])
    const marker = '/var/lib/buildkit/cache-of-the-crashed-job'
    dockerOk(job.dockerConfig, ['exec', buildkitContainer(name), 'sh', '-c', `echo kept > ${marker}`])

    const main = await setUp(job, { name, 'keep-state': 'true', 'driver-opts': bootDriverOpts() })
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      `A builder named ${name} already exists (left by an earlier job?): removing it and creating it again.`
    )
    expect(dockerOk(job.dockerConfig, ['exec', buildkitContainer(name), 'cat', marker])).toBe('kept\n')
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(name)).toBe(false)
    expect(volumeExists(volume)).toBe(true)
  })

  it('install (v3): docker build runs on the job builder through buildx until post, then on the builder it ran on before', async () => {
    const job = newTestJob()
    const tag = `sbr-install-alias:${randomBytes(4).toString('hex')}`
    const built: string[] = []
    /** `docker build -t TAG` of a FROM scratch context, as a later `run:` step: which builder ran it. */
    const dockerBuild = async (): Promise<string> => {
      const build = await runLater(job, 'docker', ['build', '-t', tag, buildContext().dir])
      expect(build).toMatchObject({ status: 0 })
      // By ID: each build takes the tag from the one before, which would stay behind untagged.
      built.push(dockerOk(job.dockerConfig, ['image', 'inspect', '--format', '{{.Id}}', tag]).trim())
      return ranOn(build.stdout + build.stderr)
    }
    try {
      const before = await dockerBuild()
      const main = await setUp(job, { install: 'true', bootstrap: 'false', 'driver-opts': bootDriverOpts() })
      expect(main.exitCode).toBe(0)
      const config = (): { aliases?: Record<string, string> } =>
        JSON.parse(readFileSync(join(job.dockerConfig, 'config.json'), 'utf8')) as { aliases?: Record<string, string> }
      expect(config().aliases).toEqual({ builder: 'buildx' })
      // buildx ran it, on the job's builder (an alias makes the CLI forward `build` to the plugin
      // and keep the current builder: docker/cli cmd/docker/builder.go processBuilder, v23+;
      // processAliases in cmd/docker/docker.go, v20.10).
      expect(await dockerBuild()).toBe(`buildx on ${main.outputs.name} (docker-container)`)

      expect((await tearDown(job)).exitCode).toBe(0)
      expect(existsSync(join(job.dockerConfig, 'config.json')) ? config().aliases?.builder : undefined).toBeUndefined()
      const after = await dockerBuild()
      expect(after).toBe(before)
      // Without the alias: a CLI before v23 runs the legacy builder; from v23 on it hands `build`
      // to buildx with BUILDX_BUILDER set to the current context, the daemon's own builder.
      const cli = Number(dockerOk(job.dockerConfig, ['version', '--format', '{{.Client.Version}}']).split('.')[0])
      expect(after).toBe(cli >= 23 ? 'buildx on default (docker)' : 'the legacy builder')
    } finally {
      for (const image of built) spawnSync('docker', ['rmi', '-f', image], { stdio: 'ignore' })
    }
  })
})

/** Which builder a `docker build`'s output says ran it. */
function ranOn(output: string): string {
  const buildx = /building with "([^"]+)" instance using ([\w-]+) driver/.exec(output)
  if (buildx) return `buildx on ${buildx[1]} (${buildx[2]})`
  // The legacy builder's own lines (BuildKit never prints them).
  if (/Sending build context to Docker daemon/.test(output) && /Step 1\/\d+ : FROM scratch/.test(output))
    return 'the legacy builder'
  return `unknown: ${output}`
}

describe('driver: docker', () => {
  let pki: TestPki
  let tls: RunningServer

  beforeAll(async () => {
    // dockerd trusts anything on 127.0.0.0/8: the registry is on a test host, so trust must come from certs.d.
    host = await createTestHost({ name: 'dockerdrv' })
    pki = makePki([host.name])
    tls = await host.startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
  }, 60000)

  it("pushes through the daemon's builder to a registry the daemon trusts through certs.d; says what cannot apply", async () => {
    const job = newTestJob()
    const context = buildContext()
    const tag = `${tls.host}/sbr/docker-driver:1`
    images.push(tag)
    // Before: the daemon's builder does not trust the registry's CA.
    const before = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir])
    expect(before.status).not.toBe(0)
    expect(before.stderr).toMatch(/x509|certificate/)

    const main = await setUp(job, {
      driver: 'docker',
      registries: tls.host,
      'ca-cert': pki.caCert,
      'trust-docker-daemon': 'true',
      'max-parallelism': '2'
    })
    expect(main.log.split('\n').filter(line => line.startsWith('::error::'))).toEqual([])
    expect(main.exitCode).toBe(0)
    expect(main.outputs).toMatchObject({ name: 'default', driver: 'docker', status: 'running' })
    expect(nodesOf(main.outputs)[0]).toMatchObject({ name: 'default', status: 'running' })
    expect(main.outputs.config).toBeUndefined()
    expect(main.log).toContain(`${tls.host}: TLS through the daemon's certs.d/${tls.host}/ (CA)`)
    expect(main.log).toContain('::warning title=driver%3A docker::driver: docker: `max-parallelism` cannot apply')
    expect(main.log).not.toContain('buildx create')

    const push = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir])
    expect(push).toMatchObject({ status: 0 })
    const access = { host: tls.host, tls: true, ca: pki.caCert }
    expect(await listTags(access, 'sbr/docker-driver')).toContain('1')
    expect((await readImage(access, 'sbr/docker-driver', '1')).layers).toContain(context.marker)

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(existsSync(`/etc/docker/certs.d/${tls.host}`)).toBe(false)
    // The daemon's builder is not ours to remove.
    expect(docker(job.dockerConfig, ['buildx', 'inspect', 'default']).status).toBe(0)
  })
})
