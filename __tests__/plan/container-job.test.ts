import type { JobContainer } from '../../src/topology/facts.js'
import { daemonTrustInContainer, hostPathOf, installConfigInContainer } from '../../src/plan/container-job.js'

function job(binds: JobContainer['binds'] = []): JobContainer {
  return { id: 'f'.repeat(64), name: 'job-1', networkMode: 'github_network_1', networks: ['github_network_1'], binds }
}

describe('where a path of the job container is on the daemon host', () => {
  it('under the deepest bind mount that holds it; nowhere outside them', () => {
    const container = job([
      { source: '/home/runner/work', destination: '/__w' },
      { source: '/srv/temp', destination: '/__w/_temp' }
    ])
    expect(hostPathOf('/__w/_temp/x.toml', container)).toBe('/srv/temp/x.toml')
    expect(hostPathOf('/__w/repo', container)).toBe('/home/runner/work/repo')
    expect(hostPathOf('/__wx/repo', container)).toBe(undefined)
    expect(hostPathOf('/etc/buildkit/buildkitd.toml', container)).toBe(undefined)
  })
})

describe('trust-docker-daemon in a container job', () => {
  it('fails before anything is written, naming the input and the fix', () => {
    const error = daemonTrustInContainer('certs', '/etc/docker/certs.d', job())
    expect(error?.input).toBe('trust-docker-daemon')
    expect(error?.message).toContain("the daemon does not read the container's /etc/docker/certs.d")
    expect(error?.fix).toContain('run this step outside the job container')
    expect(error?.fix).toContain('-v /etc/docker/certs.d:/etc/docker/certs.d')
  })

  it("is fine in certs mode when certs.d is the host's own, mounted at the same path", () => {
    const container = job([{ source: '/etc/docker/certs.d', destination: '/etc/docker/certs.d' }])
    expect(daemonTrustInContainer('certs', '/etc/docker/certs.d', container)).toBe(undefined)
  })

  it('restart always fails there: the daemon it reloads is not in the container', () => {
    const container = job([{ source: '/etc/docker', destination: '/etc/docker' }])
    expect(daemonTrustInContainer('restart', '/etc/docker/certs.d', container)?.message).toContain(
      "the daemon's process, which `restart` reloads, is not in it"
    )
  })
})

describe('install-config in a container job', () => {
  it("warns that the file is the container's, unless it is under a bind mount", () => {
    expect(installConfigInContainer('/etc/buildkit/buildkitd.toml', job())).toContain(
      '`install-config` writes /etc/buildkit/buildkitd.toml in the job container job-1, not on the Docker daemon'
    )
    const container = job([{ source: '/etc/buildkit', destination: '/etc/buildkit' }])
    expect(installConfigInContainer('/etc/buildkit/buildkitd.toml', container)).toBe(undefined)
  })
})
