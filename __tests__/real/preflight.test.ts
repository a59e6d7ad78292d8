import { existsSync, readdirSync } from 'node:fs'
import { runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { issueServerCert, makePki, type TestPki } from '../helpers/certs.js'
import {
  closedPort,
  startBlackhole,
  startHttpServer,
  startRegistry,
  startSniStrictServer,
  type RunningServer
} from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { newTestJob } from './jobs.js'

// Preflight in the bundled action against real servers on loopback: Debian's
// docker-registry (plain, TLS, mutual TLS, htpasswd), openssl s_server, and
// sockets that refuse or never answer.

interface Result {
  host: string
  ok: boolean
  kind: string
  message: string
  fix: string
}

let pki: TestPki
const servers: RunningServer[] = []
const hosts: Record<string, string> = {}

async function started(server: Promise<RunningServer>): Promise<RunningServer> {
  const running = await server
  servers.push(running)
  return running
}

beforeAll(async () => {
  requireDocker()
  pki = makePki()
  const tls = { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }
  const named = (names: string[], validity?: 'expired' | 'not-yet-valid') => {
    const issued = issueServerCert(pki, { names, validity })
    return { certPath: issued.certPath, keyPath: issued.keyPath }
  }
  const [plain, secure, mutual, htpasswd, wrongName, expired, notYetValid, sni, notRegistry] = await Promise.all([
    started(startRegistry()),
    started(startRegistry({ tls })),
    started(startRegistry({ tls: { ...tls, clientCaPath: pki.caCertPath } })),
    started(startRegistry({ htpasswd: { user: 'ci', password: 'secret' } })),
    started(startRegistry({ tls: named(['other.example.test']) })),
    started(startRegistry({ tls: named(['localhost'], 'expired') })),
    started(startRegistry({ tls: named(['localhost'], 'not-yet-valid') })),
    started(startSniStrictServer(pki)),
    started(startHttpServer())
  ])
  Object.assign(hosts, {
    plain: `localhost:${plain.port}`,
    secure: `localhost:${secure.port}`,
    mutual: `localhost:${mutual.port}`,
    htpasswd: `localhost:${htpasswd.port}`,
    wrongName: `localhost:${wrongName.port}`,
    expired: `localhost:${expired.port}`,
    notYetValid: `localhost:${notYetValid.port}`,
    sni: `localhost:${sni.port}`,
    notRegistry: `localhost:${notRegistry.port}`,
    closed: `localhost:${await closedPort()}`
  })
})

afterAll(async () => {
  await Promise.all(servers.map(server => server.stop()))
})

/** Runs main (and post) with `inputs`; returns the step and its preflight results by host. */
async function preflight(inputs: Record<string, string>): Promise<{
  exitCode: number
  log: string
  summary: string
  results: Record<string, Result>
  outputsWritten: string[]
  job: Job
}> {
  const job = newTestJob()
  const main = await runMain(job, { bootstrap: 'false', ...inputs })
  await runPost(job, main.state)
  const results = Object.fromEntries(
    (JSON.parse(main.outputs.preflight ?? '[]') as Result[]).map(result => [result.host, result])
  )
  return {
    exitCode: main.exitCode,
    log: main.log,
    summary: main.summary,
    results,
    outputsWritten: main.outputsWritten,
    job
  }
}

describe('preflight against real registries', () => {
  it('classifies each registry and names the input that fixes it', async () => {
    const registries = [
      `${hosts.plain} http`,
      hosts.secure,
      hosts.htpasswd + ' http',
      hosts.wrongName,
      hosts.expired,
      hosts.notYetValid,
      hosts.mutual,
      hosts.closed,
      hosts.plain.replace(/^localhost/, '127.0.0.1'),
      `${hosts.secure.replace(/^localhost/, '127.0.0.1')} http`,
      hosts.notRegistry + ' http',
      hosts.sni,
      `${hosts.expired.replace(/^localhost/, '127.0.0.1')} insecure`
    ].join('\n')
    const { exitCode, log, results, summary } = await preflight({ registries, 'ca-cert': pki.caCert })
    expect(log).not.toContain('::error::')
    expect(exitCode).toBe(0)
    const at = (host: string): Result => results[host]
    const plainByIp = hosts.plain.replace(/^localhost/, '127.0.0.1')
    const secureByIp = hosts.secure.replace(/^localhost/, '127.0.0.1')
    const expiredByIp = hosts.expired.replace(/^localhost/, '127.0.0.1')

    expect(at(hosts.plain)).toMatchObject({ ok: true, kind: 'registry' })
    expect(at(hosts.secure)).toMatchObject({ ok: true, kind: 'registry' })
    // No credentials were given for it (nor stored by an earlier login): a push would fail.
    expect(at(hosts.htpasswd)).toMatchObject({ ok: false, kind: 'credentials-missing' })
    expect(at(hosts.htpasswd).fix).toContain('`username` and `password`')

    expect(at(hosts.wrongName)).toMatchObject({
      ok: false,
      kind: 'wrong-name',
      message: 'x509: certificate is valid for other.example.test, not localhost'
    })
    expect(at(hosts.wrongName).fix).toContain(
      'use one of those names on line 4 of `registries`, or reissue the certificate for localhost'
    )
    expect(at(hosts.expired)).toMatchObject({ ok: false, kind: 'expired' })
    expect(at(hosts.expired).message).toMatch(
      /certificate has expired: valid from Jan +1 00:00:00 2020 GMT until Feb +1 00:00:00 2020 GMT/
    )
    expect(at(hosts.notYetValid)).toMatchObject({ ok: false, kind: 'not-yet-valid' })
    expect(at(hosts.notYetValid).message).toContain('2099')
    expect(at(hosts.mutual)).toMatchObject({
      ok: false,
      kind: 'client-cert-required',
      fix: 'pass `client-cert` and `client-key`'
    })
    expect(at(hosts.closed)).toMatchObject({
      ok: false,
      kind: 'unreachable',
      message: 'unreachable: connection refused',
      fix: 'check the host and port on line 8 of `registries`'
    })
    expect(at(plainByIp)).toMatchObject({
      ok: false,
      kind: 'http-registry',
      fix: 'add `http` to line 9 of `registries`'
    })
    expect(at(secureByIp)).toMatchObject({
      ok: false,
      kind: 'tls-registry',
      fix: 'remove `http` from line 10 of `registries`'
    })
    expect(at(hosts.notRegistry)).toMatchObject({ ok: false, kind: 'not-a-registry' })
    expect(at(hosts.notRegistry).message).toContain('GET /v2/ answered 404 (text/html')
    expect(at(hosts.sni)).toMatchObject({
      ok: false,
      kind: 'unrecognized-name',
      fix: 'use the name the server serves on line 12 of `registries`'
    })
    expect(at(expiredByIp)).toMatchObject({ ok: true, kind: 'registry' })
    expect(at(expiredByIp).message).toContain('certificate not verified (`insecure`): x509: certificate has expired')

    // warn mode: an annotation per failure, naming the registry and the fix.
    expect(log).toContain(
      `::warning title=Registry preflight%3A ${hosts.closed.replace(':', '%3A')}::${hosts.closed}: unreachable: connection refused. Fix: check the host and port on line 8 of \`registries\``
    )
    // Nine failures, and the htpasswd registry given no credentials.
    expect(log.match(/::warning title=Registry preflight/g)).toHaveLength(10)

    // The job summary: a row per registry with its mode, what was written and the result.
    expect(summary).toContain('<th>registry</th><th>mode</th><th>written</th><th>preflight</th><th>fix</th>')
    expect(summary).toContain(
      `<tr><td>${hosts.plain}</td><td>http</td><td>http</td><td>✅ a registry answered (GET /v2/: 200)</td><td>—</td></tr>`
    )
    expect(summary).toContain(
      `<td>${hosts.mutual}</td><td>tls</td><td>http, ca</td><td>❌ the registry requires a client certificate`
    )
  })

  it('a private CA: classified without ca-cert, passes with it', async () => {
    const without = await preflight({ registries: hosts.secure })
    expect(without.results[hosts.secure]).toMatchObject({ ok: false, kind: 'unknown-authority' })
    expect(without.results[hosts.secure].message).toContain('certificate signed by unknown authority')
    expect(without.results[hosts.secure].fix).toContain('pass its CA in `ca-cert`')
    const withCa = await preflight({ registries: hosts.secure, 'ca-cert': pki.caCertPath })
    expect(withCa.results[hosts.secure]).toMatchObject({ ok: true })
  })

  it('a registry that requires a client certificate passes with the keypair', async () => {
    const { results } = await preflight({
      registries: hosts.mutual,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey
    })
    expect(results[hosts.mutual]).toMatchObject({ ok: true, kind: 'registry' })
  })

  it('a mirror speaking plain HTTP that is not listed: list it in registries with `http`', async () => {
    const { results } = await preflight({ mirror: hosts.plain })
    expect(results[hosts.plain]).toMatchObject({
      ok: false,
      kind: 'http-registry',
      fix: `list it in \`registries\` as \`${hosts.plain} http\``
    })
  })

  it('error mode fails before anything is written or created, with the table on the run page', async () => {
    const { exitCode, log, summary, job, results, outputsWritten } = await preflight({
      registries: `${hosts.plain} http\n${hosts.closed}`,
      preflight: 'error'
    })
    expect(exitCode).toBe(1)
    expect(log).toContain(
      `::error::Preflight found 1 registry that a build would fail on:%0A- ${hosts.closed}: unreachable: connection refused. Fix: check the host and port on line 2 of \`registries\``
    )
    expect(log).not.toContain('buildx create')
    // The step failed, and the output still says why: set once, as the step ended.
    expect(results[hosts.closed]).toMatchObject({ ok: false, kind: 'unreachable' })
    expect(outputsWritten.filter(name => name === 'preflight')).toEqual(['preflight'])
    expect(existsSync(job.runnerTemp) ? readdirSync(job.runnerTemp) : []).toEqual([])
    expect(summary).toContain(`<td>${hosts.closed}</td>`)
  })

  it('off mode probes nothing', async () => {
    const { exitCode, log, summary } = await preflight({ registries: hosts.closed, preflight: 'off' })
    expect(exitCode).toBe(0)
    expect(log).not.toContain('Preflight')
    expect(summary).toContain('not checked (<code>preflight: off</code>)')
  })

  it('hanging registries cost one timeout in total, not one each: every probe is open before the first gives up', async () => {
    const blackholes = await Promise.all([1, 2, 3, 4].map(() => startBlackhole()))
    servers.push(...blackholes)
    const registries = [...blackholes.map(hole => `${hole.host}`), `${hosts.plain} http`, hosts.secure].join('\n')
    const job = newTestJob()
    const main = await runMain(job, { registries, 'ca-cert': pki.caCert, 'preflight-timeout': '1', bootstrap: 'false' })
    await runPost(job, main.state)
    const results = JSON.parse(main.outputs.preflight) as Result[]
    for (const hole of blackholes) {
      expect(results.find(result => result.host === hole.host)).toMatchObject({ ok: false, kind: 'unreachable' })
      expect(results.find(result => result.host === hole.host)?.message).toContain(
        'the TLS handshake (the port accepts connections but does not answer) got no answer within 1 s'
      )
    }
    // Each blackhole saw one connection, which the probe closed at its deadline; the order of those
    // events at the four servers shows the probes ran at once: probes one after another would
    // open the second connection only after the first was given up.
    const held = blackholes.map(hole => hole.connections())
    for (const connections of held)
      expect(connections).toEqual([{ opened: expect.any(Number), closed: expect.any(Number) }])
    const lastOpened = Math.max(...held.map(([connection]) => connection.opened))
    const firstGivenUp = Math.min(...held.map(([connection]) => connection.closed ?? Infinity))
    expect(lastOpened).toBeLessThan(firstGivenUp)
  })
})
