import { appendNodeNetwork, onStepDaemon } from '../../src/topology/remote-endpoint.js'

describe('a builder node on an endpoint of the user’s', () => {
  it('the first node is on the step’s daemon only without an endpoint', () => {
    expect(onStepDaemon({ endpoint: '' })).toBe(true)
    expect(onStepDaemon({ endpoint: 'ssh://builder-2' })).toBe(false)
  })

  it('an appended node on another endpoint does not join the job container, but gets the host network', () => {
    const job = { network: 'container:abc', note: '', sharesJobContainer: true }
    const host = { network: 'host', note: '', sharesJobContainer: false }
    expect(appendNodeNetwork('ssh://builder-2', job)).toBe(undefined)
    expect(appendNodeNetwork(undefined, job)).toBe('container:abc')
    expect(appendNodeNetwork('ssh://builder-2', host)).toBe('host')
    expect(appendNodeNetwork('', undefined)).toBe(undefined)
  })
})
