import { parse } from 'smol-toml'
import type { ConfigInputs } from '../../src/inputs/read-inputs.js'
import { parseMirrors, parseRegistries } from '../../src/inputs/registries.js'
import type { DockerTrustFacts } from '../../src/model.js'
import { importDockerTrust, parseMirrorUrl } from '../../src/plan/docker-trust-import.js'
import { planOf } from '../helpers/plan.js'
import { builderInputs } from '../helpers/inputs.js'

const DIR = '/runner/temp/setup-buildkit-registry-abc'
const CA = '-----BEGIN CERTIFICATE-----\nDAEMON-CA\n-----END CERTIFICATE-----\n'
const KEYPAIR = {
  cert: '-----BEGIN CERTIFICATE-----\nDAEMON-CLIENT\n-----END CERTIFICATE-----\n',
  key: '-----BEGIN PRIVATE KEY-----\nDAEMON-KEY\n-----END PRIVATE KEY-----\n'
}

function config(registries = '', mirror = ''): ConfigInputs {
  return {
    registries: parseRegistries(registries).map(line => ({ ...line, ownCa: '' })),
    mirrors: parseMirrors(mirror),
    debug: false,
    importDockerTrust: true
  }
}

function facts(overrides: Partial<DockerTrustFacts> = {}): DockerTrustFacts {
  return { certsD: [], insecure: [], mirrors: [], notImported: [], notes: [], ...overrides }
}

const certsD = { host: 'mtls.lan:5443', dir: '/etc/docker/certs.d/mtls.lan:5443', ca: CA, keypair: KEYPAIR }

describe('importDockerTrust', () => {
  it('certs.d, insecure-registries and registry-mirrors become registries, each said where it came from', () => {
    const result = importDockerTrust(
      config(),
      facts({
        certsD: [certsD],
        insecure: [
          { host: 'plain.lan:5000', transport: 'http' },
          { host: 'selfsigned.lan:5001', transport: 'insecure' }
        ],
        mirrors: ['https://mirror.lan/']
      })
    )
    expect(result.endpoints).toEqual([
      {
        host: { text: 'mtls.lan:5443', hostname: 'mtls.lan', port: 5443 },
        transport: 'tls',
        ownCa: CA,
        ownKeypair: KEYPAIR,
        daemonOrigin: '/etc/docker/certs.d/mtls.lan:5443',
        mirrorOnly: false
      },
      expect.objectContaining({ host: expect.objectContaining({ text: 'plain.lan:5000' }), transport: 'http' }),
      expect.objectContaining({
        host: expect.objectContaining({ text: 'selfsigned.lan:5001' }),
        transport: 'insecure'
      }),
      expect.objectContaining({
        host: expect.objectContaining({ text: 'mirror.lan' }),
        transport: 'tls',
        daemonOrigin: 'registry-mirrors',
        mirrorOnly: true
      })
    ])
    expect(result.hubMirrors).toEqual([{ host: expect.objectContaining({ text: 'mirror.lan' }), path: '' }])
    expect(result.imported).toEqual([
      'mtls.lan:5443 → TLS, its CA, its client keypair (from /etc/docker/certs.d/mtls.lan:5443)',
      'plain.lan:5000 → plain HTTP (from insecure-registries)',
      'selfsigned.lan:5001 → TLS without verification (insecure) (from insecure-registries)',
      'mirror.lan → TLS, a Docker Hub mirror (from registry-mirrors)'
    ])
  })

  it('the inputs win where both name a host, with a note; the rest is still imported', () => {
    const result = importDockerTrust(
      config('mtls.lan:5443 insecure', 'docker.io=hub-mirror.lan:5000'),
      facts({
        certsD: [certsD],
        insecure: [{ host: 'hub-mirror.lan:5000', transport: 'http' }],
        mirrors: ['http://other.lan/']
      })
    )
    expect(result.endpoints).toEqual([])
    expect(result.hubMirrors).toEqual([])
    expect(result.notes).toEqual([
      "import-docker-trust: line 1 of `mirror` names Docker Hub's mirrors, so the Docker daemon's registry-mirrors (http://other.lan/) are not added.",
      "import-docker-trust: mtls.lan:5443 is also in the Docker daemon's /etc/docker/certs.d/mtls.lan:5443; line 1 of `registries` wins.",
      "import-docker-trust: hub-mirror.lan:5000 is also in the Docker daemon's insecure-registries; line 1 of `mirror` wins."
    ])
  })

  it('an http:// mirror is a plain-HTTP registry; one in insecure-registries keeps what the registry answered', () => {
    const result = importDockerTrust(
      config(),
      facts({
        insecure: [{ host: 'cache.lan:5000', transport: 'insecure' }],
        mirrors: ['http://plain-mirror.lan:5000/', 'https://cache.lan:5000/proxy/']
      })
    )
    expect(result.endpoints.map(e => [e.host.text, e.transport, e.mirrorOnly, e.daemonOrigin])).toEqual([
      ['cache.lan:5000', 'insecure', false, 'insecure-registries and registry-mirrors'],
      ['plain-mirror.lan:5000', 'http', true, 'registry-mirrors']
    ])
    expect(result.hubMirrors.map(m => m.host.text + m.path)).toEqual(['plain-mirror.lan:5000', 'cache.lan:5000/proxy'])
  })

  it('what cannot be imported is reported with the reason: an unreachable host, certs.d of an insecure host, a bad name', () => {
    const result = importDockerTrust(
      config(),
      facts({
        certsD: [
          { ...certsD, host: 'both.lan:5000', dir: '/etc/docker/certs.d/both.lan:5000' },
          { ...certsD, host: 'not_a_host', dir: '/etc/docker/certs.d/not_a_host' }
        ],
        insecure: [
          { host: 'both.lan:5000', transport: 'insecure' },
          {
            host: 'gone.lan:5000',
            unreachable: 'neither HTTPS nor HTTP answered GET /v2/ (HTTPS: ECONNREFUSED; HTTP: ECONNREFUSED)'
          }
        ],
        notImported: [{ what: '10.0.0.0/8 in insecure-registries', reason: 'a range of addresses' }]
      })
    )
    expect(result.endpoints.map(e => e.host.text)).toEqual(['both.lan:5000'])
    expect(result.notImported).toEqual([
      { what: '10.0.0.0/8 in insecure-registries', reason: 'a range of addresses' },
      {
        what: '/etc/docker/certs.d/not_a_host',
        reason: expect.stringContaining('not a registry address BuildKit takes')
      },
      {
        what: '/etc/docker/certs.d/both.lan:5000',
        reason: 'both.lan:5000 is in insecure-registries, for which the daemon does not read certs.d'
      },
      {
        what: 'gone.lan:5000 in insecure-registries',
        reason:
          'neither HTTPS nor HTTP answered GET /v2/ (HTTPS: ECONNREFUSED; HTTP: ECONNREFUSED); list it in `registries` with `http` or `insecure`'
      }
    ])
  })
})

describe('parseMirrorUrl', () => {
  it('takes the host and a path, as BuildKit mirrors them', () => {
    expect(parseMirrorUrl('https://harbor.lan/dockerhub-proxy/')).toEqual({
      authority: 'harbor.lan',
      path: '/dockerhub-proxy',
      http: false
    })
    expect(parseMirrorUrl('http://[::1]:5000/')).toEqual({ authority: '[::1]:5000', path: '', http: true })
    expect(parseMirrorUrl('ftp://x/')).toEqual({ reason: 'neither http:// nor https://' })
  })
})

describe('buildPlan with the daemon trust', () => {
  const plan = planOf(
    {
      config: config('listed.lan:5000 http'),
      builder: builderInputs({ bootstrap: false }),
      host: { installConfig: '', credentials: [], daemonTrust: 'certs', reclaim: true }
    },
    DIR,
    [],
    { dockerTrust: facts({ certsD: [certsD], mirrors: ['http://mirror.lan:5000/'], notes: ['implicit ranges'] }) }
  )

  it('writes the imported registries into buildkitd.toml, with their CA and keypair as files, the key private', () => {
    expect(parse(plan.toml)).toEqual({
      registry: {
        'listed.lan:5000': { http: true },
        'mtls.lan:5443': {
          http: false,
          ca: [`${DIR}/certs/mtls.lan_5443/ca.pem`],
          keypair: [{ key: `${DIR}/certs/mtls.lan_5443/client.key`, cert: `${DIR}/certs/mtls.lan_5443/client.cert` }]
        },
        'mirror.lan:5000': { http: true },
        'docker.io': { mirrors: ['mirror.lan:5000'] }
      }
    })
    expect(plan.files.find(file => file.path.endsWith('mtls.lan_5443/client.key'))).toMatchObject({
      content: KEYPAIR.key,
      mode: 0o600
    })
  })

  it('imported registries are planned registries preflight checks, told apart by source; trust-docker-daemon does not write them back', () => {
    expect(plan.registries.map(r => [r.host.text, r.source, r.mode, r.mirrorOnly ?? false])).toEqual([
      ['listed.lan:5000', 'registries', 'http', false],
      ['mtls.lan:5443', 'docker-daemon', 'mtls', false],
      ['mirror.lan:5000', 'docker-daemon', 'http', true]
    ])
    expect(plan.daemonTrust?.certsD).toEqual([])
    expect(plan.notes).toContain('implicit ranges')
    expect(plan.dockerTrustImport?.imported).toHaveLength(2)
  })

  it('driver: docker: a note says why nothing is imported', () => {
    const daemonPlan = planOf(
      {
        config: config(),
        builder: builderInputs({ driver: 'docker', bootstrap: false }),
        host: { installConfig: '', credentials: [], daemonTrust: 'off', reclaim: true }
      },
      DIR
    )
    expect(daemonPlan.notes.join('\n')).toContain('import-docker-trust has nothing to do with `driver: docker`')
  })
})
