import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { newJob, runMain, runPost } from '../../scripts/github-runner.mjs'
import { makePki, type TestPki } from '../helpers/certs.js'
import { docker, dockerOk, newDockerConfig, requireDocker, storedBuilder } from './docker.js'
import { newTestJob } from './jobs.js'

// The remote driver and a self-hosted buildkitd's own config file, with the real buildx.

let pki: TestPki
let endpointPki: TestPki

beforeAll(() => {
  requireDocker()
  pki = makePki()
  endpointPki = makePki(['buildkitd.internal'])
})

describe('remote driver', () => {
  it('gets no --config (buildx refuses one) but a config-dir to mount, and the endpoint TLS files as driver options', async () => {
    const job = newTestJob()
    const inputs = {
      driver: 'remote',
      endpoint: 'tcp://buildkitd.internal:1234',
      'endpoint-ca-cert': endpointPki.caCert,
      'endpoint-client-cert': endpointPki.clientCert,
      'endpoint-client-key': endpointPki.clientKey,
      registries: 'registry.internal:5443',
      'ca-cert': pki.caCert,
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const configDir = main.outputs['config-dir']
    expect(main.log).toContain(`start your buildkitd with \`--config ${configDir}/buildkitd.toml\``)

    const inspect = dockerOk(job.dockerConfig, ['buildx', 'inspect', main.outputs.name])
    expect(inspect).toMatch(/Driver:\s+remote/)
    expect(inspect).toContain('tcp://buildkitd.internal:1234')
    const stored = storedBuilder(job.dockerConfig, main.outputs.name)
    expect(stored.files).toEqual({})
    expect(stored.driverOpts).toEqual({
      cacert: `${configDir}/endpoint/ca.pem`,
      cert: `${configDir}/endpoint/cert.pem`,
      key: `${configDir}/endpoint/key.pem`
    })
    expect(readFileSync(`${configDir}/endpoint/key.pem`, 'utf8').trim()).toBe(endpointPki.clientKey.trim())

    // Mounted at the same path, the config's certificate paths are right for the buildkitd.
    const config = parse(readFileSync(join(configDir, 'buildkitd.toml'), 'utf8')) as {
      registry: Record<string, { ca: string[] }>
    }
    expect(config.registry['registry.internal:5443'].ca).toEqual([`${configDir}/certs/registry.internal_5443/ca.pem`])
    expect(existsSync(config.registry['registry.internal:5443'].ca[0])).toBe(true)

    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(docker(job.dockerConfig, ['buildx', 'inspect', main.outputs.name]).status).toBe(1)
    expect(existsSync(configDir)).toBe(false)
  })

  it('refuses endpoint TLS inputs with another driver', async () => {
    const job = newTestJob()
    const main = await runMain(job, { 'endpoint-ca-cert': endpointPki.caCert, bootstrap: 'false' })
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(
      "::error::Input 'endpoint-ca-cert': is for the `remote` driver's TLS connection to its buildkitd. Fix: set `driver: remote`"
    )
  })
})

describe('kubernetes driver', () => {
  it("passes the config and certificates, which buildx stores for the BuildKit pods' ConfigMap", async () => {
    // A kubeconfig for a cluster that is not there: with `bootstrap: false` buildx only records the builder.
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'sbr-kube-')), 'config')
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: test, cluster: {server: "https://127.0.0.1:1"}}]',
        'contexts: [{name: test, context: {cluster: test, user: test}}]',
        'current-context: test',
        'users: [{name: test, user: {token: none}}]',
        ''
      ].join('\n')
    )
    const dockerConfig = newDockerConfig()
    const job = { ...newJob({ DOCKER_CONFIG: dockerConfig, KUBECONFIG: kubeconfig }), dockerConfig }
    const inputs = {
      driver: 'kubernetes',
      'driver-opts': 'namespace=buildkit\nrootless=true',
      registries: 'registry.internal:5443',
      'ca-cert': pki.caCert,
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const stored = storedBuilder(dockerConfig, main.outputs.name)
    expect(stored.driverOpts).toEqual({ namespace: 'buildkit', rootless: 'true' })
    expect(Object.keys(stored.files).sort()).toEqual(['buildkitd.toml', 'certs/registry.internal_5443/ca.pem'])
    expect(stored.files['buildkitd.toml']).toContain('/etc/buildkit/certs/registry.internal_5443/ca.pem')

    // No cluster to delete the deployment from: post says so, and the builder and files are gone all the same.
    const post = await runPost(job, main.state, inputs)
    expect(post.exitCode).toBe(0)
    expect(post.log).toContain(`::warning::Could not remove builder ${main.outputs.name}: `)
    expect(post.log).toMatch(/[Ss]till there: its BuildKit deployment in the cluster/)
    expect(docker(dockerConfig, ['buildx', 'inspect', main.outputs.name]).status).toBe(1)
    expect(existsSync(main.outputs['config-dir'])).toBe(false)
  })
})

describe('install-config', () => {
  it('writes the config where a self-hosted buildkitd reads it, and post puts back the file that was there', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sbr-etc-buildkit-')), 'buildkitd.toml')
    writeFileSync(path, 'root = "/srv/buildkit"\n', { mode: 0o600 })
    const job = newTestJob()
    const inputs = {
      registries: 'registry.internal:5000 http',
      'install-config': path,
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(`Wrote the config to ${path} (the file that was there is restored by the post step)`)
    expect(parse(readFileSync(path, 'utf8'))).toEqual({ registry: { 'registry.internal:5000': { http: true } } })
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(readFileSync(path, 'utf8')).toBe('root = "/srv/buildkit"\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    // A second post step changes nothing.
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(readFileSync(path, 'utf8')).toBe('root = "/srv/buildkit"\n')
  })

  it('removes the file in post when there was none', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sbr-etc-buildkit-')), 'buildkit', 'buildkitd.toml')
    const job = newTestJob()
    // The runner gives post the step's inputs too: post proves the file is the one `install-config` names.
    const inputs = {
      registries: 'registry.internal:5000 http',
      'install-config': path,
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(0)
    expect(existsSync(path)).toBe(true)
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(existsSync(path)).toBe(false)
  })
})
