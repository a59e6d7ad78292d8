import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { InputError } from '../../src/inputs/input-error.js'
import { DEFAULT_BUILDKITD_FLAGS, defaultBuilderName, readInputs } from '../../src/inputs/read-inputs.js'
import { planOf } from '../helpers/plan.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { inputErrorOf } from '../helpers/input-errors.js'
import { withInputs } from '../helpers/inputs.js'
import { captureStdout } from '../helpers/stdout.js'

let pki: TestPki
let otherPki: TestPki
let scratch: string
/** What @actions/core wrote to stdout: its workflow commands, e.g. ::add-mask::. */
let stdout: string

beforeAll(() => {
  pki = makePki()
  otherPki = makePki()
  scratch = mkdtempSync(join(tmpdir(), 'sbr-inputs-'))
})

captureStdout(written => (stdout = written))

function inputError(values: Record<string, string>): InputError {
  withInputs(values)
  return inputErrorOf(readInputs)
}

describe('readInputs', () => {
  it('applies the documented defaults when run outside a runner', () => {
    withInputs({})
    const inputs = readInputs()
    expect(inputs).toMatchObject({
      config: { registries: [], mirrors: [], debug: false, caCertScope: 'registries' },
      builder: {
        driver: 'docker-container',
        driverOpts: [],
        buildkitdFlags: DEFAULT_BUILDKITD_FLAGS,
        use: true,
        bootstrap: true,
        cleanup: true,
        replace: true
      },
      preflight: { mode: 'warn', timeoutSeconds: 5 },
      host: { installConfig: '', credentials: [], daemonTrust: 'off' }
    })
    expect(inputs.builder.name).toMatch(/^buildkit-/)
  })

  it('ca-cert-scope: all with a ca-cert', () => {
    withInputs({ 'ca-cert': pki.caCertPath, 'ca-cert-scope': 'all' })
    expect(readInputs().config).toMatchObject({ caCert: pki.caCert, caCertScope: 'all' })
  })

  it('ca-cert-scope: an unknown scope, or all with no ca-cert, names the input and the fix', () => {
    const unknown = inputError({ 'ca-cert': pki.caCertPath, 'ca-cert-scope': 'everything' })
    expect(unknown.message).toBe(
      "Input 'ca-cert-scope': 'everything' is not a scope. Fix: write `registries` (ca-cert for the listed registries) or `all` (also every other TLS connection of the builder)"
    )
    expect(inputError({ 'ca-cert-scope': 'all' }).message).toBe(
      "Input 'ca-cert-scope': is `all`, but `ca-cert` is empty: there is no CA to add to the builder. Fix: set `ca-cert` to the CA(s) every TLS connection of the build must trust, or drop `ca-cert-scope`"
    )
  })

  it('username/password apply to the listed registries only: a mirror gets them only when listed, or from a line of its own', () => {
    withInputs({
      registries: 'registry.internal:5443\nlisted-mirror.internal',
      mirror: 'mirror.gcr.io\nlisted-mirror.internal\nghcr.io=registry.internal:5443,cache.internal/proxy',
      username: 'ci',
      password: 'p4ss',
      credentials: 'cache.internal=robot:t0ken'
    })
    expect(readInputs().host.credentials).toEqual([
      { host: 'registry.internal:5443', username: 'ci', password: 'p4ss' },
      { host: 'listed-mirror.internal', username: 'ci', password: 'p4ss' },
      { host: 'cache.internal', username: 'robot', password: 't0ken' }
    ])
  })

  it('username/password with mirrors but no registries: refused, naming the fix for a mirror', () => {
    expect(inputError({ mirror: 'mirror.gcr.io', username: 'ci', password: 'p4ss' }).message).toBe(
      "Input 'username': applies to the registries in `registries` (not to mirrors), and none is listed. Fix: list the registry in `registries`, or use `credentials` (HOST=USERNAME:PASSWORD per line; a mirror needs a line of its own)"
    )
  })

  it('reads ca-cert, client-cert and client-key as PEM text or as paths', () => {
    withInputs({
      registries: 'reg.example.com',
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCertPath,
      'client-key': pki.clientKey
    })
    const { config } = readInputs()
    expect(config.caCert).toBe(pki.caCert)
    expect(config.clientKeypair).toEqual({ cert: pki.clientCert, key: pki.clientKey })
  })

  it('masks every line of a private key, from text or from a file, so no log shows it', () => {
    for (const key of [pki.clientKey, pki.clientKeyPath]) {
      withInputs({ 'client-cert': pki.clientCert, 'client-key': key })
      stdout = ''
      readInputs()
      const masked = stdout
        .split('\n')
        .filter(line => line.startsWith('::add-mask::'))
        .map(line => line.slice('::add-mask::'.length))
      const bodyLines = pki.clientKey.split('\n').filter(line => line !== '' && !line.startsWith('-----'))
      expect(masked).toEqual(expect.arrayContaining(bodyLines))
      expect(masked).not.toContain(pki.clientKeyPath)
    }
  })

  it('reads the endpoint-* TLS inputs pasted as base64 or YAML-indented, as ca-cert and client-key are read', () => {
    const indented = (pem: string): string => pem.replace(/^/gm, '    ')
    withInputs({
      driver: 'remote',
      endpoint: 'tcp://buildkitd.internal:1234',
      'endpoint-ca-cert': Buffer.from(pki.caCert).toString('base64'),
      'endpoint-client-cert': indented(pki.clientCert),
      'endpoint-client-key': Buffer.from(indented(pki.clientKey)).toString('base64')
    })
    const tls = readInputs().builder.endpointTls
    expect(tls?.ca?.trim()).toBe(pki.caCert.trim())
    expect(tls?.keypair).toEqual({ cert: pki.clientCert.trim() + '\n', key: pki.clientKey.trim() + '\n' })
    expect(stdout).toContain('endpoint-client-key: decoded base64-encoded PEM')
  })

  it("reads the runner's proxy variables, both cases, and masks a proxy URL's credentials before anything is logged", () => {
    const saved = { ...process.env }
    try {
      process.env.HTTPS_PROXY = 'http://ci:pr%40xy-secret@proxy.corp:3128'
      process.env.no_proxy = '.corp'
      delete process.env.HTTP_PROXY
      delete process.env.http_proxy
      withInputs({})
      stdout = ''
      const { builder } = readInputs()
      expect(builder.proxyEnv).toEqual({ HTTPS_PROXY: 'http://ci:pr%40xy-secret@proxy.corp:3128', no_proxy: '.corp' })
      const masked = stdout
        .split('\n')
        .filter(line => line.startsWith('::add-mask::'))
        // The command escapes `%` as `%25`; the runner reads it back.
        .map(line => line.slice('::add-mask::'.length).replace(/%25/g, '%'))
      expect(masked).toEqual(
        expect.arrayContaining(['pr%40xy-secret', 'pr@xy-secret', 'ci:pr%40xy-secret', process.env.HTTPS_PROXY])
      )
      expect(
        stdout
          .split('\n')
          .filter(line => !line.startsWith('::add-mask::'))
          .join('\n')
      ).not.toContain('secret')
    } finally {
      process.env = saved
    }
  })

  it("reads a registry's own ca= file", () => {
    withInputs({ registries: `reg.example.com ca=${otherPki.caCertPath}` })
    expect(readInputs().config.registries[0].ownCa).toBe(otherPki.caCert)
  })

  it('reads driver options one per line', () => {
    withInputs({ 'driver-opts': 'image=moby/buildkit:v0.20.0\nenv.http_proxy=http://proxy:3128,foo\n' })
    expect(readInputs().builder.driverOpts).toEqual([
      'image=moby/buildkit:v0.20.0',
      'env.http_proxy=http://proxy:3128,foo'
    ])
  })

  it('parses buildkitd-config-inline', () => {
    withInputs({ 'buildkitd-config-inline': '[worker.oci]\ngc = false\n' })
    expect(readInputs().config.baseConfig).toEqual({
      table: { worker: { oci: { gc: false } } },
      input: 'buildkitd-config-inline',
      missingFiles: []
    })
  })

  it('gives a unique default name built from the run, attempt and job', () => {
    const env = { GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '2', GITHUB_JOB: 'Build_Image' }
    expect(defaultBuilderName(env, 'abcd1234')).toBe('buildkit-123-2-build-image-abcd1234')
    expect(defaultBuilderName(env)).not.toBe(defaultBuilderName(env))
  })
})

describe('bad input names the input, the line and the fix', () => {
  const PEM_FIX = 'pass the PEM text itself, starting with "-----BEGIN", base64 of it, or the path of a PEM file'
  const CERT_FIX = 'pass PEM certificate text (e.g. ${{ secrets.REGISTRY_CA }}), base64 of it, or a path to such a file'
  const PARALLELISM_FIX = 'write how many build steps BuildKit may run at once, e.g. 4, or leave it empty for no limit'
  it.each<[Record<string, string>, string, string | RegExp, string]>([
    [
      { 'ca-cert': 'not a certificate\nat all' },
      'ca-cert',
      'is neither PEM text (no "-----BEGIN" line) nor a path to a file',
      PEM_FIX
    ],
    [
      { 'ca-cert': '/no/such/ca.pem' },
      'ca-cert',
      `the file '/no/such/ca.pem' does not exist (relative paths start at ${process.cwd()})`,
      'check the path, or pass the PEM text itself (e.g. from a secret)'
    ],
    [
      { 'ca-cert': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' },
      'ca-cert',
      // OpenSSL's own words (in the parentheses) vary with node's OpenSSL.
      /^the PEM text is not usable: certificate 1 of 1 does not parse \(.+\); the secret may be truncated$/,
      CERT_FIX
    ],
    [
      { 'ca-cert': Buffer.from('-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n').toString('base64') },
      'ca-cert',
      /^the base64-decoded PEM text is not usable: certificate 1 of 1 does not parse \(.+\); the secret may be truncated$/,
      CERT_FIX
    ],
    [{ 'max-parallelism': '0' }, 'max-parallelism', "'0' is not a positive whole number", PARALLELISM_FIX],
    [{ 'max-parallelism': 'four' }, 'max-parallelism', "'four' is not a positive whole number", PARALLELISM_FIX],
    [
      { driver: 'docker', registries: 'reg.example.com' },
      'trust-docker-daemon',
      "is false, and with `driver: docker` the registries reach the daemon's builder only through the daemon's own trust",
      'set `trust-docker-daemon: true` (certs.d for TLS registries) or `restart` (also insecure-registries for `http` and `insecure` ones), or use `driver: docker-container`'
    ],
    [{ use: 'yes' }, 'use', "'yes' is not a boolean", 'write true or false'],
    [
      { name: '-bad name' },
      'name',
      "'-bad name' is not a valid builder name",
      'use letters, digits, `-`, `_` and `.`, starting with a letter or digit; or leave it empty for a generated name'
    ],
    [
      { 'buildkitd-config': '/no/such.toml' },
      'buildkitd-config',
      `the file '/no/such.toml' does not exist (relative paths start at ${process.cwd()})`,
      'check the path, or give the TOML text in `buildkitd-config-inline`'
    ]
  ])('%j', (values, input, problem, fix) => {
    const error = inputError(values)
    expect(error.input).toBe(input)
    expect(error.line).toBeUndefined()
    if (typeof problem === 'string') expect(error.problem).toBe(problem)
    else expect(error.problem).toMatch(problem)
    expect(error.fix).toBe(fix)
    expect(error.message).toBe(`Input '${input}': ${error.problem}. Fix: ${fix}`)
  })

  it('a key without its certificate, and the reverse', () => {
    expect(inputError({ 'client-key': pki.clientKey }).message).toContain(
      "Input 'client-cert': is empty while `client-key` is set"
    )
    expect(inputError({ 'client-cert': pki.clientCert }).message).toContain(
      "Input 'client-key': is empty while `client-cert` is set"
    )
  })

  it('a key that belongs to another certificate', () => {
    expect(inputError({ 'client-cert': pki.clientCert, 'client-key': otherPki.clientKey }).message).toContain(
      'does not belong to the certificate'
    )
  })

  it('a certificate in the key input', () => {
    expect(inputError({ 'client-cert': pki.clientCert, 'client-key': pki.clientCert }).message).toContain(
      'not a PEM private key'
    )
  })

  it('an encrypted key', () => {
    const encrypted = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n'
    expect(inputError({ 'client-cert': pki.clientCert, 'client-key': encrypted }).message).toContain(
      'BuildKit cannot take a passphrase'
    )
  })

  it('a ca= file that is not a certificate, on its line', () => {
    const error = inputError({ registries: `# ours\nreg.example.com ca=${pki.clientKeyPath}` })
    expect(error.line).toBe(2)
    expect(error.message).toContain(`ca=${pki.clientKeyPath} is not a PEM certificate`)
  })

  it("invalid TOML with smol-toml's line and column", () => {
    const error = inputError({ 'buildkitd-config-inline': 'debug = true\n[worker.oci\n' })
    expect(error.line).toBe(2)
    expect(error.message).toMatch(
      /Input 'buildkitd-config-inline', line 2: invalid TOML: .+ Fix: correct the TOML at line 2, column \d+/
    )
  })

  it('both base configs at once', () => {
    const path = join(scratch, 'base.toml')
    writeFileSync(path, 'debug = true\n')
    expect(inputError({ 'buildkitd-config': path, 'buildkitd-config-inline': 'debug = false' }).message).toContain(
      'keep one of them'
    )
  })
})

describe('buildkitd-config checked against BuildKit v0.20.2, before anything is made', () => {
  // The docker-compose setup the issue moved into the action, as a new user pastes it.
  const COMPOSE = [
    '# from docker-compose',
    'debug = true',
    '',
    '[grpc]',
    '  address = "tcp://0.0.0.0:1234"',
    '',
    '[registry."reg:5000"]',
    '  ca = ["/certs/registry.crt"]'
  ].join('\n')

  it('a string where BuildKit wants a list: the input, the line and the rendered fix', () => {
    const error = inputError({ 'buildkitd-config-inline': COMPOSE })
    expect(error.input).toBe('buildkitd-config-inline')
    expect(error.line).toBe(5)
    // The fix keeps the unix socket buildx's docker-container driver reaches buildkitd through.
    expect(error.message).toBe(
      'Input \'buildkitd-config-inline\', line 5: grpc.address is a string ("tcp://0.0.0.0:1234"), where BuildKit v0.20.2 wants a list of strings. Fix: write address = [ "unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234" ] (the socket buildx reaches the builder through, then yours), or remove [grpc]: buildx needs no TCP listener in its container'
    )
  })

  it("for the remote driver, whose buildkitd is the user's own, the fix is the list alone", () => {
    const error = inputError({ 'buildkitd-config-inline': COMPOSE, driver: 'remote', endpoint: 'tcp://buildkitd:1234' })
    expect(error.fix).toBe('write address = [ "tcp://0.0.0.0:1234" ]')
  })

  it('a list without the unix socket: the docker-container builder would never boot', () => {
    const error = inputError({ 'buildkitd-config-inline': '[grpc]\naddress = [ "tcp://0.0.0.0:1234" ]\n' })
    expect(error.line).toBe(2)
    expect(error.problem).toMatch(/lists no unix socket: .* the builder never boots/)
    expect(error.fix).toMatch(
      /^write address = \[ "unix:\/\/\/run\/buildkit\/buildkitd\.sock", "tcp:\/\/0\.0\.0\.0:1234" \]/
    )
  })

  it('in a file: the line of the file, which the message names', () => {
    const path = join(scratch, 'compose-buildkitd.toml')
    writeFileSync(path, COMPOSE)
    const error = inputError({ 'buildkitd-config': path })
    expect(error.input).toBe('buildkitd-config')
    expect(error.line).toBe(5)
    expect(error.message).toContain(`line 5: ${path}: grpc.address is a string`)
  })

  it('every error at once: the first in full, the others by line', () => {
    const error = inputError({
      'buildkitd-config-inline': '[worker.oci]\ngc = "maybe"\n\n[grpc]\naddress = "tcp://0.0.0.0:1234"\n'
    })
    expect(error.line).toBe(2)
    expect(error.problem).toMatch(
      /^worker\.oci\.gc is a string \("maybe"\).* \(and 1 more: line 5: grpc\.address is a string/
    )
    expect(error.fix).toBe('write gc = true or gc = false')
  })

  it('a typo is a warning naming the input, the line and the known key; the config is still read', () => {
    withInputs({
      'buildkitd-config-inline':
        'debug = true\n[registy."reg:5000"]\nhttp = true\n[worker.oci]\ninsecure-entitlments = []\n'
    })
    expect(readInputs().config.baseConfig?.table).toHaveProperty('registy')
    expect(stdout).toContain(
      "::warning::Input 'buildkitd-config-inline', line 2: BuildKit v0.20.2 has no table registy at the top level: it does nothing. Fix: did you mean registry?"
    )
    expect(stdout).toContain(
      "::warning::Input 'buildkitd-config-inline', line 5: BuildKit v0.20.2 has no key worker.oci.insecure-entitlments in [worker.oci]: it does nothing."
    )
  })

  describe('a CA or keypair file that is not on the runner', () => {
    const DIR = '/runner/temp/setup-buildkit-registry-test'

    it('fails the plan naming the line, and ca-cert and ca= as the way here', () => {
      withInputs({
        'buildkitd-config-inline': COMPOSE.replace(
          '"tcp://0.0.0.0:1234"',
          '[ "unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234" ]'
        )
      })
      const inputs = readInputs()
      const error = inputErrorOf(() => planOf(inputs, DIR))
      expect(error.input).toBe('buildkitd-config-inline')
      expect(error.line).toBe(8)
      expect(error.problem).toMatch(
        /^registry\."reg:5000"\.ca names '\/certs\/registry\.crt', which does not exist on the runner/
      )
      expect(error.fix).toBe(
        'give the CA certificate (PEM) in `ca-cert` (every registry) or as `ca=<file>` on the `registries` line of reg:5000, and remove this `ca`'
      )
    })

    it('a keypair: client-cert and client-key', () => {
      withInputs({
        'buildkitd-config-inline': `[[registry."reg:5000".keypair]]\nkey = "${pki.clientKeyPath}"\ncert = "/certs/client.crt"\n`
      })
      const error = inputErrorOf(() => planOf(readInputs(), DIR))
      expect(error.line).toBe(3)
      expect(error.problem).toContain("keypair[0].cert names '/certs/client.crt', which does not exist")
      expect(error.fix).toContain('`client-cert` and `client-key`')
    })

    it('is no error when the inputs replace that ca (then the file is never read)', () => {
      withInputs({
        'buildkitd-config-inline': '[registry."reg:5000"]\nca = ["/certs/registry.crt"]\n',
        registries: 'reg:5000',
        'ca-cert': pki.caCert
      })
      const plan = planOf(readInputs(), DIR)
      expect(plan.overridden).toEqual(['registry."reg:5000".ca'])
    })

    it('is an error when the inputs keep it (a plain-HTTP line writes no ca)', () => {
      withInputs({
        'buildkitd-config-inline': '[registry."reg:5000"]\nca = ["/certs/registry.crt"]\n',
        registries: 'reg:5000 http'
      })
      expect(inputErrorOf(() => planOf(readInputs(), DIR)).line).toBe(2)
    })

    it('a directory, or a relative path that is not there, says so', () => {
      withInputs({ 'buildkitd-config-inline': `[registry."reg:5000"]\nca = ["${scratch}", "certs/ca.pem"]\n` })
      expect(inputErrorOf(() => planOf(readInputs(), DIR)).problem).toContain(`'${scratch}', which is not a file`)
      withInputs({ 'buildkitd-config-inline': '[registry."reg:5000"]\nca = ["certs/ca.pem"]\n' })
      expect(inputErrorOf(() => planOf(readInputs(), DIR)).problem).toContain(
        `which does not exist on the runner (buildx reads it there and copies it into the builder; relative paths start at ${process.cwd()})`
      )
    })

    it('a file that is there passes', () => {
      withInputs({ 'buildkitd-config-inline': `[registry."reg:5000"]\nca = ["${pki.caCertPath}"]\n` })
      expect(planOf(readInputs(), DIR).toml).toContain(pki.caCertPath)
    })

    it('is not checked for the remote driver, whose buildkitd reads its own disk', () => {
      withInputs({
        'buildkitd-config-inline': '[registry."reg:5000"]\nca = ["/certs/registry.crt"]\n',
        driver: 'remote',
        endpoint: 'tcp://buildkitd:1234'
      })
      expect(planOf(readInputs(), DIR).toml).toContain('/certs/registry.crt')
    })
  })
})
