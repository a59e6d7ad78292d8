import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { neverLog, runLater, type StepResult } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildContext } from '../helpers/builds.js'
import { issueServerCert, makePki, type TestPki } from '../helpers/certs.js'
import { listTags, readImage, type RegistryAccess } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { createTestHost, makeTinyImage, removeImage, type TestHost } from '../helpers/test-host.js'
import {
  makeTokenSigner,
  requestToken,
  startTokenService,
  type TokenService,
  type TokenSigner
} from '../helpers/token-server.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'

// Token-auth registries (the shape of Harbor, GitLab, Quay: `auth: token` with a realm on HTTPS)
// behind a private CA, through booted builders: what the action exports makes buildx's own token
// requests and `imagetools` trust the CA, on the registry's host or another one.

const PASSWORD = 'sbr-token-auth-password-5d1e'
const SERVICE = 'sbr-token-auth-registry'
const ISSUER = 'sbr-token-auth-issuer'
/** SSL_CERT_FILE as this machine had it before any job (what a step without the action's export sees). */
const RUNNER_SSL_CERT_FILE = process.env.SSL_CERT_FILE || '/etc/ssl/certs/ca-certificates.crt'

interface Result {
  host: string
  ok: boolean
  kind: string
  message: string
  fix: string
  realm?: string
}

let pki: TestPki
let signer: TokenSigner
/** Another CA, which signs the second token endpoint only: a realm whose CA the user did not give. */
let otherPki: TestPki
let testHost: TestHost
let tokens: TokenService
let otherTokens: TokenService
/** `auth: token` on localhost, realm on localhost (another port). */
let local: RunningServer
/** `auth: token` on the test host's name, realm on localhost: another host name than the registry's. */
let remote: RunningServer
/** `auth: token` whose realm's certificate comes from `otherPki`. */
let untrustedRealm: RunningServer
/** Registry and token endpoint that both require a client certificate from `pki`. */
let mtlsTokens: TokenService
let mtls: RunningServer

beforeAll(async () => {
  requireDocker()
  neverLog(PASSWORD)
  neverLog(Buffer.from(`ci:${PASSWORD}`).toString('base64'))
  // Created before any builder: a docker-container builder on the host network gets a copy of
  // /etc/hosts when it is created, so the test host's name must be in it by then.
  testHost = await createTestHost({ name: 'token' })
  pki = makePki(['localhost', 'IP:127.0.0.1', testHost.name])
  otherPki = makePki(['localhost', 'IP:127.0.0.1'])
  signer = makeTokenSigner()
  const service = { signer, users: { ci: PASSWORD }, service: SERVICE, issuer: ISSUER }
  ;[tokens, otherTokens, mtlsTokens] = await Promise.all([
    startTokenService({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }, ...service }),
    startTokenService({ tls: { certPath: otherPki.serverCertPath, keyPath: otherPki.serverKeyPath }, ...service }),
    startTokenService({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
      clientCaPath: pki.caCertPath,
      ...service
    })
  ])
  const tokenAuth = (port: number) => ({
    realm: `https://localhost:${port}/token`,
    service: SERVICE,
    issuer: ISSUER,
    rootCertBundlePath: signer.certPath
  })
  const tls = { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }
  ;[local, remote, untrustedRealm, mtls] = await Promise.all([
    startRegistry({ tls, tokenAuth: tokenAuth(tokens.port) }),
    testHost.startRegistry({ tls, tokenAuth: tokenAuth(tokens.port) }),
    startRegistry({ tls, tokenAuth: tokenAuth(otherTokens.port) }),
    startRegistry({ tls: { ...tls, clientCaPath: pki.caCertPath }, tokenAuth: tokenAuth(mtlsTokens.port) })
  ])
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(
    [local, remote, untrustedRealm, mtls, tokens, otherTokens, mtlsTokens].map(server => server?.stop())
  )
  await testHost?.destroy()
})

function preflightResults(main: StepResult): Result[] {
  return JSON.parse(main.outputs.preflight ?? '[]') as Result[]
}

/** Reads the registry as a client with the token service's token: what the registry holds. */
async function tagsAt(host: string, repository: string): Promise<string[]> {
  const access: RegistryAccess = { host, tls: true, ca: pki.caCert, bearer: await bearer(repository) }
  return listTags(access, repository)
}

async function bearer(repository: string): Promise<string> {
  const answer = await requestToken(tokens, {
    ca: pki.caCert,
    serviceName: SERVICE,
    scope: `repository:${repository}:pull`,
    basic: `ci:${PASSWORD}`
  })
  if (!answer.token) throw new Error(`no token for ${repository}: ${answer.status}`)
  return answer.token
}

function expectNoSecret(step: StepResult): void {
  const base64 = Buffer.from(`ci:${PASSWORD}`).toString('base64')
  for (const text of [step.summary, step.outputs.preflight ?? '', JSON.stringify(step.outputs)]) {
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toContain(base64)
  }
}

describe('token-auth registries behind a private CA', () => {
  it('push: x509 on the token endpoint without the exported bundle, green with it; imagetools; cache; post points back', async () => {
    const host = `localhost:${local.port}`
    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      username: 'ci',
      password: PASSWORD,
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)
    expectNoSecret(main)
    const bundle = main.exported.SSL_CERT_FILE
    expect(bundle).toMatch(/\/ca-bundle\.pem$/)
    expect(main.log).toContain(`Exported SSL_CERT_FILE=${bundle}`)
    expect(main.exported.BUILDKIT_NO_CLIENT_TOKEN).toBeUndefined()
    expect(preflightResults(main)).toEqual([
      expect.objectContaining({
        host,
        ok: true,
        kind: 'token-granted',
        realm: `https://localhost:${tokens.port}/token`
      })
    ])

    // As before the fix: the runner's own trust. buildx fetches the token on the runner and fails.
    const context = buildContext()
    const tag = `${host}/sbr/token-auth:1`
    const without = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir], {
      env: { SSL_CERT_FILE: RUNNER_SSL_CERT_FILE }
    })
    expect(without.status).not.toBe(0)
    expect(without.stderr).toMatch(/failed to fetch oauth token.*x509: certificate signed by unknown authority/)

    const push = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir])
    expect(push).toMatchObject({ status: 0 })
    expect(await tagsAt(host, 'sbr/token-auth')).toEqual(['1'])

    // imagetools runs on the runner (registry and realm): it needs the bundle too.
    const inspect = await runLater(job, 'docker', ['buildx', 'imagetools', 'inspect', tag])
    expect(inspect).toMatchObject({ status: 0 })
    expect(inspect.stdout).toContain(`Name:      ${tag}`)
    const inspectWithout = await runLater(job, 'docker', ['buildx', 'imagetools', 'inspect', tag], {
      env: { SSL_CERT_FILE: RUNNER_SSL_CERT_FILE }
    })
    expect(inspectWithout.stderr).toContain('x509')

    // Cache export to the registry, then a build that imports it.
    const cacheRef = `${host}/sbr/token-cache:1`
    const cacheTo = await runLater(job, 'docker', [
      'buildx',
      'build',
      '--cache-to',
      `type=registry,ref=${cacheRef},mode=max`,
      context.dir
    ])
    expect(cacheTo).toMatchObject({ status: 0 })
    expect(await tagsAt(host, 'sbr/token-cache')).toEqual(['1'])
    const cacheFrom = await runLater(job, 'docker', [
      'buildx',
      'build',
      '--progress',
      'plain',
      '--cache-from',
      `type=registry,ref=${cacheRef}`,
      context.dir
    ])
    expect(cacheFrom).toMatchObject({ status: 0 })
    expect(cacheFrom.stderr).toContain(`importing cache manifest from ${cacheRef}`)

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    // Later post steps (of actions that started before this one) get the runner's bundle back.
    expect(post.exported.SSL_CERT_FILE).toBe(RUNNER_SSL_CERT_FILE)
    expect(existsSync(bundle)).toBe(false)
  })

  it('realm on another host name than the registry (GitLab: registry.example.com, realm on gitlab.example.com)', async () => {
    const job = newTestJob()
    const before = tokens.requests.length
    const main = await setUp(job, {
      registries: remote.host,
      'ca-cert': pki.caCert,
      username: 'ci',
      password: PASSWORD,
      // The registry is not on loopback, so the action does not add it; the realm is on the runner's localhost.
      'driver-opts': bootDriverOpts('network=host')
    })
    expect(main.exitCode).toBe(0)
    expect(preflightResults(main)).toEqual([
      expect.objectContaining({
        host: remote.host,
        kind: 'token-granted',
        realm: `https://localhost:${tokens.port}/token`
      })
    ])
    const context = buildContext()
    const tag = `${remote.host}/sbr/token-remote:1`
    const push = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir])
    expect(push).toMatchObject({ status: 0 })
    const image = await readImage(
      { host: remote.host, tls: true, ca: pki.caCert, bearer: await bearer('sbr/token-remote') },
      'sbr/token-remote',
      '1'
    )
    expect(image.layers).toContain(context.marker)
    // buildx asked for the push scope with the user's credentials.
    expect(tokens.requests.slice(before)).toContainEqual(
      expect.objectContaining({
        user: 'ci',
        status: 200,
        scopes: expect.arrayContaining([expect.stringMatching(/^repository:sbr\/token-remote:.*push/)])
      })
    )
    const inspect = await runLater(job, 'docker', ['buildx', 'imagetools', 'inspect', tag])
    expect(inspect).toMatchObject({ status: 0 })
    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('trust-docker-daemon: docker push through the daemon to a token registry off loopback, its realm on another address; post removes both certs.d entries', async () => {
    // dockerd counts loopback as insecure, so both are elsewhere: the registry on the test host, the
    // realm on the root end of its link (an address of this machine that is not loopback).
    const realmAddress = testHost.rootAddress
    const realmCert = issueServerCert(pki, { names: [`IP:${realmAddress}`] })
    const realmTokens = await startTokenService({
      tls: realmCert,
      address: realmAddress,
      signer,
      users: { ci: PASSWORD },
      service: SERVICE,
      issuer: ISSUER
    })
    const registry = await testHost.startRegistry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
      tokenAuth: {
        realm: `https://${realmTokens.host}/token`,
        service: SERVICE,
        issuer: ISSUER,
        rootCertBundlePath: signer.certPath
      }
    })
    const tag = `${registry.host}/sbr/daemon-token:1`
    makeTinyImage(tag)
    try {
      const job = newTestJob()
      expect(docker(job.dockerConfig, ['push', tag]).stderr).toMatch(/x509: certificate signed by unknown authority/)

      const main = await setUp(job, {
        registries: registry.host,
        'ca-cert': pki.caCert,
        username: 'ci',
        password: PASSWORD,
        'trust-docker-daemon': 'true',
        bootstrap: 'false'
      })
      expect(main.log).not.toContain('::error::')
      expect(main.exitCode).toBe(0)
      const realmDir = `/etc/docker/certs.d/${realmTokens.host}`
      expect(main.log).toContain(`Docker daemon: wrote ${realmDir}/`)
      const push = await runLater(job, 'docker', ['push', tag])
      expect(push).toMatchObject({ status: 0 })
      expect(await tagsAt(registry.host, 'sbr/daemon-token')).toEqual(['1'])
      expect(realmTokens.requests).toContainEqual(expect.objectContaining({ user: 'ci', status: 200 }))

      expect((await tearDown(job)).exitCode).toBe(0)
      expect(existsSync(realmDir)).toBe(false)
      expect(existsSync(`/etc/docker/certs.d/${registry.host}`)).toBe(false)
    } finally {
      removeImage(tag)
      await Promise.all([registry.stop(), realmTokens.stop()])
    }
  })

  it('a token endpoint that wants the client certificate too: BuildKit fetches the token, presenting the keypair', async () => {
    const host = `localhost:${mtls.port}`
    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      username: 'ci',
      password: PASSWORD,
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)
    expect(main.exported.BUILDKIT_NO_CLIENT_TOKEN).toBe('1')
    expect(main.log).toContain('Exported BUILDKIT_NO_CLIENT_TOKEN=1')
    expect(preflightResults(main)).toEqual([expect.objectContaining({ host, ok: true, kind: 'token-granted' })])

    const context = buildContext()
    const tag = `${host}/sbr/token-mtls:1`
    // buildx's own token request has no client certificate to present.
    const without = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir], {
      env: { BUILDKIT_NO_CLIENT_TOKEN: '' }
    })
    expect(without.status).not.toBe(0)
    expect(without.stderr).toContain('failed to fetch oauth token')
    const before = mtlsTokens.requests.length
    const push = await runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, context.dir])
    expect(push).toMatchObject({ status: 0 })
    expect(mtlsTokens.requests.slice(before)).toContainEqual(expect.objectContaining({ user: 'ci', status: 200 }))

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(post.exported.BUILDKIT_NO_CLIENT_TOKEN).toBe('')
  })

  it('preflight: a realm whose CA was not given stops error mode before anything is written', async () => {
    const host = `localhost:${untrustedRealm.port}`
    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      username: 'ci',
      password: PASSWORD,
      preflight: 'error',
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(1)
    const [result] = preflightResults(main)
    expect(result).toMatchObject({ host, ok: false, kind: 'token-untrusted' })
    expect(result.message).toContain(`token endpoint https://localhost:${otherTokens.port}/token`)
    expect(result.message).toContain('x509: certificate signed by unknown authority')
    expect(result.fix).toContain('`ca-cert`')
    expect(main.log).toContain(`::error::Preflight found 1 registry`)
    expect(main.exported).toEqual({})
    expect(main.outputs.name).toBeUndefined()
    expectNoSecret(main)
    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('preflight: wrong credentials, no credentials, credentials from an earlier login; no secret in the outputs', async () => {
    const host = `localhost:${local.port}`
    const run = async (inputs: Record<string, string>, storedAuth?: string): Promise<StepResult> => {
      const job = newTestJob()
      // What docker/login-action leaves in the Docker client config.
      if (storedAuth)
        writeFileSync(
          join(job.dockerConfig, 'config.json'),
          JSON.stringify({ auths: { [host]: { auth: storedAuth } } })
        )
      const main = await setUp(job, { registries: host, 'ca-cert': pki.caCert, bootstrap: 'false', ...inputs })
      expect((await tearDown(job)).exitCode).toBe(0)
      expect(containerExists(main.outputs.name ?? 'none')).toBe(false)
      return main
    }
    const wrong = await run({ username: 'ci', password: `${PASSWORD}-wrong` })
    expect(preflightResults(wrong)).toEqual([expect.objectContaining({ ok: false, kind: 'credentials-rejected' })])
    expect(preflightResults(wrong)[0].message).toContain(
      `token endpoint https://localhost:${tokens.port}/token rejected the credentials of ci`
    )
    expect(wrong.summary).not.toContain(`${PASSWORD}-wrong`)

    const none = await run({})
    expect(preflightResults(none)).toEqual([expect.objectContaining({ ok: false, kind: 'credentials-missing' })])
    expect(preflightResults(none)[0].fix).toContain('`username` and `password`')
    expect(none.log).toContain('::warning title=Registry preflight')

    const stored = await run({}, Buffer.from(`ci:${PASSWORD}`).toString('base64'))
    expect(preflightResults(stored)).toEqual([expect.objectContaining({ ok: true, kind: 'token-granted' })])
    expectNoSecret(stored)

    const ok = await run({ username: 'ci', password: PASSWORD })
    expect(preflightResults(ok)).toEqual([expect.objectContaining({ ok: true, kind: 'token-granted' })])
    expect(ok.log).toMatch(/ok {3}localhost:\d+: token granted by https:\/\/localhost:\d+\/token for ci/)
    expectNoSecret(ok)
  })
})
