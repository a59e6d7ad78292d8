import { cidrContains, parseCidr, parseIp, splitHostPort } from '../src/go-net.js'

// Go's net package as the proxy rules use it: the cases as Go answers them.

describe('splitHostPort (net.SplitHostPort)', () => {
  it.each<[string, { host: string; port: string } | undefined]>([
    ['host:80', { host: 'host', port: '80' }],
    ['[::1]:80', { host: '::1', port: '80' }],
    ['host:', { host: 'host', port: '' }],
    ['host', undefined],
    ['::1', undefined],
    ['[::1]', undefined],
    ['[::1]x:80', undefined]
  ])('%s', (text, want) => {
    expect(splitHostPort(text)).toEqual(want)
  })
})

describe('parseIp and CIDRs (net.ParseIP, net.ParseCIDR, IPNet.Contains)', () => {
  it('holds an IPv4 address in an IPv4 network, and a mapped one too', () => {
    const cidr = parseCidr('10.0.0.0/8')
    expect(cidr && cidrContains(cidr, parseIp('10.1.2.3')!)).toBe(true)
    expect(cidr && cidrContains(cidr, parseIp('::ffff:10.1.2.3')!)).toBe(true)
    expect(cidr && cidrContains(cidr, parseIp('11.0.0.1')!)).toBe(false)
  })

  it('keeps IPv6 networks to IPv6 addresses, and drops a zone', () => {
    const cidr = parseCidr('fe80::/10')
    expect(cidr && cidrContains(cidr, parseIp('fe80::1%eth0')!)).toBe(true)
    expect(cidr && cidrContains(cidr, parseIp('10.0.0.1')!)).toBe(false)
  })

  it('refuses what Go refuses', () => {
    expect(parseCidr('10.0.0.0/33')).toBeUndefined()
    expect(parseCidr('fe80::1%eth0/64')).toBeUndefined()
    expect(parseIp('not-an-ip')).toBeUndefined()
  })
})
