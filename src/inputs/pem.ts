import type { KeyObject, X509Certificate } from 'node:crypto'
import { nodeCrypto } from '../crypto.js'

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g
const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/
/** Any PEM block, its markers anywhere on their lines: YAML indentation or folding moves them off the line starts. */
const ANY_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
/**
 * Shorter than any PEM worth decoding (the markers alone are 50 characters), and than most paths that happen to be
 * base64 letters.
 */
const MIN_BASE64_LENGTH = 40

/** The certificate blocks of PEM text, each whole with its markers. Pure. */
export function certificateBlocks(pem: string): string[] {
  return pem.match(CERTIFICATE_BLOCK) ?? []
}

/** True when an input value is PEM text rather than a path to a file. */
export function looksLikePem(value: string): boolean {
  return value.includes('-----BEGIN ')
}

/**
 * The text of a value that is base64 of PEM text (a secret stored as `base64 -w0 ca.pem`, or wrapped
 * as `base64` prints it); undefined for anything else. The decoded text is as secret as the value.
 */
export function decodeBase64Pem(value: string): string | undefined {
  if (!looksLikeBase64(value)) return undefined
  const text = Buffer.from(value.replace(/\s+/g, ''), 'base64').toString('utf8')
  return looksLikePem(text) ? text : undefined
}

/** True when a value is long enough and made only of base64 letters (white space aside). */
export function looksLikeBase64(value: string): boolean {
  const compact = value.replace(/\s+/g, '')
  return compact.length >= MIN_BASE64_LENGTH && BASE64.test(compact)
}

/**
 * Every PEM block rewritten as OpenSSL and Go read PEM: markers at the line starts, base64 in lines of
 * 64, no CR. So a PEM indented by a YAML block, folded onto one line, edited on Windows or with
 * trailing spaces reads as the PEM it was; the text around the blocks is kept. A block whose body is
 * not base64 is left as it is, for the parser to report.
 */
export function tidyPem(text: string): string {
  return text.replace(ANY_BLOCK, (block, label: string, body: string) => {
    const lines = body
      .split(/\r?\n|\r/)
      .map(line => line.trim())
      .filter(line => line !== '')
    // RFC 1421 headers (`Proc-Type: 4,ENCRYPTED` of an old encrypted key) come first, each with a colon.
    const headerCount = lines.findIndex(line => !line.includes(':'))
    const headers = lines.slice(0, headerCount === -1 ? lines.length : headerCount)
    const data = lines.slice(headers.length).join('').replace(/\s+/g, '')
    if (data !== '' && !BASE64.test(data)) return block
    return [
      `-----BEGIN ${label}-----`,
      ...(headers.length > 0 ? [...headers, ''] : []),
      ...(data.match(/.{1,64}/g) ?? []),
      `-----END ${label}-----`
    ].join('\n')
  })
}

/**
 * The certificates in a PEM bundle, each parsed, so that a truncated secret or
 * a key pasted into the wrong input is caught here rather than inside BuildKit.
 * Throws a plain Error saying what is wrong; callers add the input name.
 */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = certificateBlocks(tidyPem(pem))
  if (blocks.length === 0) {
    throw new Error(
      looksLikePem(pem)
        ? 'it holds no "BEGIN CERTIFICATE" block'
        : 'it is not PEM text (no "-----BEGIN CERTIFICATE-----" line)'
    )
  }
  return blocks.map((block, index) => {
    try {
      return new (nodeCrypto().X509Certificate)(block)
    } catch (error) {
      throw new Error(
        `certificate ${index + 1} of ${blocks.length} does not parse (${(error as Error).message}); the secret may ` +
          'be truncated'
      )
    }
  })
}

/** The PEM blocks alone, one per line group, so whatever surrounds them in a secret is not written out. */
export function normalizeCertificates(pem: string): string {
  return `${parseCertificates(pem)
    .map(certificate => certificate.toString().trim())
    .join('\n')}\n`
}

/** Parses an unencrypted private key; BuildKit cannot ask for a passphrase. */
export function parsePrivateKey(pem: string): KeyObject {
  const block = privateKeyBlock(pem)
  try {
    return nodeCrypto().createPrivateKey(block)
  } catch (error) {
    throw new Error(`it does not parse (${(error as Error).message})`)
  }
}

/** The private key block alone, tidied and checked, as it is written out for BuildKit. */
export function normalizePrivateKey(pem: string): string {
  parsePrivateKey(pem)
  return `${privateKeyBlock(pem)}\n`
}

function privateKeyBlock(pem: string): string {
  const block = PRIVATE_KEY_BLOCK.exec(tidyPem(pem))
  if (!block) throw new Error('it is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" block)')
  if (block[1] === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type: *4, *ENCRYPTED/m.test(block[0]))
    throw new Error('it is encrypted, and BuildKit cannot take a passphrase')
  return block[0]
}
