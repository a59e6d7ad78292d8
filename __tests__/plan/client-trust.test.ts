import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import { planClientTrust, tokenTrustFor } from '../../src/plan/client-trust.js'

const CA_A = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
const CA_B = '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n'
const KEYPAIR = { cert: 'CERT', key: 'KEY' }
const ROOTS = { path: '/roots.pem', pem: 'ROOTS' }

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
    expect(
      planClientTrust([registry('a:5000', { transport: 'http', mode: 'http' }), registry('b')], '/job', ROOTS)
    ).toBe(undefined)
    expect(planClientTrust([registry('c', { transport: 'insecure', mode: 'insecure', ca: CA_A })], '/job', ROOTS)).toBe(
      undefined
    )
  })

  it("a bundle in the job directory: the runner's roots, then every CA once", () => {
    const plan = planClientTrust(
      [registry('a', { ca: CA_A }), registry('b', { ca: CA_A + CA_B }), registry('c')],
      '/job',
      { path: '/etc/ssl/certs/ca-certificates.crt', pem: 'ROOTS\n\n' }
    )
    expect(plan).toEqual({
      bundlePath: '/job/ca-bundle.pem',
      extraCas: CA_A + CA_B,
      bundle: `ROOTS\n${CA_A}${CA_B}`,
      rootsPath: '/etc/ssl/certs/ca-certificates.crt',
      caHosts: ['a', 'b'],
      everywhere: false,
      mtlsHosts: []
    })
  })

  it('ca-cert-scope: all: ca-cert in the bundle even with no listed TLS registry, once beside a registry that has it', () => {
    const plan = planClientTrust([registry('h:5000', { transport: 'http', mode: 'http' })], '/job', ROOTS, CA_A)
    expect(plan).toMatchObject({ extraCas: CA_A, bundle: `ROOTS\n${CA_A}`, caHosts: [], everywhere: true })
    const both = planClientTrust([registry('a', { ca: CA_A + CA_B })], '/job', ROOTS, CA_A)
    expect(both).toMatchObject({ extraCas: CA_A + CA_B, caHosts: ['a'], everywhere: true })
  })

  it('a runner without a system bundle: the CAs alone', () => {
    const plan = planClientTrust([registry('a', { ca: CA_A })], '/job', undefined)
    expect(plan?.bundle).toBe(CA_A)
    expect(plan?.rootsPath).toBe(undefined)
  })

  it('mTLS registries: BuildKit fetches every token, with the registry’s own CA and keypair', () => {
    const mtls = registry('m', { ca: CA_B, keypair: KEYPAIR, mode: 'mtls' })
    const plain = registry('p', { ca: CA_A })
    const plan = planClientTrust([mtls, plain], '/job', undefined)
    expect(plan?.mtlsHosts).toEqual(['m'])
    expect(tokenTrustFor(mtls, plan, undefined)).toEqual({ fetchedBy: 'buildkitd', ca: CA_B, keypair: KEYPAIR })
    expect(tokenTrustFor(plain, plan, undefined)).toEqual({ fetchedBy: 'buildkitd', ca: CA_A, keypair: undefined })
  })

  it('buildx fetches with the runner’s roots plus the bundle', () => {
    const plain = registry('p', { ca: CA_A })
    const roots = { path: '/roots.pem', pem: 'ROOTS' }
    const plan = planClientTrust([plain], '/job', roots)
    expect(tokenTrustFor(plain, plan, roots)).toEqual({
      fetchedBy: 'buildx',
      ca: `ROOTS\n${CA_A}`
    })
  })
})
