import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import { daemonPaths } from '../../src/paths.js'
import { certsDFiles, hostsNeedingInsecure } from '../../src/plan/daemon-trust.js'

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
    const files = certsDFiles(
      [
        registry('reg.internal:5443', 'tls', { ca: 'CA', keypair: KEYPAIR }),
        registry('plain.internal:5000', 'http'),
        registry('public.example.com', 'tls')
      ],
      '/etc/docker/certs.d',
      'job1'
    )
    expect(files).toEqual([
      { path: '/etc/docker/certs.d/reg.internal:5443/job1.crt', content: 'CA', mode: 0o644 },
      { path: '/etc/docker/certs.d/reg.internal:5443/job1.cert', content: 'CERT', mode: 0o644 },
      { path: '/etc/docker/certs.d/reg.internal:5443/job1.key', content: 'KEY', mode: 0o600 }
    ])
  })

  it('lists HTTP and insecure registries for insecure-registries, but not loopback ones, which dockerd already allows', () => {
    expect(
      hostsNeedingInsecure([
        registry('plain.internal:5000', 'http'),
        registry('lab.internal', 'insecure'),
        registry('localhost:5000', 'http'),
        registry('reg.internal', 'tls')
      ])
    ).toEqual(['plain.internal:5000', 'lab.internal'])
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
