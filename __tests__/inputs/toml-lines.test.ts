import { parse } from 'smol-toml'
import { keyLines, parseKey } from '../../src/inputs/toml-lines.js'

// The line of each key, as a user counts the lines of the text they wrote.

const COMPOSE = `# the compose setup's buildkitd.toml
debug = true
insecure-entitlements = [ "network.host" ]

[grpc]
  address = "tcp://0.0.0.0:1234"
  [grpc.tls]
    cert = "/certs/server.crt"

[registry."reg:5000"]
  ca = ["/certs/registry.crt"]
  [[registry."reg:5000".keypair]]
    key = "/certs/client.key"
    cert = "/certs/client.crt"
  [[registry."reg:5000".keypair]]
    key = "/certs/other.key" # a second pair
    cert = "/certs/other.crt"

[[worker.oci.gcpolicy]]
  keepDuration = "7d"
[[worker.oci.gcpolicy]]
  all = true
[worker.oci.gcpolicy.extra]
  x = 1
`

describe('keyLines', () => {
  const lineOf = keyLines(COMPOSE)

  it('parses (the locator assumes text that parses)', () => {
    expect(() => parse(COMPOSE)).not.toThrow()
  })

  it.each([
    [['debug'], 2],
    [['insecure-entitlements'], 3],
    [['grpc'], 5],
    [['grpc', 'address'], 6],
    [['grpc', 'tls', 'cert'], 8],
    [['registry'], 10],
    [['registry', 'reg:5000'], 10],
    [['registry', 'reg:5000', 'ca'], 11],
    [['registry', 'reg:5000', 'keypair'], 12],
    [['registry', 'reg:5000', 'keypair', 0, 'key'], 13],
    [['registry', 'reg:5000', 'keypair', 1], 15],
    [['registry', 'reg:5000', 'keypair', 1, 'cert'], 17],
    [['worker', 'oci', 'gcpolicy', 0, 'keepDuration'], 20],
    [['worker', 'oci', 'gcpolicy', 1, 'all'], 22],
    // A table header inside an array of tables belongs to its latest entry.
    [['worker', 'oci', 'gcpolicy', 1, 'extra', 'x'], 24]
  ])('%j is on line %i', (path, line) => {
    expect(lineOf(path)).toBe(line)
  })

  it('a key it cannot see (inside an inline table) gets the line of the nearest key it can', () => {
    const text = 'debug = true\n[registry."a:1"]\nkeypair = [ { key = "k" } ]\n'
    expect(keyLines(text)(['registry', 'a:1', 'keypair', 0, 'cert'])).toBe(3)
  })

  it('dotted keys define the tables on their path', () => {
    const lineOf = keyLines('root = "/x"\nworker.oci.max-parallelism = 2\n')
    expect(lineOf(['worker'])).toBe(2)
    expect(lineOf(['worker', 'oci', 'max-parallelism'])).toBe(2)
  })

  it('skips multi-line arrays and strings, whose lines look like keys', () => {
    const text = [
      'debug = true',
      'insecure-entitlements = [',
      '  "network.host",',
      ']',
      'root = """',
      'trace = true',
      '"""',
      'trace = false',
      '[grpc] # [not.this]',
      "'address' = []"
    ].join('\n')
    expect(() => parse(text)).not.toThrow()
    const lineOf = keyLines(text)
    expect(lineOf(['trace'])).toBe(8)
    expect(lineOf(['grpc'])).toBe(9)
    expect(lineOf(['grpc', 'address'])).toBe(10)
    expect(lineOf(['not'])).toBeUndefined()
  })
})

describe('parseKey', () => {
  it.each([
    ['a.b', ['a', 'b']],
    [' registry . "reg:5000" ', ['registry', 'reg:5000']],
    ['frontend."dockerfile.v0"', ['frontend', 'dockerfile.v0']],
    ["'literal.key'.x", ['literal.key', 'x']],
    ['"esc\\"aped"', ['esc"aped']]
  ])('%j is %j', (written, parts) => {
    expect(parseKey(written)).toEqual(parts)
  })

  it.each(['', 'a..b', 'a b', '"open'])('%j is no key', written => {
    expect(parseKey(written)).toBeUndefined()
  })
})
