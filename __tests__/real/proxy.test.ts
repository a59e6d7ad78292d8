import { neverLog, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js'
import { closedPort, startRegistry, type RunningServer } from '../helpers/servers.js'
import { makeTokenSigner, startTokenService } from '../helpers/token-server.js'
import { requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// A runner behind a forward proxy: the registry's name resolves only at the proxy, so the step,
// preflight and the push work only if each goes through it, as Go's HTTP_PROXY/HTTPS_PROXY/
// NO_PROXY rules say; a second registry, exempt by NO_PROXY, is reached directly.

/** Names only the proxy resolves (to loopback): a TLS registry, a plain-HTTP one, a token service. */
const BEHIND = 'reg.proxy.test'
const PLAIN_BEHIND = 'plain.proxy.test'
const AUTH_BEHIND = 'auth.proxy.test'
const NAMES = { [BEHIND]: '127.0.0.1', [PLAIN_BEHIND]: '127.0.0.1', [AUTH_BEHIND]: '127.0.0.1' }
const PROXY_USER = 'sbr-ci'
const PROXY_PASSWORD = 'sbr-proxy-pass-4c1d9e'
const REGISTRY_PASSWORD = 'sbr-token-pass-9a7e21'

interface Result {
  host: string
  ok: boolean
  kind: string
  message: string
  fix: string
}

let pki: TestPki
const servers: RunningServer[] = []

beforeAll(() => {
  requireDocker()
  pki = makePki([BEHIND, AUTH_BEHIND])
  neverLog(PROXY_PASSWORD)
  neverLog(REGISTRY_PASSWORD)
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

async function started<T extends RunningServer>(server: Promise<T>): Promise<T> {
  const running = await server
  servers.push(running)
  return running
}

function preflightResults(outputs: Record<string, string>): Record<string, Result> {
  return Object.fromEntries((JSON.parse(outputs.preflight ?? '[]') as Result[]).map(result => [result.host, result]))
}

const tunnelsTo = (proxy: ForwardProxy, target: string): number =>
  proxy
    .requests()
    .filter(request => request.method === 'CONNECT' && request.target === target && request.status === 200).length

describe('a runner behind a forward proxy', () => {
  it('preflight, the builder and the push go through the proxy; NO_PROXY exempts the internal registry', async () => {
    const behind = await started(startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }))
    // docker0's address: not loopback, so Go would proxy it but for NO_PROXY.
    const internal = await started(startRegistry({ address: '172.17.0.1' }))
    const plain = await started(startRegistry())
    const proxy = await started(
      startForwardProxy({ names: NAMES, auth: { user: PROXY_USER, password: PROXY_PASSWORD } })
    )
    const behindHost = `${BEHIND}:${behind.port}`
    const plainHost = `${PLAIN_BEHIND}:${plain.port}`
    const shownProxy = `http://***@127.0.0.1:${proxy.port}`
    // Both cases, as runners have them: upper-case HTTPS_PROXY, lower-case no_proxy.
    const job = newTestJob({ HTTPS_PROXY: proxy.url, http_proxy: proxy.url, no_proxy: '172.17.0.1' })

    const main = await setUp(job, {
      registries: `${behindHost}\n${internal.host} http\n${plainHost} http`,
      'ca-cert': pki.caCert,
      'driver-opts': bootDriverOpts(),
      preflight: 'error'
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain("Proxy: the builder gets the runner's http_proxy, HTTPS_PROXY, no_proxy")
    expect(main.log).toContain(
      `http_proxy=${shownProxy}, HTTPS_PROXY=${shownProxy} are on this machine's loopback, which a builder container cannot reach on its own network: adding --driver-opt network=host`
    )
    // The logged command line shows the variables, never the proxy's credentials (neverLog checks every line).
    expect(main.log).toMatch(
      new RegExp(`\\[command\\].* --driver-opt env\\.HTTPS_PROXY=http://\\*\\*\\*@127\\.0\\.0\\.1:${proxy.port} `)
    )
    expect(main.log).toContain(`::add-mask::${PROXY_PASSWORD}`)

    const results = preflightResults(main.outputs)
    expect(results[behindHost]).toMatchObject({
      ok: true,
      kind: 'registry',
      message: `a registry answered (GET /v2/: 200) (through the proxy ${shownProxy} (HTTPS_PROXY))`
    })
    expect(results[internal.host]).toMatchObject({ ok: true, message: 'a registry answered (GET /v2/: 200)' })
    // Plain HTTP goes to the proxy as an absolute-form request, through http_proxy.
    expect(results[plainHost]).toMatchObject({
      ok: true,
      message: `a registry answered (GET /v2/: 200) (through the proxy ${shownProxy} (http_proxy))`
    })
    expect(proxy.requests()).toContainEqual({ method: 'GET', target: plainHost, status: 200 })
    const preflightTunnels = tunnelsTo(proxy, behindHost)
    expect(preflightTunnels).toBeGreaterThan(0)

    const proxied = await buildAndPush(job, `${behindHost}/sbr/proxied:1`)
    expect(proxied).toMatchObject({ status: 0 })
    await expectPushed({ host: `127.0.0.1:${behind.port}`, tls: true }, 'sbr/proxied', '1', proxied.marker)
    expect(tunnelsTo(proxy, behindHost)).toBeGreaterThan(preflightTunnels)

    const plainPush = await buildAndPush(job, `${plainHost}/sbr/plain:1`)
    expect(plainPush).toMatchObject({ status: 0 })
    await expectPushed({ host: plain.host, tls: false }, 'sbr/plain', '1', plainPush.marker)
    expect(proxy.requests()).toContainEqual({ method: 'PUT', target: plainHost, status: 201 })

    const direct = await buildAndPush(job, `${internal.host}/sbr/direct:1`)
    expect(direct).toMatchObject({ status: 0 })
    await expectPushed({ host: internal.host, tls: false }, 'sbr/direct', '1', direct.marker)
    expect(proxy.requests().filter(request => request.target.startsWith('172.17.0.1'))).toEqual([])

    // No output or summary holds the proxy's password (the nodes output lists the driver options).
    expect(Object.values(main.outputs).join('\n')).not.toContain(PROXY_PASSWORD)
    expect(main.outputs.nodes).toContain(`env.HTTPS_PROXY=${shownProxy}`)
    expect(main.summary).not.toContain(PROXY_PASSWORD)

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })

  it('a token registry whose realm only the proxy reaches: preflight and buildx fetch the token through it', async () => {
    const signer = makeTokenSigner()
    const tokens = await started(
      startTokenService({
        tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
        signer,
        users: { ci: REGISTRY_PASSWORD },
        service: 'sbr-proxy-registry',
        issuer: 'sbr-proxy-issuer'
      })
    )
    const registry = await started(
      startRegistry({
        tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
        tokenAuth: {
          realm: `https://${AUTH_BEHIND}:${tokens.port}/token`,
          service: 'sbr-proxy-registry',
          issuer: 'sbr-proxy-issuer',
          rootCertBundlePath: signer.certPath
        }
      })
    )
    const proxy = await started(startForwardProxy({ names: NAMES }))
    const host = `${BEHIND}:${registry.port}`
    const job = newTestJob({ HTTPS_PROXY: proxy.url })
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      username: 'ci',
      password: REGISTRY_PASSWORD,
      'driver-opts': bootDriverOpts(),
      preflight: 'error'
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(preflightResults(main.outputs)[host]).toMatchObject({
      ok: true,
      kind: 'token-granted',
      message: `token granted by https://${AUTH_BEHIND}:${tokens.port}/token (through the proxy http://127.0.0.1:${proxy.port} (HTTPS_PROXY)) for ci (from \`username\`/\`password\` or the \`credentials\` line for ${host}), accepted by the registry`
    })
    const realmTunnels = tunnelsTo(proxy, `${AUTH_BEHIND}:${tokens.port}`)
    expect(realmTunnels).toBeGreaterThan(0)

    const push = await buildAndPush(job, `${host}/sbr/token:1`)
    expect(push).toMatchObject({ status: 0 })
    expect(tunnelsTo(proxy, `${AUTH_BEHIND}:${tokens.port}`)).toBeGreaterThan(realmTunnels)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(containerExists(main.outputs.name)).toBe(false)
  })

  it('without the proxy the name does not resolve: the failure preflight reported before this feature', async () => {
    const behind = await started(startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }))
    const job = newTestJob()
    const main = await runMain(job, { registries: `${BEHIND}:${behind.port}`, bootstrap: 'false' })
    await runPost(job, main.state)
    expect(preflightResults(main.outputs)[`${BEHIND}:${behind.port}`]).toMatchObject({
      ok: false,
      kind: 'unreachable',
      message: `unreachable: ${BEHIND} does not resolve (ENOTFOUND)`
    })
  })
})

describe('preflight says what is wrong on the way through the proxy', () => {
  let behind: RunningServer
  beforeAll(async () => {
    behind = await started(startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }))
  })

  /** Main (not booting the builder) and post, with the job's proxy variables. */
  async function preflightVia(env: Record<string, string>, host: string): Promise<Result> {
    const job = newTestJob(env)
    const main = await runMain(job, { registries: host, 'ca-cert': pki.caCert, bootstrap: 'false' })
    const post = await runPost(job, main.state)
    expect(main.exitCode).toBe(0)
    expect(post.exitCode).toBe(0)
    return preflightResults(main.outputs)[host]
  }

  it('a proxy that wants credentials and gets none: the proxy refused, not the registry', async () => {
    const proxy = await started(
      startForwardProxy({ names: NAMES, auth: { user: PROXY_USER, password: PROXY_PASSWORD } })
    )
    const result = await preflightVia({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` }, `${BEHIND}:${behind.port}`)
    expect(result).toMatchObject({
      ok: false,
      kind: 'proxy-refused',
      message: `the proxy http://127.0.0.1:${proxy.port} (HTTPS_PROXY) wants credentials (407 Proxy Authentication Required)`
    })
    expect(proxy.requests()).toEqual([{ method: 'CONNECT', target: `${BEHIND}:${behind.port}`, status: 407 }])
  })

  it('a proxy that is not there: the proxy unreachable, with the variable to check', async () => {
    const port = await closedPort()
    const result = await preflightVia({ https_proxy: `http://127.0.0.1:${port}` }, `${BEHIND}:${behind.port}`)
    expect(result).toMatchObject({
      ok: false,
      kind: 'proxy-unreachable',
      message: `unreachable: the proxy http://127.0.0.1:${port} (https_proxy) refused the connection`
    })
    expect(result.fix).toContain('check https_proxy on the runner')
  })

  it('a name the proxy cannot reach: the registry unreachable through the proxy (502)', async () => {
    const proxy = await started(startForwardProxy())
    const result = await preflightVia({ HTTPS_PROXY: proxy.url }, `${BEHIND}:${behind.port}`)
    expect(result).toMatchObject({
      ok: false,
      kind: 'unreachable',
      message: `unreachable through the proxy http://127.0.0.1:${proxy.port} (HTTPS_PROXY): it answered 502 for ${BEHIND}:${behind.port}`
    })
  })
})
