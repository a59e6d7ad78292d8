import { parseHost } from '../../src/inputs/hosts.js'
import {
  containerIdCandidates,
  jobContainerFrom,
  namesFromHostsFile,
  parseHostsFile
} from '../../src/host/runner-network.js'

const ID = 'a'.repeat(12) + 'b'.repeat(52)
const OTHER = 'c'.repeat(64)

const HOSTS = `127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
127.0.1.1\trunner-7.example.test runner-7
10.1.2.3  Reg.Example.Test. mirror.example.test  # the LAN registry
# 10.9.9.9 commented.example.test
not-an-address ignored.example.test
10.1.2.4 reg.example.test
`

describe('the hosts file, as Go reads it', () => {
  it('maps each name, in lower case and without a trailing dot, to its addresses in file order', () => {
    const names = parseHostsFile(HOSTS)
    expect(names.get('reg.example.test')).toEqual(['10.1.2.3', '10.1.2.4'])
    expect(names.get('localhost')).toEqual(['127.0.0.1', '::1'])
    expect(names.get('runner-7')).toEqual(['127.0.1.1'])
  })

  it('skips comments and lines whose first field is not an address', () => {
    const names = parseHostsFile(HOSTS)
    expect(names.has('commented.example.test')).toBe(false)
    expect(names.has('ignored.example.test')).toBe(false)
  })

  it("finds the registries' and mirrors' names there, not addresses, loopback names or names it lacks", () => {
    const hosts = [
      'REG.example.test:5000',
      'mirror.example.test',
      'dns.example.test:443',
      '10.1.2.3:5000',
      '[::1]:5000',
      // The topology reads a loopback name as the loopback, whatever the file maps it to.
      'localhost:5000'
    ].map((text, index) => parseHost(text, 'registries', index + 1))
    expect(namesFromHostsFile(HOSTS, hosts)).toEqual([
      { name: 'reg.example.test', addresses: ['10.1.2.3', '10.1.2.4'] },
      { name: 'mirror.example.test', addresses: ['10.1.2.3'] }
    ])
  })
})

describe('the container the step runs in', () => {
  it('reads the ids from the daemon-mounted files (cgroup v2) and from cgroup v1 paths', () => {
    const mountinfo = `512 498 254:0 /var/lib/docker/containers/${ID}/hosts /etc/hosts rw,relatime - ext4 /dev/vda rw\n513 498 254:0 /var/lib/docker/containers/${ID}/resolv.conf /etc/resolv.conf rw - ext4 /dev/vda rw\n`
    expect(containerIdCandidates(mountinfo, '0::/\n')).toEqual([ID])
    expect(containerIdCandidates('', `12:memory:/docker/${OTHER}\n0::/system.slice/docker-${ID}.scope\n`)).toEqual([
      OTHER,
      ID
    ])
  })

  it('finds none on a machine that is no container', () => {
    expect(containerIdCandidates('21 26 0:20 / /proc rw - proc proc rw\n', '0::/\n')).toEqual([])
  })

  const inspected = (id: string, extra: object = {}): object => ({
    Id: id,
    Name: '/job-container',
    State: { Running: true },
    Config: { Hostname: id.slice(0, 12) },
    HostConfig: { NetworkMode: 'github_network_1f2e' },
    NetworkSettings: { Networks: { github_network_1f2e: {} } },
    Mounts: [
      { Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock' },
      { Type: 'volume', Source: '/var/lib/docker/volumes/x/_data', Destination: '/data' }
    ],
    ...extra
  })

  it("takes the daemon's answer for one of the ids: name, network, bind mounts", () => {
    expect(jobContainerFrom(JSON.stringify([inspected(ID)]), [ID], 'vm')).toEqual({
      id: ID,
      name: 'job-container',
      networkMode: 'github_network_1f2e',
      networks: ['github_network_1f2e'],
      binds: [{ source: '/var/run/docker.sock', destination: '/var/run/docker.sock' }]
    })
  })

  it('takes the container named like this host (the first 12 digits of its id) when no id was read', () => {
    expect(jobContainerFrom(JSON.stringify([inspected(ID)]), [], ID.slice(0, 12))?.id).toBe(ID)
  })

  it('takes nothing that is not this process’s: another id, a hostname that is a name, an empty answer', () => {
    expect(jobContainerFrom(JSON.stringify([inspected(OTHER)]), [ID], 'vm')).toBe(undefined)
    expect(jobContainerFrom(JSON.stringify([inspected(ID, { Config: { Hostname: 'vm' } })]), [], 'vm')).toBe(undefined)
    expect(jobContainerFrom('[]', [ID], 'vm')).toBe(undefined)
    expect(jobContainerFrom('Error: No such object', [ID], 'vm')).toBe(undefined)
  })
})
