import { neverLog } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// Inputs as people paste them, through booted builders to a real push: a CA stored base64-encoded,
// a client keypair copied out of a YAML file with its indentation (and CRLF), registries in a comma
// list. The emulator fails any step whose log shows a line of a test key (makePki registers them).

let pki: TestPki
const servers: RunningServer[] = []

beforeAll(() => {
  requireDocker()
  pki = makePki()
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

async function registry(options: Parameters<typeof startRegistry>[0] = {}): Promise<RunningServer> {
  const server = await startRegistry(options)
  servers.push(server)
  return server
}

/** As the PEM sits in a YAML file (a Kubernetes secret, a compose file) it was copied from. */
const yamlIndented = (pem: string): string =>
  pem
    .split('\n')
    .map(line => (line === '' ? line : `      ${line}`))
    .join('\n')

describe('pasted inputs push as the plain ones do', () => {
  it('mutual TLS with ca-cert base64-encoded and the client keypair YAML-indented (the key with CRLF too)', async () => {
    const mtls = await registry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath, clientCaPath: pki.caCertPath }
    })
    const host = `localhost:${mtls.port}`
    const caBase64 = Buffer.from(pki.caCert).toString('base64')
    // The pasted value is a secret like the key: no step may show it.
    neverLog(caBase64)

    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': caBase64,
      'client-cert': yamlIndented(pki.clientCert),
      'client-key': yamlIndented(pki.clientKey).replace(/\n/g, '\r\n'),
      'driver-opts': bootDriverOpts()
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain('ca-cert: decoded base64-encoded PEM')

    const push = await buildAndPush(job, `${host}/sbr/pasted:1`)
    expect(push).toMatchObject({ status: 0 })
    const access = { host, tls: true, ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey }
    await expectPushed(access, 'sbr/pasted', '1', push.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })

  it('`registries: PLAIN http, TLS` (a comma list) reaches both registries', async () => {
    const plain = await registry()
    const tls = await registry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } })
    const tlsHost = `localhost:${tls.port}`

    const job = newTestJob()
    const main = await setUp(job, {
      registries: `${plain.host} http, ${tlsHost}`,
      'ca-cert': pki.caCert,
      'driver-opts': bootDriverOpts()
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)

    const toPlain = await buildAndPush(job, `${plain.host}/sbr/comma:1`)
    expect(toPlain).toMatchObject({ status: 0 })
    await expectPushed({ host: plain.host, tls: false }, 'sbr/comma', '1', toPlain.marker)
    const toTls = await buildAndPush(job, `${tlsHost}/sbr/comma:1`)
    expect(toTls).toMatchObject({ status: 0 })
    await expectPushed({ host: tlsHost, tls: true, ca: pki.caCert }, 'sbr/comma', '1', toTls.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })
})
