import {
  decodeBase64Pem,
  looksLikeBase64,
  normalizeCertificates,
  normalizePrivateKey,
  parseCertificates,
  tidyPem
} from '../../src/inputs/pem.js'
import { makePki, type TestPki } from '../helpers/certs.js'

let pki: TestPki

beforeAll(() => {
  pki = makePki()
})

/** Every line indented as a YAML block would leave it when the secret was copied out of a YAML file. */
const indent = (pem: string, by = '      '): string =>
  pem
    .split('\n')
    .map(line => (line === '' ? line : by + line))
    .join('\n')
const crlf = (pem: string): string => pem.replace(/\n/g, '\r\n')
const trailingSpaces = (pem: string): string => pem.replace(/\n/g, '  \n')
/** What a YAML plain scalar makes of a multi-line value: the line breaks folded into spaces. */
const folded = (pem: string): string => pem.trim().replace(/\n/g, ' ')
/** `base64 ca.pem` as coreutils prints it: lines of 76. */
const base64Wrapped = (text: string): string =>
  (
    Buffer.from(text)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\n')

describe('PEM as people paste it reads as the PEM it was', () => {
  it.each([
    ['indented by a YAML block', indent],
    ['indented with a tab', (pem: string) => indent(pem, '\t')],
    ['with CRLF line ends (edited on Windows)', crlf],
    ['with trailing spaces', trailingSpaces],
    ['indented, CRLF and trailing spaces at once', (pem: string) => crlf(trailingSpaces(indent(pem)))],
    ['folded onto one line', folded]
  ])('a certificate %s', (_, paste) => {
    expect(normalizeCertificates(paste(pki.caCert))).toBe(normalizeCertificates(pki.caCert))
  })

  it('a bundle of two certificates, each indented differently', () => {
    const bundle = `${indent(pki.caCert, '  ')}\n${indent(pki.clientCert, '    ')}`
    expect(parseCertificates(bundle).map(cert => cert.subject)).toEqual(
      parseCertificates(pki.caCert + pki.clientCert).map(cert => cert.subject)
    )
  })

  it.each([
    ['indented by a YAML block', indent],
    ['with CRLF line ends', crlf],
    ['folded onto one line', folded]
  ])('a private key %s: only the key block, as BuildKit reads it', (_, paste) => {
    expect(normalizePrivateKey(paste(pki.clientKey))).toBe(pki.clientKey.trim() + '\n')
  })

  it('a key with text around it (openssl pkcs12 "Bag Attributes"): the block alone is kept', () => {
    const exported = `Bag Attributes\n    localKeyID: 01 02\nKey Attributes: <No Attributes>\n${pki.clientKey}`
    expect(normalizePrivateKey(exported)).toBe(pki.clientKey.trim() + '\n')
  })

  it('tidies nothing of a PEM already well formed', () => {
    expect(tidyPem(pki.caCert)).toBe(pki.caCert)
  })

  it('re-wraps base64 in lines of 64, markers at the line starts', () => {
    const tidied = tidyPem(folded(indent(pki.caCert)))
    for (const line of tidied.split('\n')) expect(line.length).toBeLessThanOrEqual(64)
    expect(tidied.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true)
  })
})

describe('base64-encoded PEM', () => {
  it.each([
    ['on one line (base64 -w0)', (text: string) => Buffer.from(text).toString('base64')],
    ['in lines of 76 (base64)', base64Wrapped],
    ['indented, with CRLF', (text: string) => crlf(indent(base64Wrapped(text)))]
  ])('is decoded %s', (_, encode) => {
    expect(decodeBase64Pem(encode(pki.caCert))).toBe(pki.caCert)
    expect(decodeBase64Pem(encode(pki.clientKey))).toBe(pki.clientKey)
  })

  it.each([
    ['a path', '/home/runner/work/app/app/certs/registry-ca.pem'],
    ['a relative path of base64 letters', 'certs/internal/registry/cabundle1234567890'],
    ['too short to hold PEM', Buffer.from('-----BEGIN ').toString('base64')],
    ['base64 of something else', Buffer.from('x'.repeat(60)).toString('base64')],
    ['PEM text itself', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----']
  ])('is not found in %s', (_, value) => {
    expect(decodeBase64Pem(value)).toBeUndefined()
  })

  it('tells base64 letters from a path with dots or dashes', () => {
    const body = pki.clientKey.split('\n').slice(1, -2).join('\n')
    expect(looksLikeBase64(body)).toBe(true)
    expect(looksLikeBase64('/etc/ssl/certs/registry-ca.pem')).toBe(false)
    expect(looksLikeBase64('short')).toBe(false)
  })
})

describe('what is really wrong is still said', () => {
  it('a truncated certificate, even indented', () => {
    const lines = pki.caCert.split('\n')
    const truncated = [...lines.slice(0, 4), lines[lines.length - 2]].join('\n')
    expect(() => normalizeCertificates(indent(truncated))).toThrow(/certificate 1 of 1 does not parse.+truncated/)
  })

  it('a key in the certificate input', () => {
    expect(() => normalizeCertificates(indent(pki.clientKey))).toThrow('it holds no "BEGIN CERTIFICATE" block')
  })

  it('a certificate in the key input', () => {
    expect(() => normalizePrivateKey(indent(pki.clientCert))).toThrow('it is not a PEM private key')
  })

  it.each([
    ['PKCS#8', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n'],
    [
      'traditional (Proc-Type header), indented',
      indent(
        '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nMIIB\n-----END RSA PRIVATE KEY-----\n'
      )
    ]
  ])('an encrypted key: %s', (_, key) => {
    expect(() => normalizePrivateKey(key)).toThrow('it is encrypted, and BuildKit cannot take a passphrase')
  })

  it('a block whose body is not base64 is left for the parser to refuse', () => {
    const garbled = '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----'
    expect(tidyPem(garbled)).toBe(garbled)
    expect(() => normalizeCertificates(garbled)).toThrow('does not parse')
  })
})
