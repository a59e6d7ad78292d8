import { buildkitContainerName, dockerEndpointArgs } from '../../../src/host/builder/buildkit-container.js'

describe('buildkitContainerName', () => {
  it("the docker-container driver's container of the builder's first node", () => {
    expect(buildkitContainerName('buildkit-1-1-test')).toBe('buildx_buildkit_buildkit-1-1-test0')
  })
})

describe('dockerEndpointArgs', () => {
  it('the current context, a context by name, or a daemon by address', () => {
    expect(dockerEndpointArgs('')).toEqual([])
    expect(dockerEndpointArgs('remote-ctx')).toEqual(['--context', 'remote-ctx'])
    expect(dockerEndpointArgs('tcp://10.0.0.5:2376')).toEqual(['--host', 'tcp://10.0.0.5:2376'])
    expect(dockerEndpointArgs('unix:///run/user/1000/docker.sock')).toEqual([
      '--host',
      'unix:///run/user/1000/docker.sock'
    ])
  })
})

describe('dockerEndpointArgs (a node of a stored builder)', () => {
  it('a URL is a host, a name a Docker context, none the CLI’s own', () => {
    expect(dockerEndpointArgs('unix:///var/run/docker.sock')).toEqual(['--host', 'unix:///var/run/docker.sock'])
    expect(dockerEndpointArgs('ssh://me@build-host')).toEqual(['--host', 'ssh://me@build-host'])
    expect(dockerEndpointArgs('arm-context')).toEqual(['--context', 'arm-context'])
    expect(dockerEndpointArgs(undefined)).toEqual([])
  })
})
