import { request } from 'node:https'
import { neverLog, runLater } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildContext } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { makeTokenSigner, startTokenService, type TokenService } from '../helpers/token-server.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'

// The token-auth fixture (../helpers/token-server.ts with Debian's docker-registry set to
// `auth: token`) against node's https and a real BuildKit: the shape Harbor and GitLab have.

const PASSWORD = 'sbr-token-test-password-71c2'
const SERVICE = 'sbr-token-registry'

let pki: TestPki
let tokens: TokenService
let registry: RunningServer

beforeAll(async () => {
  requireDocker()
  neverLog(PASSWORD)
  pki = makePki()
  const signer = makeTokenSigner()
  tokens = await startTokenService({
    tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
    signer,
    users: { ci: PASSWORD },
    service: SERVICE,
    issuer: 'sbr-token-issuer'
  })
  registry = await startRegistry({
    tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
    tokenAuth: {
      realm: `https://localhost:${tokens.port}/token`,
      service: SERVICE,
      issuer: 'sbr-token-issuer',
      rootCertBundlePath: signer.certPath
    }
  })
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all([registry?.stop(), tokens?.stop()])
})

function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: 'localhost', port, method, path, headers, ca: pki.caCert, timeout: 5000 }, response => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', chunk => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

async function token(query: string, basic?: string): Promise<{ status: number; token?: string }> {
  const answer = await call(
    tokens.port,
    'GET',
    `/token?${query}`,
    basic ? { Authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}
  )
  return {
    status: answer.status,
    token: answer.status === 200 ? (JSON.parse(answer.body) as { token: string }).token : undefined
  }
}

describe('token service and auth: token registry', () => {
  it("the registry challenges with a Bearer realm; a user's token opens a push, an anonymous one does not, wrong credentials get 401", async () => {
    const challenge = await call(registry.port, 'GET', '/v2/')
    expect(challenge.status).toBe(401)
    expect(challenge.headers['www-authenticate']).toBe(
      `Bearer realm="https://localhost:${tokens.port}/token",service="${SERVICE}"`
    )

    const scope = `service=${SERVICE}&scope=repository:sbr/token:pull,push`
    const user = await token(scope, `ci:${PASSWORD}`)
    expect(user.status).toBe(200)
    expect((await call(registry.port, 'GET', '/v2/', { Authorization: `Bearer ${user.token}` })).status).toBe(200)
    expect(
      (await call(registry.port, 'POST', '/v2/sbr/token/blobs/uploads/', { Authorization: `Bearer ${user.token}` }))
        .status
    ).toBe(202)

    const anonymous = await token(scope)
    expect(anonymous.status).toBe(200)
    expect(
      (
        await call(registry.port, 'POST', '/v2/sbr/token/blobs/uploads/', {
          Authorization: `Bearer ${anonymous.token}`
        })
      ).status
    ).toBe(401)

    expect((await token(scope, 'ci:wrong')).status).toBe(401)
  })

  it("a booted BuildKit that fetches the token itself (BUILDKIT_NO_CLIENT_TOKEN) pushes with the action's CA and credentials", async () => {
    const host = `localhost:${registry.port}`
    const job = newTestJob()
    const main = await setUp(job, {
      registries: host,
      'ca-cert': pki.caCert,
      username: 'ci',
      password: PASSWORD,
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)
    const context = buildContext()
    const before = tokens.requests.length
    const push = await runLater(
      job,
      'docker',
      ['buildx', 'build', '--push', '-t', `${host}/sbr/token-push:1`, context.dir],
      { env: { BUILDKIT_NO_CLIENT_TOKEN: '1' } }
    )
    expect(push).toMatchObject({ status: 0 })
    // Measured: BuildKit v0.20 asks with GET and basic auth (the service also takes the OAuth2 POST).
    expect(tokens.requests.slice(before)).toContainEqual(
      expect.objectContaining({
        user: 'ci',
        status: 200,
        scopes: expect.arrayContaining([expect.stringMatching(/^repository:sbr\/token-push:.*push/)])
      })
    )
    const bearer = (await token(`service=${SERVICE}&scope=repository:sbr/token-push:pull`, `ci:${PASSWORD}`)).token
    const manifest = await call(registry.port, 'GET', '/v2/sbr/token-push/tags/list', {
      Authorization: `Bearer ${bearer}`
    })
    expect(JSON.parse(manifest.body)).toEqual({ name: 'sbr/token-push', tags: ['1'] })
    expect((await tearDown(job)).exitCode).toBe(0)
  })
})
