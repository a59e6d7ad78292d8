import { CA_SCOPE_CARRIER, CONTAINER_CA_DIR, planCaScope, SSL_CERT_DIR_OPT } from '../../src/plan/ca-scope.js'
import { inputErrorOf } from '../helpers/input-errors.js'

const DIR = '/runner/temp/setup-buildkit-registry-abc'
const CA = '-----BEGIN CERTIFICATE-----\nCOMPANY\n-----END CERTIFICATE-----\n'

describe('planCaScope', () => {
  it('registries (the default): nothing to add', () => {
    expect(planCaScope('registries', CA, 'docker-container', [], [], DIR)).toBeUndefined()
  })

  it('all: the CA in a directory of its own, named by the carrier section, and SSL_CERT_DIR for every node', () => {
    const plan = planCaScope('all', CA, 'docker-container', ['image=moby/buildkit'], [], DIR)
    expect(plan?.file).toEqual({ path: `${DIR}/ca-cert-scope/ca.pem`, content: CA, mode: 0o644 })
    expect(plan?.section).toEqual({ ca: [`${DIR}/ca-cert-scope/ca.pem`] })
    // buildx copies a section's `ca` to /etc/buildkit/certs/<section>/<basename>; Go's two default
    // directories follow, so the image's own roots stay.
    expect(CONTAINER_CA_DIR).toBe(`/etc/buildkit/certs/${CA_SCOPE_CARRIER}`)
    expect(plan?.driverOpt).toBe(
      'env.SSL_CERT_DIR=/etc/buildkit/certs/ca-cert-scope.invalid:/etc/ssl/certs:/etc/pki/tls/certs'
    )
    expect(plan?.notes).toEqual([
      'ca-cert-scope: all: the ca-cert CAs join the builder\'s system roots via SSL_CERT_DIR=/etc/buildkit/certs/ca-cert-scope.invalid:/etc/ssl/certs:/etc/pki/tls/certs (buildx copies [registry."ca-cert-scope.invalid"]\'s ca there): base images of any registry, ADD https://, frontend images; not git contexts (BuildKit runs git with a fixed environment)'
    ])
  })

  it('the carrier is a name that never resolves, so BuildKit never pulls through its section', () => {
    expect(CA_SCOPE_CARRIER).toMatch(/\.invalid$/)
  })

  it.each([
    ['docker', "the daemon's own BuildKit trusts the system roots of the daemon's machine", 'update-ca-certificates'],
    ['remote', 'the buildkitd is started by you', 'ca-cert-scope: registries'],
    ['kubernetes', 'need buildx v0.27 or later', '`image=` driver option'],
    ['cloud', 'gives only a docker-container builder environment variables', 'driver: docker-container']
  ])('the %s driver: an InputError naming the limit and the fix', (driver, problem, fix) => {
    const error = inputErrorOf(() => planCaScope('all', CA, driver, [], [], DIR))
    expect(error.input).toBe('ca-cert-scope')
    expect(error.problem).toContain(problem)
    expect(error.fix).toContain(fix)
  })

  it("a node's own env.SSL_CERT_DIR: an InputError (Go reads one), for the first node or an appended one", () => {
    const first = inputErrorOf(() => planCaScope('all', CA, 'docker-container', ['env.SSL_CERT_DIR=/certs'], [], DIR))
    expect(first.input).toBe('driver-opts')
    expect(first.problem).toContain('the first node sets env.SSL_CERT_DIR')
    expect(first.fix).toContain('put those certificates in `ca-cert`')
    const appended = inputErrorOf(() =>
      planCaScope(
        'all',
        CA,
        'docker-container',
        [],
        [{ driverOpts: [] }, { name: 'arm', driverOpts: ['"env.SSL_CERT_DIR=/a"'] }],
        DIR
      )
    )
    expect(appended.input).toBe('append')
    expect(appended.problem).toContain('node 2 (arm) sets env.SSL_CERT_DIR')
  })

  it("keeps a node's own env.SSL_CERT_FILE (its bundle replaces the image's; our directory still adds), and says so", () => {
    const plan = planCaScope('all', CA, 'docker-container', ['env.SSL_CERT_FILE=/roots.pem'], [], DIR)
    expect(plan?.notes[1]).toBe(
      "ca-cert-scope: all: the first node keeps its env.SSL_CERT_FILE (its roots replace the image's bundle); the ca-cert CAs are added to them"
    )
    expect(plan?.driverOpt).toBe(SSL_CERT_DIR_OPT)
  })
})
