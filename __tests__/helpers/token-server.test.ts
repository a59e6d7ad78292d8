import { request } from 'node:https'
import { neverLog } from '../../scripts/github-runner.mjs'
import { makePki, type TestPki } from './certs.js'
import { startRegistry, type RunningServer } from './servers.js'
import { makeTokenSigner, requestToken, startTokenService, type TokenService } from './token-server.js'
import { requireDocker } from '../real/docker.js'

// The token-auth fixture (./token-server.ts with Debian's docker-registry set to
// `auth: token`) against node's https: the shape Harbor and GitLab have. Pushes through booted
// builders against it are in token-auth.test.ts.

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

/** A token for `scope` from the token service, as docker asks for one. */
function token(scope: string, basic?: string): Promise<{ status: number; token?: string }> {
  return requestToken(tokens, { ca: pki.caCert, serviceName: SERVICE, scope, basic })
}

describe('token service and auth: token registry', () => {
  it("the registry challenges with a Bearer realm; a user's token opens a push, an anonymous one does not, wrong credentials get 401", async () => {
    const challenge = await call(registry.port, 'GET', '/v2/')
    expect(challenge.status).toBe(401)
    expect(challenge.headers['www-authenticate']).toBe(
      `Bearer realm="https://localhost:${tokens.port}/token",service="${SERVICE}"`
    )

    const scope = 'repository:sbr/token:pull,push'
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
})
