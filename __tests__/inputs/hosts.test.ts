import { parseHost } from '../../src/inputs/hosts.js'
import { inputErrorOf } from '../helpers/input-errors.js'

const host = (text: string) => parseHost(text, 'registries', 3)

describe('parseHost: a registry address, split once into name and port', () => {
  it.each([
    ['my-registry.example.com:5000', 'my-registry.example.com', 5000],
    ['registry', 'registry', undefined],
    ['10.0.0.7:443', '10.0.0.7', 443],
    ['REG.Example.COM:65535', 'REG.Example.COM', 65535],
    ['[fd00::5]:443', 'fd00::5', 443],
    ['[::1]', '::1', undefined]
  ])('%s: name %s, port %s, the text kept as written', (text, hostname, port) => {
    expect(host(text)).toEqual({ text, hostname, port })
  })

  it('takes names up to DNS limits: 63 characters a label, 253 in all', () => {
    const label = 'a'.repeat(63)
    expect(host(`${label}.example.com`).hostname).toBe(`${label}.example.com`)
    const longest = Array(4).fill(label).join('.').slice(0, 253)
    expect(host(longest).hostname).toBe(longest)
  })

  it.each([
    ['a'.repeat(64), 'is not a valid host name'],
    [Array(5).fill('a'.repeat(63)).join('.').slice(0, 254), 'is not a valid host name'],
    ['-registry', "'-registry' is not a valid host name"],
    ['registry-', "'registry-' is not a valid host name"],
    ['reg..example.com', 'is not a valid host name'],
    [':5000', "'' is not a valid host name"],
    ['[registry]:5000', "'registry' in brackets is not an IPv6 address"],
    ['[::1]:', "'' is not a port number"],
    ['fd00::5:5000', "the IPv6 address 'fd00::5:5000' is not in brackets"]
  ])('refuses %j: %s', (text, problem) => {
    expect(inputErrorOf(() => host(text)).problem).toContain(problem)
  })

  it('names the input and the line it was given, and the form to write', () => {
    const error = inputErrorOf(() => parseHost('reg_1:5000', 'mirror', 7))
    expect(error.message).toBe(
      "Input 'mirror', line 7: 'reg_1' is not a valid host name or address. Fix: write HOST or HOST:PORT (an IPv6 address in brackets: [::1]:5000)"
    )
  })

  it('a URL: says what to write instead, with the `http` option only for http://', () => {
    expect(inputErrorOf(() => host('HTTP://reg:5000/v2/')).fix).toBe(
      "drop 'HTTP://' and write 'reg:5000' and add the `http` option (`reg:5000 http`)"
    )
    expect(inputErrorOf(() => host('oci://reg:5000')).fix).toBe("drop 'oci://' and write 'reg:5000'")
  })

  it('a path: suggests the address without it', () => {
    expect(inputErrorOf(() => host('ghcr.io/my-org')).fix).toContain("e.g. 'ghcr.io'")
  })
})
