import {
  builderNodes,
  deleteDeploymentsCommand,
  parseStoredInstance,
  storeCleanup
} from '../../../src/host/builder/builder-remnants.js'

// buildx 0.13.1's `instances/blrepro1` after `buildx create --name blrepro1 --driver docker-container
// --config bad.toml --bootstrap` failed on `[grpc] address = "tcp://0.0.0.0:1234"` (the builder it
// then could not remove).
const STORED = JSON.stringify({
  Name: 'blrepro1',
  Driver: 'docker-container',
  Nodes: [
    {
      Name: 'blrepro10',
      Endpoint: 'unix:///var/run/docker.sock',
      Platforms: null,
      DriverOpts: { image: 'local/buildkit:v0.20.2' },
      Flags: ['--allow-insecure-entitlement=network.host'],
      Files: { 'buildkitd.toml': 'CltncnBjXQogIGFkZHJlc3MgPSAidGNwOi8vMC4wLjAuMDoxMjM0Igo=' }
    }
  ],
  Dynamic: false
})

describe('parseStoredInstance', () => {
  it('reads the driver and each node with its endpoint', () => {
    expect(parseStoredInstance(STORED)).toEqual({
      driver: 'docker-container',
      nodes: [{ name: 'blrepro10', endpoint: 'unix:///var/run/docker.sock' }]
    })
  })

  it('a torn or corrupt record is no record', () => {
    expect(parseStoredInstance(STORED.slice(0, 40))).toBeUndefined()
    expect(parseStoredInstance('null')).toBeUndefined()
  })

  it('drops a node name that could not be buildx’s (it ends up in a docker command)', () => {
    const stored = parseStoredInstance(
      JSON.stringify({ Driver: 'docker-container', Nodes: [{ Name: '--all' }, { Name: 'b0', Endpoint: '' }] })
    )
    expect(stored?.nodes).toEqual([{ name: 'b0', endpoint: undefined }])
  })
})

describe('builderNodes', () => {
  it('every stored node, the first included once', () => {
    const stored = {
      driver: 'docker-container',
      nodes: [
        { name: 'ci0', endpoint: 'unix:///var/run/docker.sock' },
        { name: 'arm', endpoint: 'arm-context' }
      ]
    }
    expect(builderNodes('ci', stored, 'ignored')).toEqual(stored.nodes)
  })

  it('without buildx’s record: the first node as buildx names it, lower-cased, on the `endpoint` input', () => {
    expect(builderNodes('CI-Builder', undefined, 'unix:///run/other.sock')).toEqual([
      { name: 'ci-builder0', endpoint: 'unix:///run/other.sock' }
    ])
    expect(builderNodes('ci', undefined, '')).toEqual([{ name: 'ci0', endpoint: undefined }])
  })
})

describe('deleteDeploymentsCommand', () => {
  it('one deployment per stored node, in its namespace', () => {
    const stored = parseStoredInstance(
      JSON.stringify({
        Driver: 'kubernetes',
        Nodes: [
          { Name: 'buildkit-1f0e-a', DriverOpts: { namespace: 'buildkit' } },
          { Name: 'buildkit-2c4d-b', DriverOpts: null }
        ]
      })
    )
    expect(deleteDeploymentsCommand(stored)).toBe(
      'kubectl delete deployment buildkit-1f0e-a --namespace buildkit && kubectl delete deployment buildkit-2c4d-b'
    )
  })

  it('without buildx’s record the name is unknown (buildx draws it at random): the command says which to look for', () => {
    expect(deleteDeploymentsCommand(undefined)).toMatch(/^kubectl delete deployment buildkit-… /)
  })
})

describe('storeCleanup', () => {
  const empty = { defaults: {}, groups: {} }

  it('the builder’s record, activity and refs, under both spellings of its name', () => {
    expect(storeCleanup('CI', empty)).toEqual({
      remove: ['instances/ci', 'instances/CI', 'activity/ci', 'activity/CI', 'refs/ci', 'refs/CI'],
      current: undefined
    })
    expect(storeCleanup('ci', empty).remove).toEqual(['instances/ci', 'activity/ci', 'refs/ci'])
  })

  it('`current` naming it is reset as buildx resets it; `current` naming another builder is left as it is', () => {
    const current = JSON.stringify({ Key: 'unix:///var/run/docker.sock', Name: 'ci', Global: false })
    expect(storeCleanup('ci', { ...empty, current }).current).toBe(
      JSON.stringify({ Key: 'unix:///var/run/docker.sock', Name: '', Global: false })
    )
    const others = JSON.stringify({ Key: 'unix:///var/run/docker.sock', Name: 'ci2', Global: false })
    expect(storeCleanup('ci', { ...empty, current: others }).current).toBeUndefined()
    expect(storeCleanup('ci', { ...empty, current: '{not json' }).current).toBeUndefined()
  })

  it('only the `defaults` entries that name it', () => {
    const defaults = { aaaa: 'ci', bbbb: 'ci2', cccc: 'other' }
    expect(storeCleanup('ci', { ...empty, defaults }).remove).toEqual([
      'instances/ci',
      'activity/ci',
      'refs/ci',
      'defaults/aaaa'
    ])
  })

  it('a bake group goes only when every ref in it is the builder’s', () => {
    const groups = { mine: ['ci/ci0/r1', 'ci/ci0/r2'], shared: ['ci/ci0/r3', 'ci2/ci20/r4'] }
    expect(storeCleanup('ci', { ...empty, groups }).remove).toContain('refs/__group__/mine')
    expect(storeCleanup('ci', { ...empty, groups }).remove).not.toContain('refs/__group__/shared')
  })
})
