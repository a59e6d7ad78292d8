import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { neverLog, runMain, runPost, type StepResult } from '../../scripts/github-runner.mjs'
import { makePki, type TestPki } from '../helpers/certs.js'
import { lockDaemonConfig } from '../helpers/daemon-config-lock.js'
import { closedPort, type RunningServer } from '../helpers/servers.js'
import { createTestHost, type TestHost } from '../helpers/test-host.js'
import { makeTokenSigner } from '../helpers/token-server.js'
import { docker, requireDocker } from './docker.js'
import { newTestJob, type TestJob } from './jobs.js'

// A token realm is the registry's word: with `trust-docker-daemon`, the host of a realm becomes a
// directory under /etc/docker/certs.d, written as root. Two token-auth registries (docker-registry
// with `auth: token`) on a test host (dockerd counts loopback as insecure): one names
// `https://../token` as its realm, which would put the job's CA and client key in /etc/docker
// itself; one names a realm on a valid host that gives no token. Neither realm may be trusted.

const DOCKER_DIR = '/etc/docker'
const CERTS_D = join(DOCKER_DIR, 'certs.d')
const PASSWORD = 'sbr-untrusted-realm-password-4e2b'

let host: TestHost
let pki: TestPki
/** Names `https://../token` as its realm. */
let dotDot: RunningServer
/** Names a realm on the root end of the test host's link, where nothing listens. */
let silentRealm: RunningServer
let silentRealmHost: string
let unlockDaemonConfig: (() => void) | undefined
const owedPosts: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  requireDocker()
  // The daemon's config (certs.d) is shared with daemon-trust.test.ts and import-docker-trust.test.ts.
  unlockDaemonConfig = await lockDaemonConfig()
  neverLog(PASSWORD)
  host = await createTestHost({ name: 'realms' })
  pki = makePki([host.name])
  const signer = makeTokenSigner()
  silentRealmHost = `${host.rootAddress}:${await closedPort()}`
  const tls = { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }
  const tokenAuth = (realm: string) => ({ realm, service: 'sbr', issuer: 'sbr', rootCertBundlePath: signer.certPath })
  ;[dotDot, silentRealm] = await Promise.all([
    host.startRegistry({ tls, tokenAuth: tokenAuth('https://../token') }),
    host.startRegistry({ tls, tokenAuth: tokenAuth(`https://${silentRealmHost}/token`) })
  ])
}, 11 * 60000) // with up to 10 min waiting for the daemon config lock

afterAll(async () => {
  try {
    for (const post of owedPosts) await post()
    await host?.destroy()
  } finally {
    unlockDaemonConfig?.()
  }
})

/** Every file under /etc/docker whose name starts with `prefix` (the job's id names its certs.d files). */
function filesNamed(prefix: string): string[] {
  return readdirSync(DOCKER_DIR, { recursive: true, encoding: 'utf8' })
    .filter(path => path.split('/').pop()?.startsWith(prefix))
    .map(path => join(DOCKER_DIR, path))
    .sort()
}

/** The job's id, from the line that names the registry's own CA file. */
function jobIdOf(step: StepResult, registry: string): string {
  const written = new RegExp(`Docker daemon: wrote ${CERTS_D}/${registry.replace(/\./g, '\\.')}/([^/\\s]+)\\.crt`)
  const id = written.exec(step.log)?.[1]
  if (!id) throw new Error(`no certs.d file for ${registry} in the log:\n${step.log}`)
  return id
}

describe('token realms from the network and the Docker daemon', () => {
  it('a realm of `https://../token` and one that gave no token: nothing outside certs.d/<registry>/, a warning, the registries trusted', async () => {
    const job: TestJob = newTestJob()
    const tag = `${dotDot.host}/sbr/realm:1`
    expect(docker(job.dockerConfig, ['pull', tag]).stderr).toMatch(/x509: certificate signed by unknown authority/)
    const inputs = {
      registries: `${dotDot.host}\n${silentRealm.host}`,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      username: 'ci',
      password: PASSWORD,
      'trust-docker-daemon': 'true',
      bootstrap: 'false'
    }
    const main = await runMain(job, inputs)
    owedPosts.push(() => runPost(job, main.state, inputs))
    expect(main.exitCode).toBe(0)
    const id = jobIdOf(main, dotDot.host)

    // The job's files are in the registries' own directories, and nowhere else under /etc/docker.
    const files = (dir: string) => ['cert', 'crt', 'key'].map(extension => join(CERTS_D, dir, `${id}.${extension}`))
    expect(filesNamed(id)).toEqual([...files(dotDot.host), ...files(silentRealm.host)].sort())
    expect(existsSync(join(CERTS_D, silentRealmHost))).toBe(false)
    expect(main.log).toContain(
      `::warning title=Docker daemon trust::${dotDot.host} names the token realm https://../token, whose host is not one the Docker daemon can be given ('..' is not a valid host name or address): it is left out of the daemon's trust`
    )
    // The realm that gave no token is preflight's finding, and not trusted.
    expect(main.log).toContain(`::${silentRealm.host}: token endpoint https://${silentRealmHost}/token unreachable`)

    // Where it can work, it does: the daemon now verifies the registry's certificate, and is stopped
    // only by the realm itself (no token service at `..`).
    const pull = docker(job.dockerConfig, ['pull', tag])
    expect(pull.status).not.toBe(0)
    expect(pull.stderr).not.toMatch(/x509/)
    expect(pull.stderr).toContain('https://../token')

    owedPosts.pop()
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(filesNamed(id)).toEqual([])
  })
})
