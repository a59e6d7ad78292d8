import { editDistance, nearest, show } from '../../src/inputs/config-wording.js'

// How the config check words a key: its path as TOML writes it, and the known name a typo meant.

describe('show: a key path as TOML writes it', () => {
  it('quotes what is not a bare key, and puts array entries in brackets', () => {
    expect(show(['registry', 'myhost:5000', 'ca'])).toBe('registry."myhost:5000".ca')
    expect(show(['worker', 'oci', 'gcpolicy', 1, 'keepBytes'])).toBe('worker.oci.gcpolicy[1].keepBytes')
  })
})

describe('nearest and editDistance', () => {
  it.each([
    ['registy', 'registry', 1],
    ['insecure-entitlments', 'insecure-entitlements', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3]
  ])('%s → %s: %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance)
  })

  it('names nothing when nothing is close', () => {
    expect(nearest('port', ['address', 'uid', 'gid', 'tls'])).toBeUndefined()
    expect(nearest('GC', ['gc', 'root'])).toBe('gc')
  })
})
