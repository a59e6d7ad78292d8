import { parse } from 'smol-toml'
import { dottedKey, mergeConfig, toToml } from '../../src/plan/buildkitd-toml.js'

describe('mergeConfig: the generated sections over the base config', () => {
  it('with no base config, is the generated table and reports nothing', () => {
    const generated = { registry: { 'reg:5000': { http: true } } }
    expect(mergeConfig(undefined, generated)).toEqual({ table: generated, overridden: [] })
  })

  it('merges tables key by key and keeps every base key the action does not generate', () => {
    const base = parse('debug = true\n[registry."docker.io"]\nmirrors = ["m:1"]\n[worker.oci]\ngc = false\n')
    const generated = { registry: { 'reg:5000': { http: true } }, worker: { oci: { 'max-parallelism': 4 } } }
    expect(mergeConfig(base, generated)).toEqual({
      table: {
        debug: true,
        registry: { 'docker.io': { mirrors: ['m:1'] }, 'reg:5000': { http: true } },
        worker: { oci: { gc: false, 'max-parallelism': 4 } }
      },
      overridden: []
    })
  })

  it('replaces a value the base set and names it as TOML writes it, quoting keys that need it', () => {
    const base = parse('debug = false\n[registry."reg:5000"]\nhttp = false\nca = ["/mine.pem"]\n')
    const { table, overridden } = mergeConfig(base, {
      debug: true,
      registry: { 'reg:5000': { http: true, ca: ['/job/ca.pem'] } }
    })
    expect(table).toEqual({ debug: true, registry: { 'reg:5000': { http: true, ca: ['/job/ca.pem'] } } })
    expect(overridden).toEqual(['debug', 'registry."reg:5000".http', 'registry."reg:5000".ca'])
  })

  it('an array or a scalar where the base has a table replaces it whole, and is reported', () => {
    const base = { worker: { oci: { gc: true } } }
    const { table, overridden } = mergeConfig(base, { worker: 'none' })
    expect(table).toEqual({ worker: 'none' })
    expect(overridden).toEqual(['worker'])
  })

  it('leaves the base config as it was', () => {
    const base = { registry: { 'reg:5000': { http: false } } }
    mergeConfig(base, { registry: { 'reg:5000': { http: true } } })
    expect(base).toEqual({ registry: { 'reg:5000': { http: false } } })
  })

  it('treats a date as a value, not a table', () => {
    const base = parse('stamp = 1979-05-27T07:32:00Z\n')
    const { table, overridden } = mergeConfig(base, { stamp: 'later' })
    expect(table).toEqual({ stamp: 'later' })
    expect(overridden).toEqual(['stamp'])
  })
})

describe('dottedKey', () => {
  it.each([
    [['worker', 'oci', 'max-parallelism'], 'worker.oci.max-parallelism'],
    [['registry', 'reg:5000', 'http'], 'registry."reg:5000".http'],
    [['registry', 'reg.example.com', 'ca'], 'registry."reg.example.com".ca'],
    [['registry', '[::1]:5000'], 'registry."[::1]:5000"']
  ])('%j is %s', (path, key) => {
    expect(dottedKey(path)).toBe(key)
  })

  it('names a key that parses back to the same path', () => {
    const path = ['registry', 'reg.example.com:5443', 'insecure']
    expect(parse(`${dottedKey(path)} = true`)).toEqual({ registry: { 'reg.example.com:5443': { insecure: true } } })
  })
})

describe('toToml', () => {
  it('writes TOML that parses back to the merged table', () => {
    const base = parse('root = "/var/lib/buildkit"\n[worker.oci]\ngc = true\n')
    const { table } = mergeConfig(base, {
      debug: true,
      registry: { 'reg:5000': { http: true }, '[::1]:5443': { ca: ['/job/certs/ca.pem'], insecure: false } },
      worker: { oci: { 'max-parallelism': 2 } }
    })
    expect(parse(toToml(table))).toEqual(table)
  })
})
