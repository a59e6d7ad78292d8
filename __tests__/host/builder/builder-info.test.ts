import { builderOutputs, parseBuilderInspect } from '../../../src/host/builder/builder-info.js'

// `DEBUG=1 docker buildx inspect` of a real builder (buildx 0.13.1, BuildKit v0.20.2): a first
// node with `platforms` set, and a node appended on the same daemon through a Docker context.
const INSPECT = `Name:          sbr-probe
Driver:        docker-container
Last Activity: 2026-11-23 22:38:38 +0000 UTC

Nodes:
Name:                  sbr-probe0
Endpoint:              unix:///var/run/docker.sock
Driver Options:        image="local/buildkit:v0.20.2" network="host"
Status:                running
BuildKit daemon flags: --allow-insecure-entitlement network.host
BuildKit version:      v0.20.2
Platforms:             linux/amd64*, linux/arm64*, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/386
Features:
 Cache export:         true
 Docker exporter:      true
 Multi-platform build: true
 OCI exporter:         true
Labels:
 org.mobyproject.buildkit.worker.executor:         oci
 org.mobyproject.buildkit.worker.hostname:         vm
 org.mobyproject.buildkit.worker.network:          host
 org.mobyproject.buildkit.worker.oci.process-mode: sandbox
 org.mobyproject.buildkit.worker.selinux.enabled:  false
 org.mobyproject.buildkit.worker.snapshotter:      overlayfs
GC Policy rule#0:
 All:           false
 Filters:       type==source.local,type==exec.cachemount,type==source.git.checkout
 Keep Duration: 48h0m0s
GC Policy rule#1:
 All:           false
 Keep Duration: 1440h0m0s
 Keep Bytes:    9.313GiB
GC Policy rule#2:
 All:        false
 Keep Bytes: 9.313GiB
GC Policy rule#3:
 All:        true
 Keep Bytes: 9.313GiB

Name:                  extra
Endpoint:              sbr-ctx
Driver Options:        image="local/buildkit:v0.20.2"
Status:                running
BuildKit daemon flags: --allow-insecure-entitlement=network.host
BuildKit version:      v0.20.2
Platforms:             linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/386
Features:
 Cache export:         true
 Docker exporter:      true
 Multi-platform build: true
 OCI exporter:         true
Labels:
 org.mobyproject.buildkit.worker.executor:         oci
 org.mobyproject.buildkit.worker.hostname:         267a1e6870c7
 org.mobyproject.buildkit.worker.network:          host
 org.mobyproject.buildkit.worker.oci.process-mode: sandbox
 org.mobyproject.buildkit.worker.selinux.enabled:  false
 org.mobyproject.buildkit.worker.snapshotter:      overlayfs
GC Policy rule#0:
 All:           false
 Filters:       type==source.local,type==exec.cachemount,type==source.git.checkout
 Keep Duration: 48h0m0s
GC Policy rule#1:
 All:           false
 Keep Duration: 1440h0m0s
 Keep Bytes:    9.313GiB
GC Policy rule#2:
 All:        false
 Keep Bytes: 9.313GiB
GC Policy rule#3:
 All:        true
 Keep Bytes: 9.313GiB
`

// The same from buildx 0.29.1 (Debian unstable; the CI's second engine generation), one node with
// `platforms` and a config: other features, GC fields in the newer names, the config as File#.
const INSPECT_029 = `Name:          sbr-probe
Driver:        docker-container
Last Activity: 2026-11-23 22:56:14 +0000 UTC

Nodes:
Name:                  sbr-probe0
Endpoint:              unix:///var/run/docker.sock
Driver Options:        image="local/buildkit:v0.20.2" network="host"
Status:                running
BuildKit daemon flags: --allow-insecure-entitlement=network.host
BuildKit version:      v0.20.2
Platforms:             linux/amd64*, linux/arm64*, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/386
Features:
 Automatically load images to the Docker Engine image store: false
 Cache export:                                               true
 Direct push:                                                true
 Docker exporter:                                            true
 Multi-platform build:                                       true
 OCI exporter:                                               true
Labels:
 org.mobyproject.buildkit.worker.executor:         oci
 org.mobyproject.buildkit.worker.hostname:         vm
 org.mobyproject.buildkit.worker.network:          host
 org.mobyproject.buildkit.worker.oci.process-mode: sandbox
 org.mobyproject.buildkit.worker.selinux.enabled:  false
 org.mobyproject.buildkit.worker.snapshotter:      overlayfs
GC Policy rule#0:
 All:            false
 Filters:        type==source.local,type==exec.cachemount,type==source.git.checkout
 Keep Duration:  48h0m0s
 Max Used Space: 488.3MiB
GC Policy rule#1:
 All:            false
 Keep Duration:  1440h0m0s
 Reserved Space: 9.313GiB
 Max Used Space: 93.13GiB
 Min Free Space: 47.5GiB
GC Policy rule#2:
 All:            false
 Reserved Space: 9.313GiB
 Max Used Space: 93.13GiB
 Min Free Space: 47.5GiB
GC Policy rule#3:
 All:            true
 Reserved Space: 9.313GiB
 Max Used Space: 93.13GiB
 Min Free Space: 47.5GiB
File#buildkitd.toml:
 > 
 > [registry]
 > 
 >   [registry."localhost:5000"]
 >     http = true
 > 
 > [worker]
 > 
 >   [worker.oci]
 >     max-parallelism = 2
 > 
`

describe("a builder's nodes, as docker/setup-buildx-action's `nodes` output has them", () => {
  const info = parseBuilderInspect(INSPECT)

  it('reads each node as @docker/actions-toolkit does, key for key', () => {
    expect(info.name).toBe('sbr-probe')
    expect(info.driver).toBe('docker-container')
    expect(info.nodes.map(node => Object.keys(node))).toEqual([
      [
        'name',
        'endpoint',
        'driver-opts',
        'status',
        'buildkitd-flags',
        'buildkit',
        'platforms',
        'features',
        'labels',
        'gcPolicy'
      ],
      [
        'name',
        'endpoint',
        'driver-opts',
        'status',
        'buildkitd-flags',
        'buildkit',
        'platforms',
        'features',
        'labels',
        'gcPolicy'
      ]
    ])
    expect(info.nodes[0]).toMatchObject({
      name: 'sbr-probe0',
      endpoint: 'unix:///var/run/docker.sock',
      'driver-opts': ['image=local/buildkit:v0.20.2', 'network=host'],
      status: 'running',
      'buildkitd-flags': '--allow-insecure-entitlement network.host',
      buildkit: 'v0.20.2',
      // Set with --platform (`*`): only those, as theirs.
      platforms: 'linux/amd64,linux/arm64',
      features: { 'Cache export': true, 'Docker exporter': true, 'Multi-platform build': true, 'OCI exporter': true }
    })
    expect(info.nodes[0].labels?.['org.mobyproject.buildkit.worker.network']).toBe('host')
    expect(info.nodes[0].gcPolicy).toEqual([
      {
        all: false,
        filter: ['type==source.local', 'type==exec.cachemount', 'type==source.git.checkout'],
        keepDuration: '48h0m0s'
      },
      { all: false, keepDuration: '1440h0m0s', keepBytes: '9.313GiB' },
      { all: false, keepBytes: '9.313GiB' },
      { all: true, keepBytes: '9.313GiB' }
    ])
    expect(info.nodes[1]).toMatchObject({
      name: 'extra',
      endpoint: 'sbr-ctx',
      platforms: expect.stringMatching(/^linux\/amd64,/)
    })
  })

  it('gives the outputs: platforms of every node once, nodes as indented JSON, the first node for v3', () => {
    const outputs = builderOutputs(info)
    expect(outputs.platforms).toBe('linux/amd64,linux/arm64,linux/amd64/v2,linux/amd64/v3,linux/amd64/v4,linux/386')
    expect(JSON.parse(outputs.nodes)).toEqual(info.nodes)
    expect(outputs.nodes).toBe(JSON.stringify(info.nodes, undefined, 2))
    expect(outputs).toMatchObject({
      driver: 'docker-container',
      endpoint: 'unix:///var/run/docker.sock',
      status: 'running',
      flags: '--allow-insecure-entitlement network.host'
    })
  })

  it('shows no proxy credentials in the nodes output (the driver options the builder got)', () => {
    const inspected = parseBuilderInspect(
      'Name: b\nDriver: docker-container\n\nNodes:\nName: b0\nEndpoint: unix:///var/run/docker.sock\nDriver Options: env.HTTPS_PROXY="http://ci:s3cret@proxy.corp:3128" network="host"\n'
    )
    expect(inspected.nodes[0]['driver-opts']).toEqual([
      'env.HTTPS_PROXY=http://ci:s3cret@proxy.corp:3128',
      'network=host'
    ])
    const { nodes } = builderOutputs(inspected)
    expect(nodes).not.toContain('s3cret')
    expect(JSON.parse(nodes)[0]['driver-opts']).toEqual(['env.HTTPS_PROXY=http://***@proxy.corp:3128', 'network=host'])
  })

  it('reads the files buildx shows for a node (File#NAME, lines after `>`)', () => {
    const files = parseBuilderInspect(
      'Name: b\nDriver: docker-container\n\nNodes:\nName: b0\nFile#buildkitd.toml:\n > [registry."r:5000"]\n >   http = true\n'
    )
    expect(files.nodes[0].files).toEqual({ 'buildkitd.toml': '[registry."r:5000"]\n  http = true' })
  })
})

describe("both engine generations' buildx inspect read the same way", () => {
  it('buildx 0.29.1: the same node keys, its GC fields and features, the config file it shows', () => {
    const [node] = parseBuilderInspect(INSPECT_029).nodes
    expect(node).toMatchObject({
      name: 'sbr-probe0',
      status: 'running',
      'buildkitd-flags': '--allow-insecure-entitlement=network.host',
      platforms: 'linux/amd64,linux/arm64',
      features: expect.objectContaining({ 'Direct push': true, 'Cache export': true })
    })
    expect(node.gcPolicy?.[1]).toEqual({
      all: false,
      keepDuration: '1440h0m0s',
      reservedSpace: '9.313GiB',
      maxUsedSpace: '93.13GiB',
      minFreeSpace: '47.5GiB'
    })
    expect(node.files?.['buildkitd.toml']).toContain('[registry."localhost:5000"]')
    expect(builderOutputs(parseBuilderInspect(INSPECT_029)).platforms).toBe('linux/amd64,linux/arm64')
  })
})
