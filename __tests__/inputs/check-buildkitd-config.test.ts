import { parse } from 'smol-toml'
import { checkBuildkitdConfig, type ConfigCheck } from '../../src/inputs/check-buildkitd-config.js'
import { show } from '../../src/inputs/config-wording.js'

// The checker against BuildKit v0.20.2's schema: plain TOML text in, findings out.

function check(text: string): ConfigCheck {
  return checkBuildkitdConfig(parse(text, { integersAsBigInt: true }))
}

/** The one error of `text`, as [key, fix]. */
function onlyError(text: string): { key: string; problem: string; fix: string } {
  const { errors } = check(text)
  expect(errors).toHaveLength(1)
  return { key: show(errors[0].path), problem: errors[0].problem, fix: errors[0].fix }
}

describe('a config BuildKit reads as written', () => {
  it("BuildKit's own complete example (docs/buildkitd.toml.md, v0.20.2) has no finding", () => {
    const example = `
debug = true
trace = true
root = "/var/lib/buildkit"
insecure-entitlements = [ "network.host", "security.insecure" ]
[log]
  format = "text"
[dns]
  nameservers=["1.1.1.1","8.8.8.8"]
  options=["edns0"]
  searchDomains=["example.com"]
[grpc]
  address = [ "tcp://0.0.0.0:1234" ]
  debugAddress = "0.0.0.0:6060"
  uid = 0
  gid = 0
  [grpc.tls]
    cert = "/etc/buildkit/tls.crt"
    key = "/etc/buildkit/tls.key"
    ca = "/etc/buildkit/tlsca.crt"
[otel]
  socketPath = "/run/buildkit/otel-grpc.sock"
[cdi]
  disabled = true
  specDirs = ["/etc/cdi", "/var/run/cdi", "/etc/buildkit/cdi"]
[history]
  maxAge = 172800
  maxEntries = 50
[worker.oci]
  enabled = true
  platforms = [ "linux/amd64", "linux/arm64" ]
  snapshotter = "auto"
  rootless = false
  noProcessSandbox = false
  gc = true
  reservedSpace = "30%"
  maxUsedSpace = "60%"
  minFreeSpace = "20GB"
  max-parallelism = 4
  cniPoolSize = 16
  apparmor-profile = ""
  selinux = false
  [worker.oci.labels]
    "foo" = "bar"
    "aa.bb.cc" = "baz"
  [[worker.oci.gcpolicy]]
    reservedSpace = "512MB"
    keepDuration = "48h"
    filters = [ "type==source.local", "type==exec.cachemount", "type==source.git.checkout"]
  [[worker.oci.gcpolicy]]
    all = true
    reservedSpace = 1024000000
[worker.containerd]
  address = "/run/containerd/containerd.sock"
  enabled = true
  platforms = [ "linux/amd64", "linux/arm64" ]
  namespace = "buildkit"
  gc = true
  reservedSpace = "30%"
  [worker.containerd.runtime]
    name = "io.containerd.runc.v2"
    path = "/path/to/containerd/runc/shim"
    options = { BinaryName = "runc" }
[registry."docker.io"]
  mirrors = ["yourmirror.local:5000", "core.harbor.domain/proxy.docker.io"]
  http = true
  insecure = true
  ca=["/etc/config/myca.pem"]
  [[registry."docker.io".keypair]]
    key="/etc/config/key.pem"
    cert="/etc/config/cert.pem"
[registry."yourmirror.local:5000"]
  http = true
[frontend."dockerfile.v0"]
  enabled = true
[frontend."gateway.v0"]
  enabled = true
  allowedRepositories = []
[system]
  platformsCacheMaxAge = "1h"
`
    const { errors, warnings, files } = check(example)
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    // What buildx copies from the runner: the CA and both halves of the keypair.
    expect(files.map(file => [show(file.path), file.file, file.kind])).toEqual([
      ['registry."docker.io".ca', '/etc/config/myca.pem', 'ca'],
      ['registry."docker.io".keypair[0].key', '/etc/config/key.pem', 'key'],
      ['registry."docker.io".keypair[0].cert', '/etc/config/cert.pem', 'cert']
    ])
  })

  it.each([
    ['keepDuration = 3600', 'whole seconds as an integer'],
    ['keepDuration = "3600"', 'whole seconds as a string'],
    ['keepDuration = "1h30m"', 'a Go duration'],
    ['reservedSpace = 20', 'bytes'],
    ['reservedSpace = "40MB"', 'a size'],
    ['reservedSpace = "512MiB"', 'a binary size'],
    ['maxUsedSpace = "80%"', 'a percentage']
  ])('gcpolicy %s (%s)', line => {
    expect(check(`[[worker.containerd.gcpolicy]]\n${line}\n`)).toEqual({ errors: [], warnings: [], files: [] })
  })
})

describe('the error table: each row as buildx 0.13.1 printed it on this machine, now caught first with its fix', () => {
  it.each([
    [
      // ERROR: failed to parse config: (3, 3): Can't convert tcp://0.0.0.0:1234(string) to []string(slice)
      '[grpc]\naddress = "tcp://0.0.0.0:1234"',
      'grpc.address',
      'write address = [ "tcp://0.0.0.0:1234" ]'
    ],
    [
      // ERROR: failed to parse config: (1, 1): Can't convert network.host(string) to []string(slice)
      'insecure-entitlements = "network.host"',
      'insecure-entitlements',
      'write insecure-entitlements = [ "network.host" ]'
    ],
    [
      // ERROR: failed to parse config: (5, 5): Can't convert m:5000(string) to []string(slice)
      '[registry."reg:5000"]\nmirrors = "m:5000"',
      'registry."reg:5000".mirrors',
      'write mirrors = [ "m:5000" ]'
    ],
    [
      // (buildx 0.13.1 panics: interface conversion: interface {} is string, not []string)
      '[registry."reg:5000"]\nca = "/certs/registry.crt"',
      'registry."reg:5000".ca',
      'write ca = [ "/certs/registry.crt" ]'
    ],
    [
      // ERROR: failed to parse config: (5, 5): Can't convert maybe(string) to bool (docker/buildx#2853)
      '[worker.oci]\ngc = "maybe"',
      'worker.oci.gc',
      'write gc = true or gc = false'
    ],
    [
      // ERROR: failed to parse config: (5, 5): Can't convert true(string) to bool
      '[registry."reg:5000"]\nhttp = "true"',
      'registry."reg:5000".http',
      'write http = true (no quotes)'
    ],
    [
      // ERROR: failed to parse config: (5, 5): Can't convert 4(string) to int
      '[worker.oci]\nmax-parallelism = "4"',
      'worker.oci.max-parallelism',
      'write max-parallelism = 4 (no quotes)'
    ],
    [
      // ERROR: failed to parse config: (5, 5): Can't convert 2.5(float64) to int
      '[worker.oci]\nmax-parallelism = 2.5',
      'worker.oci.max-parallelism',
      'write max-parallelism = 3'
    ],
    [
      // ERROR: failed to parse config: (7, 7): unmarshal text: invalid duration 7d (moby/buildkit#4993)
      '[[worker.oci.gcpolicy]]\nkeepDuration = "7d"',
      'worker.oci.gcpolicy[0].keepDuration',
      'write keepDuration = "168h" (Go durations have no days)'
    ],
    [
      // ERROR: failed to parse config: (7, 7): unmarshal text: invalid disk space lots
      '[[worker.oci.gcpolicy]]\nkeepBytes = "lots"',
      'worker.oci.gcpolicy[0].keepBytes',
      'write keepBytes = "10GB", say'
    ],
    [
      // (buildx 0.13.1 panics: interface conversion: interface {} is *toml.Tree, not []*toml.Tree)
      '[registry."reg:5000"]\nkeypair = { key = "/k.pem", cert = "/c.pem" }',
      'registry."reg:5000".keypair',
      'write it as [[registry."reg:5000".keypair]] (two brackets), one such header per entry, its keys below: key = "/k.pem", cert = "/c.pem"'
    ],
    [
      // (buildx 0.13.1 panics: interface conversion: interface {} is nil, not string)
      '[[registry."reg:5000".keypair]]\ncert = "/c.pem"',
      'registry."reg:5000".keypair[0]',
      'add key = "…", or remove the entry and give the client certificate and key in `client-cert` and `client-key`'
    ],
    [
      // (buildx 0.13.1 panics: interface conversion: interface {} is string, not *toml.Tree)
      '[registry]\n"reg:5000" = "x"',
      'registry."reg:5000"',
      'write [registry."reg:5000"] with its keys below (mirrors, http, insecure, ca, keypair, tlsconfigdir)'
    ]
  ])('%j', (text, key, fix) => {
    expect(onlyError(text)).toMatchObject({ key, fix })
  })

  it('the problem says what BuildKit wants and what was written', () => {
    expect(onlyError('[grpc]\naddress = "tcp://0.0.0.0:1234"').problem).toBe(
      'grpc.address is a string ("tcp://0.0.0.0:1234"), where BuildKit v0.20.2 wants a list of strings'
    )
  })
})

describe('wrong types', () => {
  it.each([
    ['root = 1', 'root', 'write root = "1"'],
    ['root = ["/var/lib/buildkit"]', 'root', 'write root = "/var/lib/buildkit"'],
    ['debug = 1', 'debug', 'write debug = true or debug = false'],
    ['[grpc]\nuid = "1000"', 'grpc.uid', 'write uid = 1000 (no quotes)'],
    ['[grpc]\naddress = [ 1234 ]', 'grpc.address', 'write address = [ "1234" ]'],
    ['log = "json"', 'log', 'write [log] with its keys below (format)'],
    ['[worker.oci]\nlabels = "a=b"', 'worker.oci.labels', 'write [worker.oci.labels] with name = "value" lines below'],
    ['[worker.oci.labels]\nfoo = 1', 'worker.oci.labels.foo', 'write foo = "1"'],
    [
      '[worker.oci]\nstargzSnapshotter = "x"',
      'worker.oci.stargzSnapshotter',
      'write [worker.oci.stargzSnapshotter] with its keys below'
    ],
    ['[history]\nmaxAge = 1.5', 'history.maxAge', 'write maxAge = "1.5s"'],
    ['[history]\nmaxAge = true', 'history.maxAge', 'write maxAge = "48h", say'],
    ['[worker.oci]\nreservedSpace = 1.5', 'worker.oci.reservedSpace', 'write reservedSpace = "1.5GB", say'],
    ['[worker.oci]\nreservedSpace = "12.5%"', 'worker.oci.reservedSpace', 'write reservedSpace = "13%"'],
    ['registry = "reg:5000"', 'registry', 'write [registry.name] headers, one per registry host[:port]'],
    [
      '[worker.oci]\ngcpolicy = [ 1 ]',
      'worker.oci.gcpolicy',
      'write it as [[worker.oci.gcpolicy]] (two brackets), one such header per entry'
    ],
    ['debug = 1979-05-27', 'debug', 'write debug = true or debug = false'],
    // Keys in another case are BuildKit's own to its loader (go-toml v1): checked as those.
    ['[GRPC]\nADDRESS = [ 1234 ]', 'GRPC.ADDRESS', 'write ADDRESS = [ "1234" ]'],
    ['[Worker.OCI]\nGC = "yes"', 'Worker.OCI.GC', 'write GC = true or GC = false']
  ])('%j: %s', (text, key, fix) => {
    expect(onlyError(text)).toMatchObject({ key, fix })
  })
})

describe('impossible values', () => {
  it.each([
    ['[worker.oci]\nmax-parallelism = -1', 'worker.oci.max-parallelism', /cannot be below 0/],
    ['[grpc]\ngid = -5', 'grpc.gid', /cannot be below 0/],
    ['[history]\nmaxEntries = -1', 'history.maxEntries', /cannot be below 0/],
    ['[log]\nformat = "jsn"', 'log.format', /accepts only "json" or "text"/],
    ['[grpc]\naddress = [ "0.0.0.0:1234" ]', 'grpc.address', /listens only on unix:\/\/, tcp:\/\//],
    ['[[worker.oci.gcpolicy]]\nkeepDuration = "-48h"', 'worker.oci.gcpolicy[0].keepDuration', /negative/],
    ['[worker.oci]\nmaxUsedSpace = "120%"', 'worker.oci.maxUsedSpace', /120% of the disk/],
    ['[worker.oci]\nminFreeSpace = -1', 'worker.oci.minFreeSpace', /negative/]
  ])('%j', (text, key, problem) => {
    expect(onlyError(text)).toMatchObject({ key, problem: expect.stringMatching(problem) })
  })

  it.each([
    ['[log]\nformat = "jsn"', 'write format = "json"'],
    ['[grpc]\naddress = [ "0.0.0.0:1234" ]', 'write "tcp://0.0.0.0:1234"'],
    ['[grpc]\naddress = [ "/run/buildkit/buildkitd.sock" ]', 'write "unix:///run/buildkit/buildkitd.sock"'],
    [
      '[worker.oci]\nmax-parallelism = -1',
      'write a positive limit (max-parallelism = 4, say), or remove it (or set the `max-parallelism` input) for no limit'
    ]
  ])('%j: %s', (text, fix) => {
    expect(onlyError(text).fix).toBe(fix)
  })

  it('collects every error, not only the first', () => {
    const { errors } = check('debug = "yes"\n[grpc]\naddress = "tcp://0.0.0.0:1234"\n[worker.oci]\ngc = "maybe"\n')
    expect(errors.map(error => show(error.path))).toEqual(['debug', 'grpc.address', 'worker.oci.gc'])
  })
})

describe('unknown tables and keys: warnings naming the nearest known key', () => {
  it.each([
    ['[registy."reg:5000"]\nhttp = true', 'registy', 'did you mean registry?'],
    ['insecure-entitlments = [ "network.host" ]', 'insecure-entitlments', 'did you mean insecure-entitlements?'],
    ['[worker.oci]\nmaxParallelism = 2', 'worker.oci.maxParallelism', 'did you mean worker.oci.max-parallelism?'],
    [
      '[registry."reg:5000"]\ninsecur = true',
      'registry."reg:5000".insecur',
      'did you mean registry."reg:5000".insecure?'
    ],
    ['[registry."reg:5000"]\ncas = ["/ca.pem"]', 'registry."reg:5000".cas', 'did you mean registry."reg:5000".ca?'],
    [
      '[[worker.oci.gcpolicy]]\nkeepDurration = "1h"',
      'worker.oci.gcpolicy[0].keepDurration',
      'did you mean worker.oci.gcpolicy[0].keepDuration?'
    ],
    ['[frontend.dockerfile]\nenabled = false', 'frontend.dockerfile', 'did you mean frontend."dockerfile.v0"?']
  ])('%j: %s', (text, key, fix) => {
    const { errors, warnings } = check(text)
    expect(errors).toEqual([])
    expect(warnings.map(warning => ({ key: show(warning.path), fix: warning.fix }))).toEqual([{ key, fix }])
  })

  it('a name near nothing known lists what is known there', () => {
    const [warning] = check('[grpc]\nport = 1234').warnings
    expect(warning.problem).toBe('BuildKit v0.20.2 has no key grpc.port in [grpc]: it does nothing')
    expect(warning.fix).toBe(
      'remove it; BuildKit knows address, debugAddress, uid, gid, securityDescriptor, tls in [grpc]'
    )
  })

  it('a key of an array of tables is placed under its [[…]] header', () => {
    const [warning] = check('[[worker.oci.gcpolicy]]\nkeep = "1h"').warnings
    expect(warning.problem).toBe(
      'BuildKit v0.20.2 has no key worker.oci.gcpolicy[0].keep in [[worker.oci.gcpolicy]]: it does nothing'
    )
  })

  it('says which BuildKit added a newer top-level key', () => {
    const [warning] = check('provenanceEnvDir = "/etc/buildkit/provenance.d"').warnings
    expect(warning.problem).toMatch(/BuildKit v0\.25\.0 added it/)
  })

  it('a table, not a key, is called one', () => {
    expect(check('[gc]\nenabled = true').warnings[0].problem).toMatch(/no table gc at the top level/)
  })

  it('a [registry."…"] key with a scheme never matches a host', () => {
    const { warnings } = check('[registry."https://reg:5000/v2"]\nhttp = false')
    expect(warnings.map(warning => warning.fix)).toEqual(['write [registry."reg:5000"]'])
  })

  it('an entitlement BuildKit does not know', () => {
    const { errors, warnings } = check('insecure-entitlements = [ "network.hst" ]')
    expect(errors).toEqual([])
    expect(warnings.map(warning => warning.fix)).toEqual(['write "network.host"'])
  })
})

describe('with the socket a docker-container builder is reached through', () => {
  const SOCKET = 'unix:///run/buildkit/buildkitd.sock'
  const checked = (text: string): ConfigCheck =>
    checkBuildkitdConfig(parse(text, { integersAsBigInt: true }), { builderSocket: SOCKET })

  it.each([
    ['[grpc]\naddress = "tcp://0.0.0.0:1234"', 'is a string'],
    ['[grpc]\naddress = [ "tcp://0.0.0.0:1234" ]', 'lists no unix socket']
  ])('%j: the fix keeps the socket first', (text, problem) => {
    const { errors } = checked(text)
    expect(errors).toHaveLength(1)
    expect(errors[0].problem).toContain(problem)
    expect(errors[0].fix).toMatch(
      /^write address = \[ "unix:\/\/\/run\/buildkit\/buildkitd\.sock", "tcp:\/\/0\.0\.0\.0:1234" \]/
    )
  })

  it.each([
    `[grpc]\naddress = [ "${SOCKET}", "tcp://0.0.0.0:1234" ]`,
    // A rootless image's socket.
    '[grpc]\naddress = [ "unix:///run/user/1000/buildkit/buildkitd.sock" ]',
    '[grpc]\ndebugAddress = "0.0.0.0:6060"'
  ])('%j boots', text => {
    expect(checked(text).errors).toEqual([])
  })
})
