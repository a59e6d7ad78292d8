import { parseHost } from '../../src/inputs/hosts.js'
import { hostNetwork } from '../../src/topology/host-network.js'

const hosts = (...texts: string[]) => texts.map((text, index) => parseHost(text, 'registries', index + 1))

describe('names only the runner’s own network has: network=host', () => {
  it('a proxy on loopback counts as a loopback registry does', () => {
    const choice = hostNetwork(hosts('reg.example.com'), [], ['HTTPS_PROXY=http://127.0.0.1:3128'])
    expect(choice?.network).toBe('host')
    expect(choice?.note).toBe(
      "HTTPS_PROXY=http://127.0.0.1:3128 is on this machine's loopback, which a builder container cannot reach on its own network: adding --driver-opt network=host (set `network=` in `driver-opts` to choose otherwise)"
    )
  })

  it('a hosts-file name at a LAN address, and nothing for names from DNS', () => {
    const lan = { name: 'reg.lan.test', addresses: ['10.1.2.3'] }
    expect(hostNetwork(hosts('reg.lan.test:5000'), [lan], [])?.note).toContain(
      'reg.lan.test (10.1.2.3) resolves on this runner from /etc/hosts'
    )
    expect(hostNetwork(hosts('reg.example.com'), [], [])).toBe(undefined)
  })
})
