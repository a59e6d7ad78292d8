import { builderInputs } from '../helpers/inputs.js'
import type { Inputs } from '../../src/inputs/read-inputs.js'
import { factsOf } from '../helpers/plan.js'
import { planBuilder } from '../../src/plan/builder-plan.js'
import { planConfig } from '../../src/plan/config-plan.js'
import { deriveTopology } from '../../src/topology/topology.js'

const DIR = '/runner/temp/job'

function plan(builder = builderInputs()) {
  const inputs: Pick<Inputs, 'config' | 'builder' | 'host'> = {
    config: { registries: [], mirrors: [], debug: false },
    builder,
    host: { installConfig: '', credentials: [], daemonTrust: 'off' }
  }
  const config = planConfig(inputs, DIR, [], undefined)
  const topology = deriveTopology({ builder, hosts: [], registries: [], facts: factsOf(builder), jobId: 'job' })
  return planBuilder(inputs, DIR, [], config, topology, [])
}

describe('planBuilder: what the builder phase will make', () => {
  it('a docker-container builder: the create, the image it boots; no report for the daemon’s builder', () => {
    const builder = plan()
    expect(builder.create?.args.slice(0, 5)).toEqual(['create', '--name', 'builder-1', '--driver', 'docker-container'])
    expect(builder.builderImage?.name).toBe('moby/buildkit:buildx-stable-1')
    expect([builder.daemonBuilder, builder.warm]).toEqual([undefined, undefined])
  })

  it('kept under a name of the user’s (cleanup: false): the fingerprint a later job matches', () => {
    expect(plan(builderInputs({ nameGiven: true, cleanup: false })).warm).toBeDefined()
  })

  it('the remote driver’s endpoint TLS: files of their own, named in driver options', () => {
    const builder = plan(builderInputs({ driver: 'remote', endpointTls: { ca: 'CA' } }))
    expect(builder.files.map(file => file.path)).toEqual([`${DIR}/endpoint/ca.pem`])
    expect(builder.create?.args).toContain(`cacert=${DIR}/endpoint/ca.pem`)
  })

  it('driver: docker: nothing to create, and the report of what reaches the daemon’s builder', () => {
    const builder = plan(builderInputs({ driver: 'docker' }))
    expect(builder.create).toBe(undefined)
    expect(builder.daemonBuilder?.applies[0]).toContain("the builder is the Docker daemon's own")
  })
})
