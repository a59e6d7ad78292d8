import { builderInputs } from '../helpers/inputs.js'
import type { BuilderInputs } from '../../src/inputs/read-inputs.js'
import { parseHost } from '../../src/inputs/hosts.js'
import { parseRegistries } from '../../src/inputs/registries.js'
import type { JobContainer } from '../../src/topology/facts.js'
import { factsOf, planOf, type RunnerFacts } from '../helpers/plan.js'
import { planBuilderProxy } from '../../src/topology/builder-proxy.js'
import { builderNetwork, deriveTopology } from '../../src/topology/topology.js'

const JOB: JobContainer = {
  id: 'e'.repeat(64),
  name: 'job-7',
  networkMode: 'github_network_9',
  networks: ['github_network_9'],
  binds: []
}
const LAN = { name: 'reg.lan.test', addresses: ['10.1.2.3'] }
const LOOP = { name: 'loop.lan.test', addresses: ['127.0.0.1'] }

/** A builder as the inputs give it. */
const builder = builderInputs

const hosts = (...texts: string[]) => texts.map((text, index) => parseHost(text, 'registries', index + 1))

describe("the builder's network, from the runner's topology", () => {
  it('a name from the hosts file: the host network, saying which name and address', () => {
    const choice = builderNetwork(builder(), hosts('reg.lan.test:5000'), { hostsFile: [LAN] })
    expect(choice?.network).toBe('host')
    expect(choice?.note).toBe(
      'reg.lan.test (10.1.2.3) resolves on this runner from /etc/hosts, which a builder container on its own network does not read: adding --driver-opt network=host (set `network=` in `driver-opts` to choose otherwise)'
    )
  })

  it('a loopback name and a hosts-file name to 127.0.0.1: one note with both reasons; localhost is said once', () => {
    const choice = builderNetwork(builder(), hosts('localhost:5000', 'loop.lan.test:5000'), {
      hostsFile: [{ name: 'localhost', addresses: ['127.0.0.1'] }, LOOP]
    })
    expect(choice?.note).toContain("localhost:5000 is on this machine's loopback")
    expect(choice?.note).toContain('loop.lan.test (127.0.0.1) resolves on this runner from /etc/hosts')
    expect(choice?.note).toContain('(and a loopback address there is its own)')
    expect(choice?.note).not.toContain('localhost (127.0.0.1)')
  })

  it('names from DNS: nothing to add', () => {
    expect(builderNetwork(builder(), hosts('reg.example.com'), { hostsFile: [] })).toBe(undefined)
  })

  it("a container job: the job container's network namespace, which wins over the hosts file", () => {
    const choice = builderNetwork(builder(), hosts('registry:5000', 'reg.lan.test'), {
      hostsFile: [LAN],
      jobContainer: JOB
    })
    expect(choice).toMatchObject({ network: `container:${JOB.id}`, sharesJobContainer: true })
    expect(choice?.note).toContain('This step runs in the container job-7 (a container job, on github_network_9)')
    expect(choice?.note).not.toContain('cleanup: false')
    const kept = builderNetwork(builder({ cleanup: false }), hosts('registry:5000'), { jobContainer: JOB })
    expect(kept?.note).toContain(
      'With `cleanup: false` the builder is kept, but its network goes with the job container'
    )
  })

  it('a container job with an endpoint of the user’s (maybe another daemon): not the job container', () => {
    const choice = builderNetwork(builder({ endpoint: 'tcp://builders:2376' }), hosts('registry:5000'), {
      jobContainer: JOB
    })
    expect(choice).toBe(undefined)
  })

  it('other drivers: nothing', () => {
    expect(builderNetwork(builder({ driver: 'kubernetes' }), hosts('localhost:5000'), { jobContainer: JOB })).toBe(
      undefined
    )
  })
})

describe('the plan with those facts', () => {
  const inputs = (extra: Partial<BuilderInputs> = {}, registryText = 'reg.lan.test:5000 http') => ({
    config: {
      registries: parseRegistries(registryText).map(line => ({ ...line, ownCa: '' })),
      mirrors: [],
      debug: false
    },
    builder: builder(extra),
    host: { installConfig: '', credentials: [], daemonTrust: 'off' as const, reclaim: true }
  })

  it('passes network=host and says why; the user’s network= is kept, and preflight is told what it misses', () => {
    const plan = planOf(inputs(), '/tmp/job', [], { hostsFile: [LAN] })
    expect(plan.create?.args).toEqual(expect.arrayContaining(['--driver-opt', 'network=host']))
    expect(plan.topology.network).toBe('host')
    expect(plan.topology.findings).toEqual([])

    const chosen = planOf(inputs({ driverOpts: ['network=bridge'] }), '/tmp/job', [], { hostsFile: [LAN] })
    expect(chosen.create?.args).not.toContain('network=host')
    expect(chosen.topology.network).toBe('bridge')
    expect(chosen.topology.findings).toEqual([
      {
        host: 'reg.lan.test:5000',
        message:
          'the builder (network=bridge) will not resolve reg.lan.test: this step resolves it from /etc/hosts (10.1.2.3), which a container on another network does not read',
        fix: "remove `network=bridge` from `driver-opts` (the action then puts the builder on the host's network), or give reg.lan.test a DNS record"
      }
    ])
  })

  it('a container job: network=container:<id> for the first node and for append nodes on the same daemon only', () => {
    const plan = planOf(
      inputs({}, 'registry:5000 http'),
      '/tmp/job',
      [
        { driverOpts: [], endpoint: '' },
        { driverOpts: [], endpoint: 'ssh://builder-2' }
      ],
      { jobContainer: JOB }
    )
    expect(plan.create?.args).toContain(`network=container:${JOB.id}`)
    expect(plan.create?.appendArgs[0]).toContain(`network=container:${JOB.id}`)
    expect(plan.create?.appendArgs[1].join(' ')).not.toContain('network=')
  })

  it('the job’s own TLS context is the same daemon: the builder still shares the job container', () => {
    const plan = planOf(inputs({}, 'registry:5000 http'), '/tmp/setup-buildkit-registry-abc', [], {
      jobContainer: JOB,
      defaultContextTls: true
    })
    expect(plan.topology.context).toBe('setup-buildkit-registry-abc')
    expect(plan.create?.args).toContain(`network=container:${JOB.id}`)
  })
})

describe('deriveTopology: the one value the plan, preflight and the checks read', () => {
  const derive = (extra: Partial<BuilderInputs> = {}, runner: RunnerFacts = {}, texts = ['reg.lan.test:5000']) =>
    deriveTopology({
      builder: builder(extra),
      hosts: hosts(...texts),
      registries: [],
      facts: factsOf(builder(extra), runner),
      jobId: 'job-1'
    })

  it('on a network of its own (the default bridge): preflight looks from the builder', () => {
    expect(derive()).toMatchObject({ network: undefined, sharesStepNetwork: false, lookFromBuilder: true })
    expect(derive({ driverOpts: ['network=bridge'] })).toMatchObject({ network: 'bridge', lookFromBuilder: true })
  })

  it('in the step’s own namespace (the host’s, the job container’s): the step’s look speaks for it', () => {
    expect(derive({}, { hostsFile: [LAN] })).toMatchObject({ network: 'host', sharesStepNetwork: true })
    expect(derive({}, { hostsFile: [LAN] }).lookFromBuilder).toBe(false)
    const job = derive({}, { jobContainer: JOB })
    expect(job).toMatchObject({ network: `container:${JOB.id}`, sharesStepNetwork: true, jobContainer: JOB })
    // The host network of a machine whose step runs in a container is not the step's.
    expect(derive({ driverOpts: ['network=host'] }, { jobContainer: JOB }).sharesStepNetwork).toBe(false)
  })

  it('through a proxy (the runner’s or the user’s env.HTTPS_PROXY): the proxy resolves, no look from the builder', () => {
    const runner = derive({ proxyEnv: { HTTPS_PROXY: 'http://proxy.example.com:3128' } })
    expect([runner.throughProxy, runner.lookFromBuilder]).toEqual([true, false])
    expect(runner.proxy.driverOpts).toEqual(['env.HTTPS_PROXY=http://proxy.example.com:3128'])
    const user = derive({ driverOpts: ['env.http_proxy=http://proxy.example.com:3128'] })
    expect([user.throughProxy, user.lookFromBuilder]).toEqual([true, false])
    expect(derive({ proxyEnv: { NO_PROXY: 'internal' } }).throughProxy).toBe(false)
  })

  it('the proxy plan the facts carry (planned once, before the daemon-trust probe) is the one it uses', () => {
    const planned = planBuilderProxy('docker-container', [], { HTTPS_PROXY: 'http://127.0.0.1:3128' })
    const topology = deriveTopology({
      builder: builder(),
      hosts: hosts('reg.lan.test:5000'),
      registries: [],
      facts: { builderProxy: planned },
      jobId: 'job-1'
    })
    expect(topology.proxy).toBe(planned)
    expect(topology.throughProxy).toBe(true)
    // A loopback proxy needs the host's network, as the plan of the same inputs says.
    expect(topology.network).toBe('host')
  })

  it('no look from a builder on another endpoint, not booted, or not a container', () => {
    expect(derive({ endpoint: 'ssh://builder-2' }).lookFromBuilder).toBe(false)
    expect(derive({ bootstrap: false }).lookFromBuilder).toBe(false)
    expect(derive({ driver: 'kubernetes' })).toMatchObject({ network: undefined, lookFromBuilder: false })
  })

  it('the TLS endpoint’s context and the user network’s findings', () => {
    expect(derive({}, { defaultContextTls: true }).context).toBe('job-1')
    const findings = deriveTopology({
      builder: builder({ driverOpts: ['network=bridge'] }),
      hosts: hosts('localhost:5000', 'localhost:5000'),
      registries: hosts('localhost:5000').map(host => ({ host })),
      facts: factsOf(builder({ driverOpts: ['network=bridge'] })),
      jobId: 'job-1'
    }).findings
    expect(findings.map(finding => finding.host)).toEqual(['localhost:5000'])
  })
})
