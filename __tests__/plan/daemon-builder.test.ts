import { parseHost } from '../../src/inputs/hosts.js'
import { DEFAULT_BUILDKITD_FLAGS, type Inputs } from '../../src/inputs/read-inputs.js'
import type { PlannedRegistry } from '../../src/model.js'
import { daemonBuilderReport } from '../../src/plan/daemon-builder.js'

// `driver: docker`: what the log says reaches the daemon's own builder, and what is warned of.

type DockerInputs = Pick<Inputs, 'config' | 'builder' | 'host'>

function inputs(overrides: {
  config?: Partial<DockerInputs['config']>
  builder?: Partial<DockerInputs['builder']>
  host?: Partial<DockerInputs['host']>
}): DockerInputs {
  return {
    config: { registries: [], mirrors: [], debug: false, ...overrides.config },
    builder: {
      name: 'default',
      driver: 'docker',
      driverOpts: [],
      buildkitdFlags: DEFAULT_BUILDKITD_FLAGS,
      endpoint: '',
      use: true,
      bootstrap: false,
      replace: true,
      cleanup: true,
      buildxVersion: '',
      cacheBinary: true,
      platforms: [],
      appendYaml: '',
      keepState: false,
      installAlias: false,
      ...overrides.builder
    },
    host: { installConfig: '', credentials: [], daemonTrust: 'certs', reclaim: true, ...overrides.host }
  }
}

function registry(text: string, mode: PlannedRegistry['mode'], withKeypair = false): PlannedRegistry {
  const transport = mode === 'mtls' ? 'tls' : mode
  const keypair = withKeypair ? { cert: 'CERT', key: 'KEY' } : undefined
  return {
    host: parseHost(text, 'registries', 1),
    transport,
    mode,
    source: 'registries',
    line: 1,
    written: [],
    ca: '',
    keypair
  }
}

describe('daemonBuilderReport', () => {
  it('says nothing is created, and how each registry reaches the daemon', () => {
    const { applies, cannot } = daemonBuilderReport(
      inputs({ host: { daemonTrust: 'certs' } }),
      [
        registry('tls.example.com', 'tls'),
        registry('mtls.example.com:5443', 'mtls', true),
        registry('localhost:5000', 'http'),
        registry('plain.example.com:5000', 'http')
      ],
      []
    )
    expect(applies).toEqual([
      "driver: docker: the builder is the Docker daemon's own (default, the current Docker context); nothing is created and post removes nothing.",
      "tls.example.com: TLS through the daemon's certs.d/tls.example.com/ (CA).",
      "mtls.example.com:5443: TLS through the daemon's certs.d/mtls.example.com:5443/ (CA and client keypair).",
      'localhost:5000: http: the daemon already treats loopback registries as insecure.',
      'plain.example.com:5000: http: needs insecure-registries, which only `trust-docker-daemon: restart` adds.'
    ])
    expect(cannot).toEqual([])
  })

  it('with `trust-docker-daemon: restart`, a registry without verified TLS goes to insecure-registries', () => {
    const { applies } = daemonBuilderReport(
      inputs({ host: { daemonTrust: 'restart' } }),
      [registry('reg.internal:5443', 'insecure')],
      []
    )
    expect(applies[1]).toBe('reg.internal:5443: insecure: through insecure-registries in daemon.json (reloaded).')
  })

  it('says credentials reach the builder through the client config', () => {
    const { applies } = daemonBuilderReport(
      inputs({ host: { credentials: [{ host: 'reg', username: 'u', password: 'p' }] } }),
      [],
      []
    )
    expect(applies).toContain('Credentials go to the Docker client config, which buildx hands to the daemon’s builder.')
  })

  it('warns once of every input that cannot reach the daemon’s builder, by name', () => {
    const { cannot } = daemonBuilderReport(
      inputs({
        config: {
          maxParallelism: 4,
          debug: true,
          baseConfig: { table: {}, input: 'config-inline' }
        },
        builder: {
          driverOpts: ['network=host'],
          buildkitdFlags: '--debug',
          platforms: ['linux/arm64'],
          endpoint: 'ctx'
        }
      }),
      [],
      [{ driverOpts: [] }]
    )
    expect(cannot).toEqual([
      "driver: docker: `max-parallelism`, `debug`, `config-inline`, `driver-opts`, `buildkitd-flags`, `platforms`, `endpoint`, `append` cannot apply: the daemon's builder takes no buildkitd.toml, flags, driver options, platforms or extra nodes (use driver: docker-container for them)."
    ])
  })

  it('does not warn of the default buildkitd flags, which the user did not set', () => {
    expect(daemonBuilderReport(inputs({}), [], []).cannot).toEqual([])
  })
})
