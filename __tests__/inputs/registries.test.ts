import { parseHost } from '../../src/inputs/hosts.js'
import { parseMirrors, parseRegistries } from '../../src/inputs/registries.js'
import { inputErrorOf } from '../helpers/input-errors.js'

const host = (text: string) => parseHost(text, 'registries', 1)

describe('parseRegistries', () => {
  it('reads hosts and options, skipping comments and blank lines, keeping line numbers', () => {
    const text = [
      '# our registries',
      'registry.local:5000 http',
      '',
      'tls.example.com  # verified',
      '10.0.0.5:443 insecure',
      'mtls.example.com:8443 ca=/etc/ca.pem'
    ].join('\n')
    expect(parseRegistries(text)).toEqual([
      {
        host: { text: 'registry.local:5000', hostname: 'registry.local', port: 5000 },
        transport: 'http',
        caPaths: [],
        line: 2
      },
      { host: { text: 'tls.example.com', hostname: 'tls.example.com' }, transport: 'tls', caPaths: [], line: 4 },
      { host: { text: '10.0.0.5:443', hostname: '10.0.0.5', port: 443 }, transport: 'insecure', caPaths: [], line: 5 },
      {
        host: { text: 'mtls.example.com:8443', hostname: 'mtls.example.com', port: 8443 },
        transport: 'tls',
        caPaths: ['/etc/ca.pem'],
        line: 6
      }
    ])
  })

  it('accepts IPv6 addresses in brackets', () => {
    expect(parseRegistries('[::1]:5000 http\n[fd00::5]').map(line => line.host)).toEqual([
      { text: '[::1]:5000', hostname: '::1', port: 5000 },
      { text: '[fd00::5]', hostname: 'fd00::5' }
    ])
  })

  it.each([
    ['https://registry.local:5000', 1, "drop 'https://' and write 'registry.local:5000'"],
    ['http://registry.local:5000', 1, '`http` option'],
    ['registry.local:5000/team', 1, 'write only HOST or HOST:PORT'],
    ['registry.local:0', 1, 'port from 1 to 65535'],
    ['registry.local:65536', 1, 'port from 1 to 65535'],
    ['registry.local:abc', 1, 'port from 1 to 65535'],
    ['::1', 1, "write '[::1]'"],
    ['bad_host:5000', 1, 'HOST or HOST:PORT'],
    ['reg"]\nx=1', 1, 'HOST or HOST:PORT']
  ])('rejects the address %j naming the line and the fix', (text, line, fix) => {
    const error = inputErrorOf(() => parseRegistries(text))
    expect(error.input).toBe('registries')
    expect(error.line).toBe(line)
    expect(error.message).toContain(fix)
  })

  it.each([
    ['reg:5000 htp', "unknown option 'htp'", '`http` (plain HTTP), `insecure`'],
    ['reg:5000 https', "unknown option 'https'", 'a registry line with no option is TLS'],
    ['reg:5000 http insecure', '`http` and `insecure` together', 'keep the one the registry speaks'],
    ['reg:5000 http ca=/ca.pem', '`http` with `ca=`', 'drop `ca=`'],
    ['reg:5000 ca=', "'ca=' has no path", 'write ca=PATH']
  ])('rejects the options of %j', (text, problem, fix) => {
    const error = inputErrorOf(() => parseRegistries(`# first\n${text}`))
    expect(error.message).toContain(`Input 'registries', line 2: ${problem}`)
    expect(error.message).toContain(fix)
  })

  it('rejects a registry listed twice, naming both lines', () => {
    const error = inputErrorOf(() => parseRegistries('reg:5000 http\nother\nREG:5000 insecure'))
    expect(error.line).toBe(3)
    expect(error.message).toContain('first on line 1')
  })
})

describe('parseRegistries: entries separated by commas as well as newlines', () => {
  it('reads `a:5000 http, b:5443` as two registries on line 1, each entry named', () => {
    expect(parseRegistries('a:5000 http, b:5443')).toEqual([
      {
        host: { text: 'a:5000', hostname: 'a', port: 5000 },
        transport: 'http',
        caPaths: [],
        line: 1,
        entry: "entry 1 ('a:5000 http')"
      },
      {
        host: { text: 'b:5443', hostname: 'b', port: 5443 },
        transport: 'tls',
        caPaths: [],
        line: 1,
        entry: "entry 2 ('b:5443')"
      }
    ])
  })

  it('mixes commas and lines; skips empty entries; a comma inside a comment separates nothing', () => {
    const text = ['# ours, all of them', 'a:5000 http,b:5001 insecure,', '', ', c ca=/etc/c.pem  # c, d'].join('\n')
    expect(
      parseRegistries(text).map(({ host, transport, caPaths, line }) => [host.text, transport, caPaths, line])
    ).toEqual([
      ['a:5000', 'http', [], 2],
      ['b:5001', 'insecure', [], 2],
      ['c', 'tls', ['/etc/c.pem'], 4]
    ])
  })

  it('an option word first on its line is a host name (`ca`, `tls`): the line-of-its-own the error suggests works', () => {
    expect(parseRegistries('a:5000\nca\ntls').map(registry => registry.host.text)).toEqual(['a:5000', 'ca', 'tls'])
  })

  it('a line of one entry is as before: no entry named', () => {
    expect(parseRegistries('a:5000 http,')[0]).not.toHaveProperty('entry')
    expect(inputErrorOf(() => parseRegistries('a:5000 htp')).message).toMatch(/^Input 'registries', line 1: unknown/)
  })

  it.each([
    ['a:5000 http, b:5443 htp', 1, "entry 2 ('b:5443 htp'): unknown option 'htp'", 'use `http` (plain HTTP)'],
    ['ok\nhttps://a:5000, b', 2, "entry 1 ('https://a:5000'): 'https://a:5000' has a scheme", "write 'a:5000'"],
    [
      'a:5000, b:5443 http insecure',
      1,
      "entry 2 ('b:5443 http insecure'): `http` and `insecure` together",
      'keep the one'
    ],
    [
      'a:5000, A:5000 http',
      1,
      "entry 2 ('A:5000 http'): 'A:5000' is listed again (first on line 1)",
      'keep one entry per registry'
    ],
    ['a:5000\nb, a:5000', 2, "entry 2 ('a:5000'): 'a:5000' is listed again (first on line 1)", 'keep one entry'],
    ['a:5000, http', 1, "entry 2 ('http'): 'http' follows a comma", "not commas: 'a:5000 http'"],
    ['a:5000 http,insecure', 1, "entry 2 ('insecure'): 'insecure' follows a comma", "'a:5000 http insecure'"],
    ['a:5000, ca=/x.pem', 1, "entry 2 ('ca=/x.pem'): 'ca=/x.pem' follows a comma", "'a:5000 ca=/x.pem'"],
    ['a:5000, ca', 1, "entry 2 ('ca'): 'ca' follows a comma", "with a space: 'a:5000 ca=PATH'"],
    ['a:5000, tls', 1, "entry 2 ('tls'): 'tls' follows a comma", 'drop it: a registry with no option is TLS'],
    ['a:5000, CA', 1, "entry 2 ('CA'): 'CA' follows a comma", "a registry really named 'CA' goes on a line of its own"],
    [
      'a ca=/certs/x,y/ca.pem',
      1,
      "entry 2 ('y/ca.pem'): 'y/ca.pem' follows a comma after a `ca=` path",
      'cannot hold one'
    ]
  ])('%j: the error names line %i and the entry', (text, line, problem, fix) => {
    const error = inputErrorOf(() => parseRegistries(text))
    expect(error.line).toBe(line)
    expect(error.message).toContain(`Input 'registries', line ${line}, ${problem}`)
    expect(error.message).toContain(fix)
  })
})

describe('parseMirrors', () => {
  it('reads Docker Hub mirrors and UPSTREAM=MIRROR lists', () => {
    expect(parseMirrors('mirror.gcr.io\nghcr.io=m1:5000,m2.example.com/proxy/ghcr')).toEqual([
      { upstream: host('docker.io'), mirrors: [{ host: host('mirror.gcr.io'), path: '' }], line: 1 },
      {
        upstream: host('ghcr.io'),
        mirrors: [
          { host: host('m1:5000'), path: '' },
          { host: host('m2.example.com'), path: '/proxy/ghcr' }
        ],
        line: 2
      }
    ])
  })

  it.each([
    ['ghcr.io=', 'has an empty mirror'],
    ['ghcr.io=m1,,m2', 'has an empty mirror'],
    ['https://mirror.gcr.io', "drop 'https://'"],
    ['docker.io=https://mirror.gcr.io', "drop 'https://'"],
    ['mirror.gcr.io extra', 'has spaces'],
    ['m1:99999', 'not a port number'],
    ['m1/pa th', 'has spaces'],
    ['m1/pa%th', 'not a valid mirror path']
  ])('rejects %j', (text, problem) => {
    const error = inputErrorOf(() => parseMirrors(text))
    expect(error.input).toBe('mirror')
    expect(error.line).toBe(1)
    expect(error.message).toContain(problem)
  })

  it('rejects the same mirror twice for one upstream', () => {
    expect(inputErrorOf(() => parseMirrors('m1:5000\ndocker.io=m1:5000')).message).toContain('first on line 1')
  })
})
