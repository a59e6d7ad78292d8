import { builderInputs } from '../helpers/inputs.js'
import { DEFAULT_BUILDKITD_FLAGS, type BuilderInputs } from '../../src/inputs/read-inputs.js'
import { parseHost } from '../../src/inputs/hosts.js'
import { buildxCreateArgs } from '../../src/plan/create-args.js'
import { planBuilderProxy } from '../../src/topology/builder-proxy.js'
import { builderNetwork } from '../../src/topology/topology.js'

// The arguments of the common cases are tested through the plan (plan.test.ts) and against
// docker/setup-buildx-action's own tables (setup-buildx-compat.test.ts); these are the decisions
// those do not reach.

const CONFIG = '/runner/temp/job/buildkitd.toml'

/** A builder as the inputs give it, with the default buildkitd flags and `use: false`, `bootstrap: false`. */
const builder = (overrides: Partial<BuilderInputs> = {}): BuilderInputs =>
  builderInputs({ buildkitdFlags: DEFAULT_BUILDKITD_FLAGS, use: false, bootstrap: false, ...overrides })

const hosts = (...texts: string[]) => texts.map(text => parseHost(text, 'registries', 1))
const valueOf = (args: string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined)

describe('buildxCreateArgs', () => {
  it('creates nothing for the docker driver, whose builder the daemon already has', () => {
    const choice = builderNetwork(builder(), hosts('localhost:5000'), {})
    expect(buildxCreateArgs(builder({ driver: 'docker' }), CONFIG, [], [], choice)).toEqual({ notes: [] })
  })

  it('adds the network the runner’s topology needs, with its one note naming every loopback registry', () => {
    const choice = builderNetwork(builder(), hosts('localhost:5000', 'reg.example.com', '127.0.0.1:5001'), {})
    const { create, notes } = buildxCreateArgs(builder(), CONFIG, [], [], choice)
    expect(valueOf(create!.args, '--driver-opt')).toBe('network=host')
    expect(notes).toEqual([
      "localhost:5000, 127.0.0.1:5001 are on this machine's loopback, which a builder container cannot reach on its own network: adding --driver-opt network=host (set `network=` in `driver-opts` to choose otherwise)"
    ])
  })

  it('a proxy on loopback needs the host network too; the proxy variables go to every node', () => {
    const proxied = builder({ proxyEnv: { HTTPS_PROXY: 'http://127.0.0.1:3128' } })
    const proxy = planBuilderProxy('docker-container', [], { HTTPS_PROXY: 'http://127.0.0.1:3128' })
    const choice = builderNetwork(proxied, [], {}, undefined, proxy.loopback)
    const { create } = buildxCreateArgs(proxied, CONFIG, [], [{ name: 'two', driverOpts: [] }], choice, proxy)
    for (const args of [create!.args, create!.appendArgs[0]])
      expect(args.filter((_arg, index) => args[index - 1] === '--driver-opt')).toEqual([
        'env.HTTPS_PROXY=http://127.0.0.1:3128',
        'network=host'
      ])
  })

  it('gives a driver other than docker-container, docker or kubernetes buildkitd flags only when the user set them', () => {
    const defaults = buildxCreateArgs(builder({ driver: 'cloud', endpoint: 'org/builder' }), CONFIG, [])
    expect(defaults.create!.args).not.toContain('--buildkitd-flags')
    const own = buildxCreateArgs(builder({ driver: 'cloud', buildkitdFlags: '--debug' }), CONFIG, [])
    expect(valueOf(own.create!.args, '--buildkitd-flags')).toBe('--debug')
  })

  it('passes the remote endpoint TLS options after the user’s driver options', () => {
    const { create } = buildxCreateArgs(
      builder({ driver: 'remote', driverOpts: ['servername=bk'], endpoint: 'tcp://bk:1234' }),
      CONFIG,
      ['cacert=/job/endpoint/ca.pem']
    )
    expect(create!.args).toEqual([
      'create',
      '--name',
      'builder-1',
      '--driver',
      'remote',
      '--driver-opt',
      'servername=bk',
      '--driver-opt',
      'cacert=/job/endpoint/ca.pem',
      'tcp://bk:1234'
    ])
  })

  it('with append nodes: the last node boots the builder, and each node falls back to the builder’s flags', () => {
    const { create } = buildxCreateArgs(
      builder({ bootstrap: true, buildkitdFlags: '--debug' }),
      CONFIG,
      [],
      [
        { name: 'two', driverOpts: [] },
        { name: 'three', driverOpts: [], buildkitdFlags: '--oci-worker-gc=false' }
      ]
    )
    expect(create!.args).not.toContain('--bootstrap')
    expect(create!.appendArgs.map(args => args.includes('--bootstrap'))).toEqual([false, true])
    expect(create!.appendArgs.map(args => valueOf(args, '--buildkitd-flags'))).toEqual([
      '--debug',
      '--oci-worker-gc=false'
    ])
  })

  it('remote append nodes get no config and no flags, as buildx refuses both for that driver', () => {
    const { create } = buildxCreateArgs(
      builder({ driver: 'remote', endpoint: 'tcp://a:1' }),
      CONFIG,
      [],
      [{ endpoint: 'tcp://b:1', driverOpts: [], buildkitdFlags: '--debug' }]
    )
    expect(create!.appendArgs).toEqual([['create', '--name', 'builder-1', '--append', 'tcp://b:1']])
  })

  it('notes the rootless kubernetes --config once, however many nodes need it', () => {
    const { create, notes } = buildxCreateArgs(
      builder({ driver: 'kubernetes', driverOpts: ['rootless=true'] }),
      CONFIG,
      [],
      [{ name: 'arm', driverOpts: ['rootless=true'] }]
    )
    expect(valueOf(create!.appendArgs[0], '--buildkitd-flags')).toBe(
      `${DEFAULT_BUILDKITD_FLAGS} --config /etc/buildkit/buildkitd.toml`
    )
    expect(notes.filter(note => note.startsWith('rootless=true'))).toHaveLength(1)
  })
})
