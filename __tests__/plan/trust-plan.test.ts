import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import { planTrust } from '../../src/plan/trust-plan.js'

const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n'

function registry(text: string, source: PlannedRegistry['source']): PlannedRegistry {
  return {
    host: parseHost(text, 'registries', 1),
    transport: 'tls',
    mode: 'tls',
    source,
    line: 1,
    written: ['http', 'ca'],
    ca: CA
  }
}

describe('planTrust: the client’s and the daemon’s trust', () => {
  const registries = [registry('reg.internal:5443', 'registries'), registry('daemon.lan:5000', 'docker-daemon')]
  const host = (daemonTrust: 'off' | 'certs') => ({ installConfig: '', credentials: [], daemonTrust })

  it('a token trust per registry, a CA bundle for later steps; no daemon trust when it is off', () => {
    const trust = planTrust({ host: host('off') }, registries, '/job', 'job', undefined, '')
    expect([...trust.tokenTrust.keys()]).toEqual(['reg.internal:5443', 'daemon.lan:5000'])
    expect(trust.clientTrust?.caHosts).toEqual(['reg.internal:5443', 'daemon.lan:5000'])
    expect(trust.daemonTrust).toBe(undefined)
  })

  it('the daemon gets what it does not trust already: not the registries taken from it', () => {
    const trust = planTrust({ host: host('certs') }, registries, '/job', 'job', undefined, '')
    expect(JSON.stringify(trust.daemonTrust)).toContain('reg.internal:5443')
    expect(JSON.stringify(trust.daemonTrust)).not.toContain('daemon.lan')
  })
})
