import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import { bundleText, planClientTrust, tokenTrustFor } from '../../src/plan/client-trust.js'
import { realmRegistries } from '../../src/plan/daemon-trust.js'

const CA_A = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
const CA_B = '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n'
const KEYPAIR = { cert: 'CERT', key: 'KEY' }

function registry(host: string, overrides: Partial<PlannedRegistry> = {}): PlannedRegistry {
  return {
    host: parseHost(host, 'registries', 1),
    transport: 'tls',
    mode: 'tls',
    source: 'registries',
    line: 1,
    written: ['http', 'ca'],
    ca: '',
    ...overrides
  }
}

describe('planClientTrust', () => {
  it('nothing for later steps when no verified TLS registry has a CA or a keypair', () => {
    expect(planClientTrust([registry('a:5000', { transport: 'http', mode: 'http' }), registry('b')], '/job')).toBe(
      undefined
    )
    expect(planClientTrust([registry('c', { transport: 'insecure', mode: 'insecure', ca: CA_A })], '/job')).toBe(
      undefined
    )
  })

  it('a bundle of every CA once, in the job directory', () => {
    const plan = planClientTrust(
      [registry('a', { ca: CA_A }), registry('b', { ca: CA_A + CA_B }), registry('c')],
      '/job'
    )
    expect(plan).toEqual({
      bundlePath: '/job/ca-bundle.pem',
      extraCas: CA_A + CA_B,
      caHosts: ['a', 'b'],
      mtlsHosts: []
    })
    expect(bundleText({ path: '/etc/ssl/certs/ca-certificates.crt', pem: 'ROOTS\n\n' }, plan!.extraCas)).toBe(
      `ROOTS\n${CA_A}${CA_B}`
    )
  })

  it('mTLS registries: BuildKit fetches every token, with the registry’s own CA and keypair', () => {
    const mtls = registry('m', { ca: CA_B, keypair: KEYPAIR, mode: 'mtls' })
    const plain = registry('p', { ca: CA_A })
    const plan = planClientTrust([mtls, plain], '/job')
    expect(plan?.mtlsHosts).toEqual(['m'])
    expect(tokenTrustFor(mtls, plan, undefined)).toEqual({ fetchedBy: 'buildkitd', ca: CA_B, keypair: KEYPAIR })
    expect(tokenTrustFor(plain, plan, undefined)).toEqual({ fetchedBy: 'buildkitd', ca: CA_A, keypair: undefined })
  })

  it('buildx fetches with the runner’s roots plus the bundle', () => {
    const plain = registry('p', { ca: CA_A })
    const plan = planClientTrust([plain], '/job')
    expect(tokenTrustFor(plain, plan, { path: '/roots.pem', pem: 'ROOTS' })).toEqual({
      fetchedBy: 'buildx',
      ca: `ROOTS\n${CA_A}`
    })
  })
})

describe('realmRegistries', () => {
  it('the HTTPS realms of TLS registries, on another host:port, each once, with the registry’s CA and keypair', () => {
    const registries = [
      registry('registry.internal', { ca: CA_A, keypair: KEYPAIR }),
      registry('other.internal:5000', { ca: CA_B }),
      registry('plain.internal:5000', { transport: 'http', mode: 'http' })
    ]
    const realms = realmRegistries(registries, [
      { host: 'registry.internal', realm: 'https://gitlab.internal/jwt/auth' },
      { host: 'other.internal:5000', realm: 'https://gitlab.internal/jwt/auth' },
      { host: 'other.internal:5000', realm: 'https://other.internal:5000/token' },
      { host: 'plain.internal:5000', realm: 'https://auth.internal:8443/token' },
      { host: 'registry.internal', realm: 'http://auth.internal/token' }
    ])
    expect(realms).toEqual([
      expect.objectContaining({
        host: { text: 'gitlab.internal', hostname: 'gitlab.internal', port: undefined },
        ca: CA_A,
        keypair: KEYPAIR
      })
    ])
  })
})
