import { builderInputs } from '../helpers/inputs.js'
import { parse } from 'smol-toml'
import type { BuilderInputs, ConfigInputs, Inputs } from '../../src/inputs/read-inputs.js'
import { parseMirrors, parseRegistries } from '../../src/inputs/registries.js'
import { fileNameForHost } from '../../src/plan/config-plan.js'
import { planOf } from '../helpers/plan.js'

const DIR = '/runner/temp/setup-buildkit-registry-abc'
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n'
const OWN_CA = '-----BEGIN CERTIFICATE-----\nOWN\n-----END CERTIFICATE-----\n'
const KEYPAIR = {
  cert: '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n',
  key: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n'
}

type WithInputs = Partial<Omit<ConfigInputs, 'registries' | 'mirrors'>> &
  Partial<BuilderInputs> & { registries?: string; mirror?: string; ownCa?: string }

/** The stages of Inputs the plan reads, as readInputs returns them for a workflow with only `with` set. */
function inputs(withInputs: WithInputs = {}): Pick<Inputs, 'config' | 'builder' | 'host'> {
  const {
    registries = '',
    mirror = '',
    ownCa = '',
    caCert,
    caCertScope,
    clientKeypair,
    maxParallelism,
    debug = false,
    baseConfig,
    ...builder
  } = withInputs
  return {
    config: {
      registries: parseRegistries(registries).map(line => ({ ...line, ownCa: line.caPaths.length > 0 ? ownCa : '' })),
      mirrors: parseMirrors(mirror),
      caCert,
      caCertScope,
      clientKeypair,
      maxParallelism,
      debug,
      baseConfig
    },
    builder: builderInputs({ bootstrap: false, ...builder }),
    host: { installConfig: '', credentials: [], daemonTrust: 'off', reclaim: true }
  }
}

/** The TOML as BuildKit will read it. */
function config(withInputs: Parameters<typeof inputs>[0]): unknown {
  return parse(planOf(inputs(withInputs), DIR).toml)
}

describe('seed recipes: the buildkitd.toml BuildKit reads', () => {
  it('plain-HTTP registry', () => {
    expect(config({ registries: 'registry.local:5000 http' })).toEqual({
      registry: { 'registry.local:5000': { http: true } }
    })
  })

  it('self-signed CA from a secret, with http = false written explicitly', () => {
    expect(config({ registries: 'registry.example.com:5000', caCert: CA })).toEqual({
      registry: { 'registry.example.com:5000': { http: false, ca: [`${DIR}/certs/registry.example.com_5000/ca.pem`] } }
    })
  })

  it('mutual TLS: CA and client keypair', () => {
    expect(config({ registries: 'mtls.example.com', caCert: CA, clientKeypair: KEYPAIR })).toEqual({
      registry: {
        'mtls.example.com': {
          http: false,
          ca: [`${DIR}/certs/mtls.example.com/ca.pem`],
          keypair: [
            { key: `${DIR}/certs/mtls.example.com/client.key`, cert: `${DIR}/certs/mtls.example.com/client.cert` }
          ]
        }
      }
    })
  })

  it('insecure localhost registry', () => {
    expect(config({ registries: 'localhost:5000 insecure' })).toEqual({
      registry: { 'localhost:5000': { http: false, insecure: true } }
    })
  })

  it('Docker Hub mirror', () => {
    expect(config({ mirror: 'mirror.gcr.io' })).toEqual({
      registry: { 'mirror.gcr.io': { http: false }, 'docker.io': { mirrors: ['mirror.gcr.io'] } }
    })
  })

  it('max-parallelism for both workers', () => {
    expect(config({ maxParallelism: 4 })).toEqual({
      worker: { oci: { 'max-parallelism': 4 }, containerd: { 'max-parallelism': 4 } }
    })
  })

  it('debug', () => {
    expect(config({ debug: true })).toEqual({ debug: true })
  })
})

describe('buildPlan', () => {
  it('gives a listed mirror its own http/insecure/CA settings', () => {
    expect(
      config({ registries: 'mirror.local:5000 http', mirror: 'mirror.local:5000\nghcr.io=mirror.local:5000/ghcr' })
    ).toEqual({
      registry: {
        'mirror.local:5000': { http: true },
        'docker.io': { mirrors: ['mirror.local:5000'] },
        'ghcr.io': { mirrors: ['mirror.local:5000/ghcr'] }
      }
    })
  })

  it('adds mirrors to a registry that is also listed', () => {
    expect(config({ registries: 'ghcr.io', mirror: 'ghcr.io=m1:5000,m2:5000' })).toEqual({
      registry: {
        'ghcr.io': { http: false, mirrors: ['m1:5000', 'm2:5000'] },
        'm1:5000': { http: false },
        'm2:5000': { http: false }
      }
    })
  })

  it("writes ca-cert and a registry's own ca= into one file for that registry", () => {
    const plan = planOf(
      inputs({ registries: 'a.example.com ca=/x.pem\nb.example.com', caCert: CA, ownCa: OWN_CA }),
      DIR
    )
    const files = Object.fromEntries(plan.files.map(file => [file.path, file.content]))
    expect(files[`${DIR}/certs/a.example.com/ca.pem`]).toBe(CA + OWN_CA)
    expect(files[`${DIR}/certs/b.example.com/ca.pem`]).toBe(CA)
  })

  it('writes no certificate for HTTP registries and the key with mode 0600', () => {
    const plan = planOf(inputs({ registries: 'plain:5000 http\nsecure:5000', caCert: CA, clientKeypair: KEYPAIR }), DIR)
    expect(plan.files.map(file => [file.path.slice(DIR.length + 1), file.mode.toString(8)])).toEqual([
      ['buildkitd.toml', '644'],
      ['certs/secure_5000/ca.pem', '644'],
      ['certs/secure_5000/client.cert', '644'],
      ['certs/secure_5000/client.key', '600']
    ])
    expect(plan.registries.map(registry => [registry.host.text, registry.mode])).toEqual([
      ['plain:5000', 'http'],
      ['secure:5000', 'mtls']
    ])
  })

  it('holds paths, never certificate or key contents, in the TOML', () => {
    const { toml } = planOf(inputs({ registries: 'secure:5000', caCert: CA, clientKeypair: KEYPAIR }), DIR)
    expect(toml).not.toContain('BEGIN')
  })

  it('names certificate directories so that no host escapes certs/', () => {
    expect(fileNameForHost('[::1]:5000')).toBe('___1__5000')
    expect(fileNameForHost('registry.local:5000')).toBe('registry.local_5000')
  })

  it('merges into the base config; the inputs win and the key is reported', () => {
    const base = parse(
      'root = "/var/lib/buildkit"\n[registry."reg:5000"]\nhttp = false\nmirrors = ["keep:1"]\n[worker.oci]\nmax-parallelism = 2\ngc = true\n'
    )
    const plan = planOf(
      inputs({
        registries: 'reg:5000 http',
        maxParallelism: 8,
        baseConfig: { table: base, input: 'buildkitd-config-inline' }
      }),
      DIR
    )
    expect(parse(plan.toml)).toEqual({
      root: '/var/lib/buildkit',
      registry: { 'reg:5000': { http: true, mirrors: ['keep:1'] } },
      worker: { oci: { 'max-parallelism': 8, gc: true }, containerd: { 'max-parallelism': 8 } }
    })
    expect(plan.overridden).toEqual(['worker.oci.max-parallelism', 'registry."reg:5000".http'])
  })
})

describe('buildx create arguments', () => {
  it('passes name, driver, config, options, flags, bootstrap, use and endpoint', () => {
    const plan = planOf(
      inputs({
        registries: 'reg.example.com',
        driver: 'kubernetes',
        driverOpts: ['namespace=ci', 'rootless=true'],
        buildkitdFlags: '--debug',
        bootstrap: true,
        endpoint: 'kube-ctx'
      }),
      DIR
    )
    expect(plan.create?.args).toEqual([
      'create',
      '--name',
      'builder-1',
      '--driver',
      'kubernetes',
      '--config',
      `${DIR}/buildkitd.toml`,
      '--driver-opt',
      'namespace=ci',
      '--driver-opt',
      'rootless=true',
      '--buildkitd-flags',
      // rootless: where buildx mounts the config (see setup-buildx-compat.test.ts).
      '--debug --config /etc/buildkit/buildkitd.toml',
      '--bootstrap',
      '--use',
      'kube-ctx'
    ])
  })

  it('the default context over TLS: the builder runs on a context of the job’s own, named for the job', () => {
    const plan = planOf(inputs({ registries: 'reg.internal:5443' }), DIR, [], { defaultContextTls: true })
    expect(plan.topology.context).toBe('setup-buildkit-registry-abc')
    expect(plan.create?.args.at(-1)).toBe('setup-buildkit-registry-abc')
    expect(plan.notes.join('\n')).toContain("runs on a context of the job's own, setup-buildkit-registry-abc")
  })

  it.each([
    ['an endpoint is given', { endpoint: 'my-context' }],
    ['the driver is not docker-container', { driver: 'kubernetes' }]
  ])('no context of its own when %s: the endpoint is the user’s', (_why, extra) => {
    const plan = planOf(inputs(extra), DIR, [], { defaultContextTls: true })
    expect(plan.topology.context).toBe(undefined)
    expect(plan.create?.args).not.toContain('setup-buildkit-registry-abc')
  })

  it('adds network=host when a registry is on loopback, and says why', () => {
    const plan = planOf(inputs({ registries: 'localhost:5000 http' }), DIR)
    expect(plan.create!.args).toEqual(expect.arrayContaining(['--driver-opt', 'network=host']))
    expect(plan.notes.join('\n')).toContain("localhost:5000 is on this machine's loopback")
  })

  it('adds network=host for a loopback mirror too', () => {
    expect(planOf(inputs({ mirror: '127.0.0.1:5000' }), DIR).create?.args).toContain('network=host')
  })

  it.each([
    ['the user set network=', { driverOpts: ['network=builders'] }, ['network=builders']],
    ['the driver is not docker-container', { driver: 'kubernetes' }, []]
  ])('leaves the network alone when %s', (_why, extra, driverOpts) => {
    const plan = planOf(inputs({ registries: 'localhost:5000 http', ...extra }), DIR)
    expect(plan.create!.args.filter((_arg, index) => plan.create!.args[index - 1] === '--driver-opt')).toEqual(
      driverOpts
    )
    expect(plan.notes).toEqual([])
  })

  it('passes neither config nor buildkitd flags to the remote driver, and says where the config is', () => {
    const plan = planOf(
      inputs({ driver: 'remote', buildkitdFlags: '--debug', endpoint: 'tcp://buildkitd:1234', use: false }),
      DIR
    )
    expect(plan.create?.args).toEqual(['create', '--name', 'builder-1', '--driver', 'remote', 'tcp://buildkitd:1234'])
    expect(plan.notes.join('\n')).toContain(`start your buildkitd with \`--config ${DIR}/buildkitd.toml\``)
  })

  it("writes the remote endpoint's TLS files and passes them as driver options", () => {
    const plan = planOf(
      inputs({ driver: 'remote', endpoint: 'tcp://buildkitd:1234', endpointTls: { ca: CA, keypair: KEYPAIR } }),
      DIR
    )
    expect(plan.create!.args).toEqual(
      expect.arrayContaining([
        '--driver-opt',
        `cacert=${DIR}/endpoint/ca.pem`,
        '--driver-opt',
        `cert=${DIR}/endpoint/cert.pem`,
        '--driver-opt',
        `key=${DIR}/endpoint/key.pem`
      ])
    )
    expect(plan.files.find(file => file.path === `${DIR}/endpoint/key.pem`)).toEqual({
      path: `${DIR}/endpoint/key.pem`,
      content: KEYPAIR.key,
      mode: 0o600
    })
  })
})

describe('the runner proxy', () => {
  const proxyEnv = { HTTPS_PROXY: 'http://user:secret@127.0.0.1:3128', NO_PROXY: '172.17.0.1' }

  it('gives the builder the proxy variables, and the host network for a loopback proxy, saying why', () => {
    const plan = planOf(inputs({ registries: 'reg.proxy.test:5000', proxyEnv }), DIR)
    expect(plan.create?.args).toEqual(
      expect.arrayContaining([
        '--driver-opt',
        'env.HTTPS_PROXY=http://user:secret@127.0.0.1:3128',
        '--driver-opt',
        'env.NO_PROXY=172.17.0.1',
        '--driver-opt',
        'network=host'
      ])
    )
    const notes = plan.notes.join('\n')
    expect(notes).toContain("HTTPS_PROXY=http://***@127.0.0.1:3128 is on this machine's loopback")
    expect(notes).not.toContain('secret')
    expect(plan.registries[0].proxyEnv).toEqual({ builder: proxyEnv, runner: proxyEnv })
  })

  it('a proxy elsewhere needs no host network', () => {
    const plan = planOf(
      inputs({ registries: 'reg.corp:5000', proxyEnv: { HTTPS_PROXY: 'http://proxy.corp:3128' } }),
      DIR
    )
    expect(plan.create?.args).toContain('env.HTTPS_PROXY=http://proxy.corp:3128')
    expect(plan.create?.args).not.toContain('network=host')
  })

  it('appended nodes get the proxy variables too', () => {
    const plan = planOf(inputs({ proxyEnv: { HTTP_PROXY: 'http://proxy.corp:3128' } }), DIR, [
      { name: 'second', driverOpts: [], endpoint: 'unix:///var/run/docker.sock' }
    ])
    expect(plan.create?.appendArgs[0]).toEqual(
      expect.arrayContaining(['--driver-opt', 'env.HTTP_PROXY=http://proxy.corp:3128'])
    )
  })
})

describe('ca-cert-scope: all', () => {
  it('adds the carrier section and its CA file beside the registries, and SSL_CERT_DIR to every node', () => {
    const plan = planOf(
      inputs({ registries: 'reg.corp:5000', mirror: 'mirror.corp', caCert: CA, caCertScope: 'all' }),
      DIR,
      [{ name: 'second', driverOpts: [], endpoint: 'unix:///var/run/docker.sock' }]
    )
    // The registries and the mirror keep their own sections; the carrier is one more.
    expect(parse(plan.toml)).toEqual({
      registry: {
        'reg.corp:5000': { http: false, ca: [`${DIR}/certs/reg.corp_5000/ca.pem`] },
        'mirror.corp': { http: false, ca: [`${DIR}/certs/mirror.corp/ca.pem`] },
        'docker.io': { mirrors: ['mirror.corp'] },
        'ca-cert-scope.invalid': { ca: [`${DIR}/ca-cert-scope/ca.pem`] }
      }
    })
    expect(plan.files).toContainEqual({ path: `${DIR}/ca-cert-scope/ca.pem`, content: CA, mode: 0o644 })
    // Not a registry: preflight and the summary never see it.
    expect(plan.registries.map(registry => registry.host.text)).toEqual(['reg.corp:5000', 'mirror.corp'])
    const sslCertDir = 'env.SSL_CERT_DIR=/etc/buildkit/certs/ca-cert-scope.invalid:/etc/ssl/certs:/etc/pki/tls/certs'
    expect(plan.create?.args).toEqual(expect.arrayContaining(['--driver-opt', sslCertDir]))
    expect(plan.create?.appendArgs[0]).toEqual(expect.arrayContaining(['--driver-opt', sslCertDir]))
    expect(plan.notes.join('\n')).toContain("ca-cert-scope: all: the ca-cert CAs join the builder's system roots")
  })

  it('keeps a docker.io section of the base config as it is', () => {
    const base = parse('[registry."docker.io"]\nmirrors = ["m.corp"]\n')
    const plan = planOf(
      inputs({
        caCert: CA,
        caCertScope: 'all',
        baseConfig: { input: 'buildkitd-config', table: base, missingFiles: [] }
      }),
      DIR
    )
    expect(parse(plan.toml)).toEqual({
      registry: {
        'docker.io': { mirrors: ['m.corp'] },
        'ca-cert-scope.invalid': { ca: [`${DIR}/ca-cert-scope/ca.pem`] }
      }
    })
    expect(plan.overridden).toEqual([])
  })

  it('later steps trust ca-cert too (buildx fetches the tokens of unlisted registries on the runner), with no TLS registry listed', () => {
    const roots = { path: '/etc/ssl/certs/ca-certificates.crt', pem: 'ROOTS\n' }
    const plan = planOf(inputs({ registries: 'reg.corp:5000 http', caCert: CA, caCertScope: 'all' }), DIR, [], {
      runnerRoots: roots
    })
    expect(plan.clientTrust).toMatchObject({ extraCas: CA, bundle: `ROOTS\n${CA}`, everywhere: true })
    const narrow = planOf(inputs({ registries: 'reg.corp:5000 http', caCert: CA }), DIR, [], { runnerRoots: roots })
    expect(narrow.clientTrust).toBeUndefined()
  })

  it('the default scope adds nothing', () => {
    const plan = planOf(inputs({ registries: 'reg.corp:5000', caCert: CA }), DIR)
    expect(plan.toml).not.toContain('ca-cert-scope')
    expect(plan.create?.args.join(' ')).not.toContain('SSL_CERT_DIR')
  })
})
