import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g
const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/

/** True when an input value is PEM text rather than a path to a file. */
export function looksLikePem(value: string): boolean {
  return value.includes('-----BEGIN ')
}

/**
 * The certificates in a PEM bundle, each parsed, so that a truncated secret or
 * a key pasted into the wrong input is caught here rather than inside BuildKit.
 * Throws a plain Error saying what is wrong; callers add the input name.
 */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? []
  if (blocks.length === 0) {
    throw new Error(
      looksLikePem(pem)
        ? 'it holds no "BEGIN CERTIFICATE" block'
        : 'it is not PEM text (no "-----BEGIN CERTIFICATE-----" line)'
    )
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block)
    } catch (error) {
      throw new Error(
        `certificate ${index + 1} of ${blocks.length} does not parse (${(error as Error).message}); the secret may be truncated`
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
  const block = PRIVATE_KEY_BLOCK.exec(pem)
  if (!block) throw new Error('it is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" block)')
  if (block[1] === 'ENCRYPTED PRIVATE KEY') throw new Error('it is encrypted, and BuildKit cannot take a passphrase')
  try {
    return createPrivateKey(block[0])
  } catch (error) {
    throw new Error(`it does not parse (${(error as Error).message})`)
  }
}
