import { jest } from '@jest/globals'
import fc from 'fast-check'
import { isAbsolute, relative } from 'node:path'
import { parse, stringify } from 'smol-toml'
import { InputError } from '../../src/inputs/input-error.js'
import { normalizeCertificates, normalizePrivateKey } from '../../src/inputs/pem.js'
import { readInputs } from '../../src/inputs/read-inputs.js'
import { mirrorText, OPTION_WORD, parseRegistries } from '../../src/inputs/registries.js'
import { planOf } from '../helpers/plan.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { withInputs } from '../helpers/inputs.js'

// Property tests over the list and text inputs: whatever a user writes, the action either accepts
// it or fails with the one input error naming that input (and, for list inputs, a line that
// exists); accepted input always gives a buildkitd.toml that parses back to itself, with a
// section for every registry and mirror, and files inside the job directory only.

const JOB_DIR = '/runner/temp/setup-buildkit-registry-0123456789ab'
const RUNS = 300

/** Pieces users write, valid (most of the time) and not: host names, ports, IPv6, schemes, paths, options. */
function mostlyValid<T>(valid: T[], invalid: T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) }
  )
}
const hostPiece = mostlyValid(
  ['registry.internal', 'localhost', '127.0.0.1', '[::1]', '[fd00::5]', 'REG.example', 'a-b.c', 'mirror.internal'],
  ['fd00::5', '-bad', 'bad-.x', 'x..y', 'https://', 'http://', '/path', 'münchen.de', '', '*', 'host_name']
)
const portPiece = mostlyValid(['', ':5000', ':65535', ':443', ':5001'], [':0', ':65536', ':x', ':'])
const optionPiece = mostlyValid(
  ['http', 'insecure', '# comment'],
  ['tls', 'https', 'ca=', 'ca=/nonexistent/ca.pem', 'HTTP', 'x=y']
)
const host = fc.tuple(hostPiece, portPiece).map(([name, port]) => name + port)
const spaces = fc.constantFrom(' ', '  ', '\t')

const registryLine = fc
  .tuple(host, fc.array(fc.tuple(spaces, optionPiece), { maxLength: 3 }))
  .map(([h, options]) => h + options.map(([space, option]) => space + option).join(''))
/** Several registries on one line, separated by commas, with or without spaces around them. */
const commaLine = fc
  .tuple(fc.array(registryLine, { minLength: 2, maxLength: 3 }), fc.constantFrom(',', ', ', ' , ', ',,'))
  .map(([entries, comma]) => entries.join(comma))
const mirrorLine = fc.oneof(
  host,
  fc
    .tuple(host, fc.array(fc.tuple(host, fc.constantFrom('', '/proxy', '/a/b', '/x y', '/..')), { maxLength: 3 }))
    .map(([upstream, mirrors]) => `${upstream}=${mirrors.map(([h, path]) => h + path).join(',')}`)
)
const credentialLine = fc
  .tuple(
    host,
    fc.constantFrom('=', '', '=='),
    fc.constantFrom('ci', '', 'u:x'),
    fc.constantFrom(':', ''),
    fc.constantFrom('pw', '', 'p:w=x')
  )
  .map(parts => parts.join(''))
/** Any text at all, too: control characters, unicode, stray brackets. */
const noise = fc.string({ maxLength: 40 })

function lines(line: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: line },
        { weight: 1, arbitrary: noise },
        { weight: 1, arbitrary: fc.constant('') }
      ),
      { maxLength: 6 }
    )
    .map(all => all.join('\n'))
}

/** readInputs() with exactly these inputs set, as the runner passes them. */
function readWith(inputs: Record<string, string>): ReturnType<typeof readInputs> {
  withInputs(inputs)
  return readInputs()
}

/** The failure is the one input error, naming an input that was given and, for list inputs, a line there is. */
function expectInputError(error: unknown, inputs: Record<string, string>): void {
  expect(error).toBeInstanceOf(InputError)
  const { input, line } = error as InputError
  expect(Object.keys(inputs)).toContain(input)
  if (line !== undefined) {
    expect(line).toBeGreaterThanOrEqual(1)
    expect(line).toBeLessThanOrEqual(inputs[input].split('\n').length)
  }
}

/** An accepted input's plan: the TOML parses back to itself, every host has its section, files stay in the job dir. */
function expectSoundPlan(inputs: Record<string, string>): void {
  const read = readWith(inputs)
  const plan = planOf(read, JOB_DIR)
  const table = parse(plan.toml) as { registry?: Record<string, { http?: boolean; mirrors?: string[] }> }
  expect(stringify(table)).toBe(plan.toml)
  for (const registry of plan.registries) expect(typeof table.registry?.[registry.host.text]?.http).toBe('boolean')
  for (const { upstream, mirrors } of read.config.mirrors)
    expect(table.registry?.[upstream.text]?.mirrors).toEqual(expect.arrayContaining(mirrors.map(mirrorText)))
  for (const file of plan.files) {
    const inside = relative(JOB_DIR, file.path)
    expect(isAbsolute(inside) || inside.startsWith('..')).toBe(false)
  }
}

function check(inputs: Record<string, string>): void {
  let accepted = true
  try {
    readWith(inputs)
  } catch (error) {
    accepted = false
    expectInputError(error, inputs)
  }
  if (accepted) expectSoundPlan(inputs)
}

let pki: TestPki

beforeAll(() => {
  pki = makePki()
  // readInputs registers secrets with the runner (::add-mask:: lines): not this test's concern.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})

afterAll(() => {
  jest.restoreAllMocks()
})

describe('fuzzed inputs: accepted into a sound plan, or the one input error naming input and line', () => {
  it('registries', () => {
    fc.assert(
      fc.property(lines(registryLine), registries => check({ registries })),
      { numRuns: RUNS }
    )
  })

  it('registries with entries separated by commas', () => {
    fc.assert(
      fc.property(lines(fc.oneof(registryLine, commaLine)), registries => check({ registries })),
      { numRuns: RUNS }
    )
  })

  it('a comma list reads as the same registries as one entry per line, or fails as it does', () => {
    const entry = fc
      .tuple(
        fc.constantFrom('registry.internal', 'REGISTRY.internal', '[::1]', 'bad_host', 'https://x'),
        fc.constantFrom('', ':5000', ':0'),
        fc.constantFrom('', ' http', ' insecure', ' http insecure', ' htp')
      )
      .map(parts => parts.join(''))
    const readAs = (text: string): unknown => {
      try {
        return parseRegistries(text).map(({ host, transport }) => [host.text, transport])
      } catch (error) {
        expect(error).toBeInstanceOf(InputError)
        // The entries are on other lines in the two forms: what is wrong must be the same.
        return (error as InputError).problem.replace(/line \d+/g, 'line N')
      }
    }
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 4 }), entries =>
        expect(readAs(entries.join(', '))).toEqual(readAs(entries.join('\n')))
      ),
      { numRuns: RUNS }
    )
  })

  it('mirror, with and without registries', () => {
    fc.assert(
      fc.property(lines(mirrorLine), lines(registryLine), (mirror, registries) => check({ mirror, registries })),
      { numRuns: RUNS }
    )
  })

  it('credentials, for listed registries', () => {
    fc.assert(
      fc.property(lines(credentialLine), lines(registryLine), (credentials, registries) =>
        check({ credentials, registries })
      ),
      { numRuns: RUNS }
    )
  })

  it('ca-cert: PEM-looking text, base64, paths, noise', () => {
    const pemish = fc.oneof(
      fc.constant('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'),
      fc.string({ maxLength: 60 }).map(body => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`),
      fc.base64String({ minLength: 40, maxLength: 80 }),
      fc.constantFrom('/nonexistent/ca.pem', 'relative/ca.pem', '/etc', '-----BEGIN PRIVATE KEY-----'),
      noise
    )
    fc.assert(
      fc.property(pemish, caCert => check({ 'ca-cert': caCert, registries: 'registry.internal:5443' })),
      {
        numRuns: RUNS
      }
    )
  })

  it('ca-cert as people paste it: indented, CRLF, trailing spaces, base64 (wrapped or not) all read as the PEM', () => {
    const paste = fc.record({
      indent: fc.constantFrom('', '  ', '        ', '\t'),
      lineEnd: fc.constantFrom('\n', '\r\n', '  \n', ' \r\n'),
      encoding: fc.constantFrom('pem', 'base64 -w0', 'base64')
    })
    fc.assert(
      fc.property(paste, ({ indent, lineEnd, encoding }) => {
        const pem = pki.caCert
          .split('\n')
          .map(line => (line === '' ? line : indent + line))
          .join(lineEnd)
        const encoded = Buffer.from(pem).toString('base64')
        const value =
          encoding === 'pem' ? pem : encoding === 'base64 -w0' ? encoded : (encoded.match(/.{1,76}/g) ?? []).join('\n')
        expect(readWith({ 'ca-cert': value }).config.caCert).toBe(normalizeCertificates(pki.caCert))
      }),
      { numRuns: 50 }
    )
  })

  it('buildkitd-config-inline: TOML-looking text and noise, merged with registries', () => {
    const tomlish = fc.array(
      fc.oneof(
        fc.constantFrom(
          '[worker.oci]',
          'max-parallelism = 4',
          '[registry."docker.io"]',
          'mirrors = ["m.internal"]',
          'debug = true',
          '[[x]]',
          'a = ',
          '= b',
          '[registry',
          'http = "yes"'
        ),
        noise
      ),
      { maxLength: 6 }
    )
    fc.assert(
      fc.property(tomlish, lines(registryLine), (toml, registries) =>
        check({ 'buildkitd-config-inline': toml.join('\n'), registries })
      ),
      { numRuns: RUNS }
    )
  })
})

// Valid input, generated from what the user means: each case must be accepted and read as meant.
// (The properties above would also hold if every input were refused.)

/** A DNS label as users write them: a letter first, so that no name reads as an IPv4 address. */
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/)
const dnsName = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([labels, upper]) => (upper ? labels.join('.').toUpperCase() : labels.join('.')))
const validHost = fc
  .tuple(
    fc.oneof(
      dnsName,
      fc.ipV4(),
      fc.ipV6().map(address => `[${address}]`)
    ),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })
  )
  .map(([name, port]) => (port === undefined ? name : `${name}:${port}`))
  // After a comma these words are a misplaced option, not a host (the parser's rule, tested in
  // registries.test.ts); the layout below may put any host after a comma.
  .filter(host => !OPTION_WORD.test(host))
/** Hosts are one key each whatever their case, as DNS compares them. */
const hostKey = (host: string): string => host.toLowerCase()

interface RegistryIntent {
  host: string
  transport: 'tls' | 'http' | 'insecure'
  /** A `ca=` file of its own (not with `http`, which takes no certificate). */
  ownCa: boolean
  /** Its options in the other order. */
  swapped: boolean
  space: string
}
const registryIntent: fc.Arbitrary<RegistryIntent> = fc
  .record({
    host: validHost,
    transport: fc.constantFrom('tls' as const, 'http' as const, 'insecure' as const),
    ownCa: fc.boolean(),
    swapped: fc.boolean(),
    space: fc.constantFrom(' ', '  ', '\t')
  })
  .map(intent => (intent.transport === 'http' ? { ...intent, ownCa: false } : intent))

function registryEntry(intent: RegistryIntent, caPath: string): string {
  const options = [intent.transport === 'tls' ? '' : intent.transport, intent.ownCa ? `ca=${caPath}` : ''].filter(
    option => option !== ''
  )
  return [intent.host, ...(intent.swapped ? options.reverse() : options)].join(intent.space)
}

type RegistriesLayout = { perLine: number; comma: string; before: string; after: string }[]

/** The `registries` text: entries on lines of their own or a few to a line with commas, comments and blank lines between. */
const registriesLayout = fc.array(
  fc.record({
    perLine: fc.integer({ min: 1, max: 3 }),
    comma: fc.constantFrom(',', ', ', ' , '),
    before: fc.constantFrom('', '# the team registries', '   '),
    after: fc.constantFrom('', '  # a comment')
  }),
  { minLength: 5, maxLength: 5 }
)

function registriesText(entries: string[], layout: RegistriesLayout): string {
  const lines: string[] = []
  let next = 0
  for (let group = 0; next < entries.length; group++) {
    const { perLine, comma, before, after } = layout[group % layout.length]
    if (before !== '') lines.push(before)
    lines.push(entries.slice(next, next + perLine).join(comma) + after)
    next += perLine
  }
  return lines.join('\n')
}

interface MirrorIntent {
  /** Absent: a line of mirrors alone, for Docker Hub. */
  upstream?: string
  mirrors: { host: string; path: string }[]
}
const mirrorIntent: fc.Arbitrary<MirrorIntent> = fc.record(
  {
    upstream: fc.option(validHost, { nil: undefined }),
    mirrors: fc.uniqueArray(
      fc.record({ host: validHost, path: fc.constantFrom('', '/proxy', '/dockerhub/library', '/a_b.c-d') }),
      { minLength: 1, maxLength: 3, selector: mirror => hostKey(mirror.host) + mirror.path }
    )
  },
  { requiredKeys: ['mirrors'] }
)

const username = fc.stringMatching(/^[A-Za-z0-9._@-]{1,12}$/)
/** Passwords hold `:`, `=` and `#` too; no white space (a ` #` starts a comment). */
const password = fc.stringMatching(/^[A-Za-z0-9!$%&*+.:=@^_~#-]{1,24}$/)

type PemForm = 'text' | 'base64' | 'path'
const pemForm = fc.constantFrom<PemForm>('text', 'base64', 'path')
const pemInput = (form: PemForm, text: string, path: string): string =>
  form === 'path' ? path : form === 'base64' ? Buffer.from(text).toString('base64') : text

describe('valid inputs, generated from what they mean: accepted, and read as meant', () => {
  it('registries, mirrors, credentials and PEM inputs together', () => {
    const valid = fc.record({
      registries: fc.uniqueArray(registryIntent, {
        minLength: 1,
        maxLength: 6,
        selector: intent => hostKey(intent.host)
      }),
      layout: registriesLayout,
      mirrors: fc.uniqueArray(mirrorIntent, {
        maxLength: 3,
        selector: intent => hostKey(intent.upstream ?? 'docker.io')
      }),
      /** Which registries get a `credentials` line, and with what. */
      credentials: fc.array(fc.option(fc.tuple(username, password), { nil: undefined }), {
        minLength: 6,
        maxLength: 6
      }),
      caCert: fc.option(pemForm, { nil: undefined }),
      clientKeypair: fc.option(fc.tuple(pemForm, pemForm), { nil: undefined })
    })
    fc.assert(
      fc.property(valid, intent => {
        const inputs: Record<string, string> = {
          registries: registriesText(
            intent.registries.map(registry => registryEntry(registry, pki.caCertPath)),
            intent.layout
          )
        }
        if (intent.mirrors.length > 0)
          inputs.mirror = intent.mirrors
            .map(({ upstream, mirrors }) => {
              const list = mirrors.map(mirror => mirror.host + mirror.path).join(',')
              return upstream === undefined ? list : `${upstream}=${list}`
            })
            .join('\n')
        const withCredentials = intent.registries.flatMap((registry, index) => {
          const given = intent.credentials[index]
          return given ? [{ host: registry.host, username: given[0], password: given[1] }] : []
        })
        if (withCredentials.length > 0)
          inputs.credentials = withCredentials.map(c => `${c.host}=${c.username}:${c.password}`).join('\n')
        if (intent.caCert) inputs['ca-cert'] = pemInput(intent.caCert, pki.caCert, pki.caCertPath)
        if (intent.clientKeypair) {
          inputs['client-cert'] = pemInput(intent.clientKeypair[0], pki.clientCert, pki.clientCertPath)
          inputs['client-key'] = pemInput(intent.clientKeypair[1], pki.clientKey, pki.clientKeyPath)
        }

        const read = readWith(inputs)

        expect(
          read.config.registries.map(({ host, transport, ownCa }) => ({
            host: host.text,
            transport,
            ownCa: ownCa !== ''
          }))
        ).toEqual(intent.registries.map(({ host, transport, ownCa }) => ({ host, transport, ownCa })))
        for (const registry of read.config.registries.filter(({ ownCa }) => ownCa !== ''))
          expect(registry.ownCa).toBe(normalizeCertificates(pki.caCert))
        expect(
          read.config.mirrors.map(({ upstream, mirrors }) => ({
            upstream: upstream.text,
            mirrors: mirrors.map(mirrorText)
          }))
        ).toEqual(
          intent.mirrors.map(({ upstream, mirrors }) => ({
            upstream: upstream ?? 'docker.io',
            mirrors: mirrors.map(mirror => mirror.host + mirror.path)
          }))
        )
        expect(read.host.credentials).toEqual(withCredentials)
        expect(read.config.caCert).toBe(intent.caCert ? normalizeCertificates(pki.caCert) : undefined)
        expect(read.config.clientKeypair).toEqual(
          intent.clientKeypair
            ? { cert: normalizeCertificates(pki.clientCert), key: normalizePrivateKey(pki.clientKey) }
            : undefined
        )
        expectSoundPlan(inputs)
      }),
      { numRuns: RUNS }
    )
  })
})
