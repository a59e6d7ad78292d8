import { builderInputs as builder } from '../helpers/inputs.js'
import { parseHost } from '../../src/inputs/hosts.js'
import type { JobContainer } from '../../src/topology/facts.js'
import { missedOnUserNetwork, userNetwork } from '../../src/topology/user-network.js'

const JOB: JobContainer = { id: 'e'.repeat(64), name: 'job-7', networkMode: 'bridge', networks: [], binds: [] }
const LOOP = { name: 'loop.lan.test', addresses: ['127.0.0.1'] }

const registries = (...texts: string[]) =>
  texts.map((text, index) => ({ host: parseHost(text, 'registries', index + 1) }))

describe('userNetwork', () => {
  it('the first node’s network= as written; none without one', () => {
    expect(userNetwork({ driverOpts: ['image=x', 'network=builders'] })).toBe('builders')
    expect(userNetwork({ driverOpts: ['image=x'] })).toBe(undefined)
  })
})

describe('what the user’s network= misses', () => {
  it('a loopback registry and a hosts-file name, each with the fix; nothing on the host network or the job container’s', () => {
    const found = missedOnUserNetwork(
      builder({ driverOpts: ['network=builders'] }),
      registries('localhost:5000', 'loop.lan.test:5000', 'dns.example.com'),
      { hostsFile: [{ name: 'localhost', addresses: ['127.0.0.1'] }, LOOP] }
    )
    expect(found.map(finding => finding.host)).toEqual(['localhost:5000', 'loop.lan.test:5000'])
    expect(found[0].message).toContain('the builder (network=builders) cannot reach localhost:5000')
    expect(found[1].message).toBe(
      "the builder (network=builders) will not resolve loop.lan.test: this step resolves it from /etc/hosts (127.0.0.1), which a container on another network does not read, and that is this machine's loopback, not the container's"
    )
    expect(missedOnUserNetwork(builder({ driverOpts: ['network=host'] }), registries('localhost:5000'), {})).toEqual([])
    expect(
      missedOnUserNetwork(builder({ driverOpts: [`network=container:${JOB.id}`] }), registries('localhost:5000'), {
        jobContainer: JOB
      })
    ).toEqual([])
    expect(missedOnUserNetwork(builder(), registries('localhost:5000'), {})).toEqual([])
  })
})
