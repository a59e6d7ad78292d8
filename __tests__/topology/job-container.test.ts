import type { JobContainer } from '../../src/topology/facts.js'
import { isJobContainerNetwork, jobContainerNetwork } from '../../src/topology/job-container.js'

const JOB: JobContainer = {
  id: 'f'.repeat(64),
  name: 'job-3',
  networkMode: 'github_network_3',
  networks: [],
  binds: []
}

describe('a container job: the builder shares the job container’s network namespace', () => {
  it('network=container:<id>, saying where the step runs and how to choose otherwise', () => {
    const choice = jobContainerNetwork(JOB, true)
    expect(choice).toMatchObject({ network: `container:${JOB.id}`, sharesJobContainer: true })
    expect(choice.note).toContain('This step runs in the container job-3 (a container job, on github_network_3)')
    expect(choice.note).toContain('(set `network=` in `driver-opts` to choose otherwise)')
    expect(choice.note).not.toContain('cleanup: false')
    expect(jobContainerNetwork(JOB, false).note).toContain('its network goes with the job container')
  })

  it('tells the job container’s namespace from any other network', () => {
    expect(isJobContainerNetwork(`container:${JOB.id}`, JOB)).toBe(true)
    expect(isJobContainerNetwork('host', JOB)).toBe(false)
    expect(isJobContainerNetwork(`container:${JOB.id}`, undefined)).toBe(false)
  })
})
