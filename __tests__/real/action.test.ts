import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { runMain, runPost } from '../../scripts/github-runner.mjs'
import { parseBuilderInspect } from '../../src/host/builder/builder-info.js'
import { bootDriverOpts, BUILDKIT_IMAGE, buildkitContainer } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { actionFilesInBuildxStore, filesUnder } from '../helpers/files.js'
import { builderNames, docker, dockerOk, requireDocker, storedBuilder } from './docker.js'
import { containerExists, newTestJob } from './jobs.js'

// The bundled action against the real dockerd and buildx, as a runner runs it. Builders boot from
// BUILDKIT_IMAGE where what is checked needs a running BuildKit; pushes are in push.test.ts.

let pki: TestPki
let otherPki: TestPki

beforeAll(() => {
  requireDocker()
  pki = makePki()
  otherPki = makePki()
})

describe('main and post against the real buildx', () => {
  it('boots a builder that stores the generated config and certificates, makes it the default, and post removes it all', async () => {
    const job = newTestJob()
    const inputs = {
      registries: `localhost:5000 http\nregistry.test:5443\nmtls.test:8443 ca=${otherPki.caCertPath}\nlab.test insecure`,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKeyPath,
      mirror: 'mirror.test:5000',
      'max-parallelism': '3',
      'driver-opts': bootDriverOpts(),
      // The hosts are made up: nothing to probe.
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const { name, config, driver } = main.outputs
    expect(driver).toBe('docker-container')
    expect(main.outputs['certs-dir']).toBe(join(config, '..', 'certs'))

    // buildx knows the builder, booted, with host networking for the loopback registry, and it is the default.
    const inspect = dockerOk(job.dockerConfig, ['buildx', 'inspect', name])
    expect(inspect).toMatch(/Driver Options:.*network="host"/)
    expect(inspect).toMatch(/Status:\s+running/)
    // The platforms output is what the booted builder reports.
    expect(main.outputs.platforms).toBe(parseBuilderInspect(inspect).nodes[0].platforms)
    expect(main.outputs.platforms).toContain(`linux/${process.arch === 'x64' ? 'amd64' : process.arch}`)
    expect(containerExists(name)).toBe(true)
    expect(dockerOk(job.dockerConfig, ['buildx', 'inspect'])).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'))

    // What buildx stored is what the builder will boot with: the TOML with paths inside the container, and the files.
    const stored = storedBuilder(job.dockerConfig, name)
    const storedConfig = parse(stored.files['buildkitd.toml']) as {
      registry: Record<string, Record<string, unknown>>
      worker: Record<string, unknown>
    }
    expect(storedConfig.registry['localhost:5000']).toEqual({ http: true })
    expect(storedConfig.registry['registry.test:5443']).toMatchObject({
      http: false,
      ca: ['/etc/buildkit/certs/registry.test_5443/ca.pem']
    })
    expect(storedConfig.registry['mtls.test:8443'].keypair).toEqual([
      { key: '/etc/buildkit/certs/mtls.test_8443/client.key', cert: '/etc/buildkit/certs/mtls.test_8443/client.cert' }
    ])
    expect(storedConfig.registry['lab.test']).toMatchObject({ http: false, insecure: true })
    expect(storedConfig.registry['docker.io']).toEqual({ mirrors: ['mirror.test:5000'] })
    expect(storedConfig.worker).toEqual({ oci: { 'max-parallelism': 3 }, containerd: { 'max-parallelism': 3 } })
    expect(stored.files['certs/registry.test_5443/ca.pem'].trim()).toBe(pki.caCert.trim())
    expect(stored.files['certs/mtls.test_8443/ca.pem']).toContain(otherPki.caCert.trim())
    expect(stored.files['certs/mtls.test_8443/ca.pem']).toContain(pki.caCert.trim())
    expect(stored.files['certs/mtls.test_8443/client.key'].trim()).toBe(pki.clientKey.trim())
    expect(stored.files['certs/mtls.test_8443/client.cert'].trim()).toBe(pki.clientCert.trim())

    // On the runner: a private directory, the key readable by this user only, and no key in the log.
    const dir = join(config, '..')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(main.outputs['certs-dir'], 'mtls.test_8443', 'client.key')).mode & 0o777).toBe(0o600)
    const keyBody = pki.clientKey.split('\n').filter(line => line !== '' && !line.startsWith('-----'))
    // The runner consumes ::add-mask:: commands (they are not shown); everything else is the visible log.
    const logLines = main.log.split('\n')
    const masked = logLines
      .filter(line => line.startsWith('::add-mask::'))
      .map(line => line.slice('::add-mask::'.length))
    const visible = logLines.filter(line => !line.startsWith('::add-mask::')).join('\n')
    expect(masked).toEqual(expect.arrayContaining(keyBody))
    for (const line of keyBody) expect(visible).not.toContain(line)

    const post = await runPost(job, main.state, inputs)
    expect(post.exitCode).toBe(0)
    expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).stderr).toMatch(
      new RegExp(`no builder "?${name}"? found`)
    )
    expect(containerExists(name)).toBe(false)
    expect(existsSync(dir)).toBe(false)
    expect(filesUnder(job.runnerTemp)).toEqual([])
    // Nor does the action leave anything of its own in buildx's store: no record, no lease, and no
    // directory of them (buildx's own files, as after a bare `docker buildx rm`, stay).
    expect(actionFilesInBuildxStore(job.dockerConfig)).toEqual([])
  })

  it.each([
    [
      { registries: 'https://registry.test:5443' },
      "Input 'registries', line 1: 'https://registry.test:5443' has a scheme. Fix: drop 'https://'"
    ],
    [
      { registries: 'registry.test:5443 http\nregistry.test:5443' },
      "Input 'registries', line 2: 'registry.test:5443' is listed again"
    ],
    [{ 'max-parallelism': 'four' }, "Input 'max-parallelism': 'four' is not a positive whole number"],
    [{ 'client-key': 'KEY' }, "Input 'client-key'"],
    [{ 'buildkitd-config-inline': '[worker.oci\n' }, "Input 'buildkitd-config-inline', line 1: invalid TOML"],
    [
      { driver: 'docker', registries: 'localhost:5000 http' },
      "Input 'trust-docker-daemon': is false, and with `driver: docker`"
    ],
    [{ mirror: 'ghcr.io=' }, "Input 'mirror', line 1: 'ghcr.io=' has an empty mirror"]
  ])('bad input %j fails naming the input and the fix, and writes or creates nothing', async (badInputs, message) => {
    const job = newTestJob()
    const inputs = { registries: 'localhost:5000 http', bootstrap: 'false', ...badInputs }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(`::error::${message}`)
    expect(filesUnder(job.runnerTemp)).toEqual([])
    expect(builderNames(job.dockerConfig)).toEqual([])
    const post = await runPost(job, main.state, inputs)
    expect(post.exitCode).toBe(0)
  })

  it('when buildx create fails, main says why and removes what it wrote; post has nothing left to undo', async () => {
    const job = newTestJob()
    const inputs = {
      registries: 'registry.test:5443',
      'ca-cert': pki.caCert,
      'driver-opts': 'no-such-option=1',
      bootstrap: 'false',
      // A debugged job: post shows the BuildKit log only of a builder that was created (none here).
      debug: 'true'
    }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(/::error::`docker buildx create .*` failed: .*no-such-option/)
    // Preflight (warn) started alongside the create: its findings are still reported, as they may explain a failure.
    expect(JSON.parse(main.outputs.preflight)).toEqual([
      expect.objectContaining({ host: 'registry.test:5443', ok: false })
    ])
    expect(filesUnder(job.runnerTemp)).toEqual([])
    expect(builderNames(job.dockerConfig)).toEqual([])
    const post = await runPost(job, main.state, inputs)
    expect(post.exitCode).toBe(0)
    expect(post.log).not.toContain('::warning::')
    expect(post.log).not.toContain('BuildKit container logs')
  })

  it('replaces a leftover booted builder of the same name, saying so; with replace: false fails with the command to remove it', async () => {
    const job = newTestJob()
    // What a crashed job leaves on a self-hosted runner: a booted builder and its BuildKit container.
    dockerOk(job.dockerConfig, [
      'buildx',
      'create',
      '--name',
      'leftover',
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${BUILDKIT_IMAGE}`,
      '--bootstrap'
    ])
    expect(containerExists('leftover')).toBe(true)
    const strict = await runMain(job, {
      name: 'leftover',
      registries: 'registry.test:5443 insecure',
      bootstrap: 'false',
      replace: 'false'
    })
    expect(strict.exitCode).toBe(1)
    expect(strict.log).toContain(
      "::error::Input 'name': a builder named 'leftover' already exists. Fix: remove it with `docker buildx rm leftover`"
    )
    expect(storedBuilder(job.dockerConfig, 'leftover').files).toEqual({})
    expect(filesUnder(job.runnerTemp)).toEqual([])

    const main = await runMain(job, {
      name: 'leftover',
      registries: 'registry.test:5443 insecure',
      'driver-opts': bootDriverOpts(),
      preflight: 'off'
    })
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      'A builder named leftover already exists (left by an earlier job?): removing it and creating it again.'
    )
    expect(storedBuilder(job.dockerConfig, 'leftover').files['buildkitd.toml']).toContain('insecure = true')
    // The new builder booted with the new config: BuildKit reads `insecure` in its container.
    expect(
      dockerOk(job.dockerConfig, ['exec', buildkitContainer('leftover'), 'cat', '/etc/buildkit/buildkitd.toml'])
    ).toContain('insecure = true')
    expect((await runPost(job, main.state)).exitCode).toBe(0)
    expect(builderNames(job.dockerConfig)).toEqual([])
    expect(containerExists('leftover')).toBe(false)
  })

  it('with cleanup: false keeps the builder but still removes the key material', async () => {
    const job = newTestJob()
    const inputs = {
      registries: 'registry.test:5443',
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      cleanup: 'false',
      bootstrap: 'false'
    }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(0)
    const post = await runPost(job, main.state, inputs)
    expect(post.exitCode).toBe(0)
    expect(post.log).toContain(`Keeping builder ${main.outputs.name} (cleanup: false).`)
    expect(builderNames(job.dockerConfig)).toEqual([main.outputs.name])
    expect(filesUnder(job.runnerTemp)).toEqual([])
    dockerOk(job.dockerConfig, ['buildx', 'rm', main.outputs.name])
  })

  it('a second post step finds everything gone and succeeds', async () => {
    const job = newTestJob()
    const main = await runMain(job, { registries: 'registry.test:5443', bootstrap: 'false' })
    expect((await runPost(job, main.state)).exitCode).toBe(0)
    const again = await runPost(job, main.state)
    expect(again.exitCode).toBe(0)
    expect(again.log).toContain(`Builder ${main.outputs.name} is already gone.`)
    expect(again.log).not.toContain('::warning::')
  })

  it.each(['buildkitd-config-inline', 'buildkitd-config'])(
    'merges into %s, warning about each key the inputs replace',
    async baseInput => {
      const job = newTestJob()
      const base = '[worker.oci]\nmax-parallelism = 8\ngc = false\n'
      const basePath = join(job.root, 'base.toml')
      writeFileSync(basePath, base)
      const inputs = {
        registries: 'registry.test:5443 http',
        'max-parallelism': '2',
        [baseInput]: baseInput === 'buildkitd-config' ? basePath : base,
        bootstrap: 'false',
        preflight: 'off'
      }
      const main = await runMain(job, inputs)
      expect(main.exitCode).toBe(0)
      expect(main.log).toContain(
        `::warning::\`${baseInput}\` sets worker.oci.max-parallelism; the action's inputs replace it.`
      )
      const storedConfig = parse(storedBuilder(job.dockerConfig, main.outputs.name).files['buildkitd.toml'])
      expect(storedConfig.worker).toEqual({
        oci: { 'max-parallelism': 2, gc: false },
        containerd: { 'max-parallelism': 2 }
      })
      expect((await runPost(job, main.state)).exitCode).toBe(0)
    }
  )
})
