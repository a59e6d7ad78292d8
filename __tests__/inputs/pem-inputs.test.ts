import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readKeypairInputs, readPemInput, readRegistryCas } from '../../src/inputs/pem-inputs.js'
import { normalizeCertificates } from '../../src/inputs/pem.js'
import { parseRegistries } from '../../src/inputs/registries.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { inputErrorOf } from '../helpers/input-errors.js'
import { withInputs } from '../helpers/inputs.js'
import { captureStdout } from '../helpers/stdout.js'

let pki: TestPki
let scratch: string
/** What the step wrote to stdout: log lines and workflow commands such as ::add-mask::. */
let stdout: string

beforeAll(() => {
  pki = makePki()
  scratch = mkdtempSync(join(tmpdir(), 'sbr-pem-inputs-'))
})

captureStdout(written => (stdout = written))

/** The values registered with ::add-mask::. */
const masked = (): string[] =>
  stdout
    .split('\n')
    .filter(line => line.startsWith('::add-mask::'))
    .map(line => line.slice('::add-mask::'.length))
/** The log a user sees: everything but the ::add-mask:: commands the runner consumes. */
const visible = (): string =>
  stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
/** The lines of a PEM that are secret: all but the markers. */
const bodyLines = (pem: string): string[] =>
  pem
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('-----'))

const base64 = (text: string): string => Buffer.from(text).toString('base64')
const wrapped = (text: string): string => (base64(text).match(/.{1,76}/g) ?? []).join('\n')
const indent = (pem: string): string =>
  pem
    .split('\n')
    .map(line => (line === '' ? line : `    ${line}`))
    .join('\n')

describe('base64-encoded PEM inputs', () => {
  it('ca-cert: decoded, said in the log without the secret, read as the PEM itself', () => {
    withInputs({ 'ca-cert': base64(pki.caCert) })
    expect(readPemInput('ca-cert', 'certificates')).toBe(normalizeCertificates(pki.caCert))
    expect(visible()).toContain('ca-cert: decoded base64-encoded PEM')
    expect(visible()).not.toContain(base64(pki.caCert).slice(0, 20))
    for (const line of bodyLines(pki.caCert)) expect(visible()).not.toContain(line)
  })

  it('client-key wrapped as `base64` prints it: the value, each of its lines and the decoded key are masked', () => {
    withInputs({ 'client-cert': pki.clientCert, 'client-key': wrapped(pki.clientKey) })
    expect(readKeypairInputs('client-cert', 'client-key')?.key).toBe(pki.clientKey.trim() + '\n')
    expect(masked()).toEqual(
      expect.arrayContaining([...bodyLines(pki.clientKey), ...wrapped(pki.clientKey).split('\n')])
    )
    expect(visible()).toContain('client-key: decoded base64-encoded PEM')
    for (const line of [...bodyLines(pki.clientKey), ...wrapped(pki.clientKey).split('\n')])
      expect(visible()).not.toContain(line)
  })

  it('a key file holding base64: decoded, named, and the decoded key masked', () => {
    const path = join(scratch, 'client.key.b64')
    writeFileSync(path, base64(pki.clientKey) + '\n')
    withInputs({ 'client-key': path })
    expect(readPemInput('client-key', 'key')).toBe(pki.clientKey.trim() + '\n')
    expect(visible()).toContain(`client-key: decoded base64-encoded PEM from the file '${path}'`)
    expect(masked()).toEqual(expect.arrayContaining([base64(pki.clientKey), ...bodyLines(pki.clientKey)]))
  })

  it("a registry's ca= file holding base64: decoded, naming the line", () => {
    const path = join(scratch, 'ca.b64')
    writeFileSync(path, wrapped(pki.caCert))
    const [registry] = parseRegistries(`# ours\nreg.example.com ca=${path}`)
    expect(readRegistryCas(registry)).toBe(normalizeCertificates(pki.caCert))
    expect(visible()).toContain(`registries, line 2: decoded base64-encoded PEM from ca=${path}`)
  })

  it('base64 of a key in ca-cert: the error says what it holds, never the secret', () => {
    withInputs({ 'ca-cert': base64(pki.clientKey) })
    const error = inputErrorOf(() => readPemInput('ca-cert', 'certificates'))
    expect(error.message).toContain('the base64-decoded PEM text is not usable: it holds no "BEGIN CERTIFICATE" block')
    expect(error.message).not.toContain(base64(pki.clientKey).slice(0, 20))
    expect(masked()).toEqual(expect.arrayContaining(bodyLines(pki.clientKey)))
  })

  it('a key body without its BEGIN and END lines: refused as base64 that is not PEM, masked, not shown', () => {
    const body = bodyLines(pki.clientKey).join('')
    withInputs({ 'client-key': body })
    const error = inputErrorOf(() => readPemInput('client-key', 'key'))
    expect(error.input).toBe('client-key')
    expect(error.message).toContain('is base64, but not of PEM text')
    expect(error.message).toContain('base64 -w0')
    expect(error.message).not.toContain(body.slice(0, 20))
    expect(masked()).toContain(body)
  })
})

describe('PEM indented by YAML, or edited on Windows', () => {
  it('client-cert and client-key indented, with CRLF: read as the PEM they were, every key line masked', () => {
    withInputs({
      'client-cert': indent(pki.clientCert).replace(/\n/g, '\r\n'),
      'client-key': indent(pki.clientKey).replace(/\n/g, '\r\n')
    })
    expect(readKeypairInputs('client-cert', 'client-key')).toEqual({
      cert: normalizeCertificates(pki.clientCert),
      key: pki.clientKey.trim() + '\n'
    })
    expect(masked()).toEqual(expect.arrayContaining(bodyLines(pki.clientKey)))
    expect(masked()).not.toContain('-----END PRIVATE KEY-----')
    expect(visible()).not.toContain('decoded')
  })

  it('a key folded onto one line (a YAML plain scalar): the lines it is re-wrapped into are masked too', () => {
    withInputs({ 'client-key': pki.clientKey.trim().replace(/\n/g, ' ') })
    readPemInput('client-key', 'key')
    expect(masked()).toEqual(expect.arrayContaining(bodyLines(pki.clientKey)))
  })
})

describe('a ca= path on a line of several entries', () => {
  it('a file name cut at a comma: the missing file names its entry and says why', () => {
    const [registry] = parseRegistries(`reg.example.com ca=${scratch}/a,b.pem`)
    const error = inputErrorOf(() => readRegistryCas(registry))
    expect(error.message).toContain(
      `Input 'registries', line 1, entry 1 ('reg.example.com ca=${scratch}/a'): the file '${scratch}/a' does not exist`
    )
    expect(error.message).toContain('a comma ends an entry, so a `ca=` path cannot hold one')
  })

  it('a ca= file that is not a certificate names its line and entry', () => {
    const [, registry] = parseRegistries(`a.example.com, b.example.com ca=${pki.clientKeyPath}`)
    const error = inputErrorOf(() => readRegistryCas(registry))
    expect(error.line).toBe(1)
    expect(error.entry).toBe(`entry 2 ('b.example.com ca=${pki.clientKeyPath}')`)
    expect(error.message).toContain(`ca=${pki.clientKeyPath} is not a PEM certificate`)
  })
})
