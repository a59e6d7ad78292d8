import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import { daemonPaths } from '../../src/paths.js'
import { planDaemonTrust, withTokenRealms } from '../../src/plan/daemon-trust.js'

const KEYPAIR = { cert: 'CERT', key: 'KEY' }

function registry(
  host: string,
  transport: PlannedRegistry['transport'],
  extra: Partial<PlannedRegistry> = {}
): PlannedRegistry {
  return {
    host: parseHost(host, 'registries', 1),
    transport,
    mode: transport,
    source: 'registries',
    line: 1,
    written: [],
    ca: '',
    ...extra
  }
}

describe('Docker daemon trust', () => {
  it('writes the CA as .crt and the keypair as .cert/.key under certs.d/HOST:PORT, named for the job', () => {
    const plan = planDaemonTrust(
      'certs',
      [
        registry('reg.internal:5443', 'tls', { ca: 'CA', keypair: KEYPAIR }),
        registry('plain.internal:5000', 'http'),
        registry('public.example.com', 'tls')
      ],
      'job1'
    )
    // Relative to the daemon's certs.d, which only the daemon can tell (rootful or rootless).
    expect(plan.certsD).toEqual([
      { path: 'reg.internal:5443/job1.crt', content: 'CA', mode: 0o644 },
      { path: 'reg.internal:5443/job1.cert', content: 'CERT', mode: 0o644 },
      { path: 'reg.internal:5443/job1.key', content: 'KEY', mode: 0o600 }
    ])
  })

  it('lists HTTP and insecure registries for insecure-registries, but not loopback ones, which dockerd already allows', () => {
    const plan = planDaemonTrust(
      'restart',
      [
        registry('plain.internal:5000', 'http'),
        registry('lab.internal', 'insecure'),
        registry('localhost:5000', 'http'),
        registry('reg.internal', 'tls')
      ],
      'job1'
    )
    expect(plan).toEqual({ mode: 'restart', certsD: [], insecureHosts: ['plain.internal:5000', 'lab.internal'] })
  })

  it('token realms on another host:port: certs.d files with the CA and keypair of the registry that named them, each once', () => {
    const registries = [
      registry('registry.internal', 'tls', { ca: 'CA_A', keypair: KEYPAIR }),
      registry('other.internal:5000', 'tls', { ca: 'CA_B' }),
      registry('plain.internal:5000', 'http')
    ]
    const fetched = (url: string) => ({ url, fetched: true })
    const { trust, refused } = withTokenRealms(
      planDaemonTrust('certs', registries, 'job1'),
      registries,
      [
        { host: 'registry.internal', tokenRealm: fetched('https://gitlab.internal/jwt/auth') },
        { host: 'other.internal:5000', tokenRealm: fetched('https://gitlab.internal/jwt/auth') },
        // On the registry's own host:port: already trusted.
        { host: 'other.internal:5000', tokenRealm: fetched('https://other.internal:5000/token') },
        // Named by a plain-HTTP registry, or over plain HTTP: no TLS to trust.
        { host: 'plain.internal:5000', tokenRealm: fetched('https://auth.internal:8443/token') },
        { host: 'registry.internal', tokenRealm: fetched('http://auth.internal/token') }
      ],
      'job1'
    )
    expect(trust.certsD.map(file => `${file.path} ${file.content}`)).toEqual([
      'registry.internal/job1.crt CA_A',
      'registry.internal/job1.cert CERT',
      'registry.internal/job1.key KEY',
      'other.internal:5000/job1.crt CA_B',
      'gitlab.internal/job1.crt CA_A',
      'gitlab.internal/job1.cert CERT',
      'gitlab.internal/job1.key KEY'
    ])
    expect(refused).toEqual([])
  })

  it('a realm that gave no token is not trusted; one whose host does not parse as an input host is refused, shown neutralized', () => {
    const registries = [registry('registry.internal', 'tls', { ca: 'CA_A', keypair: KEYPAIR })]
    const { trust, refused } = withTokenRealms(
      planDaemonTrust('certs', registries, 'job1'),
      registries,
      [
        { host: 'registry.internal', tokenRealm: { url: 'https://auth.internal/token', fetched: false } },
        { host: 'registry.internal', tokenRealm: { url: 'https://../token', fetched: true } },
        { host: 'registry.internal', tokenRealm: { url: 'https://%2e%2e:443/token', fetched: true } },
        { host: 'registry.internal', tokenRealm: { url: 'https://a_b.internal/token', fetched: true } },
        { host: 'registry.internal', tokenRealm: { url: 'not a url\n::error::forged', fetched: true } }
      ],
      'job1'
    )
    expect(trust.certsD.map(file => file.path)).toEqual([
      'registry.internal/job1.crt',
      'registry.internal/job1.cert',
      'registry.internal/job1.key'
    ])
    expect(refused).toEqual([
      "registry.internal names the token realm https://../token, whose host is not one the Docker daemon can be given ('..' is not a valid host name or address): it is left out of the daemon's trust",
      "registry.internal names the token realm https://%2e%2e:443/token, whose host is not one the Docker daemon can be given ('..' is not a valid host name or address): it is left out of the daemon's trust",
      "registry.internal names the token realm https://a_b.internal/token, whose host is not one the Docker daemon can be given ('a_b.internal' is not a valid host name or address): it is left out of the daemon's trust",
      "registry.internal names the token realm not a url\\n:\u200b:error::forged, whose host is not one the Docker daemon can be given (it is not a URL): it is left out of the daemon's trust"
    ])
  })

  it("uses the rootless daemon's own directories", () => {
    expect(daemonPaths(true, { XDG_CONFIG_HOME: '/home/ci/.config', XDG_RUNTIME_DIR: '/run/user/1001' })).toEqual({
      rootless: true,
      certsDir: '/home/ci/.config/docker/certs.d',
      daemonJson: '/home/ci/.config/docker/daemon.json',
      pidFile: '/run/user/1001/docker.pid'
    })
    expect(daemonPaths(false, {}).certsDir).toBe('/etc/docker/certs.d')
  })
})
