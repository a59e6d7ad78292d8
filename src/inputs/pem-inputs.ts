import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import type { Keypair } from '../model.js'
import { InputError, inEntry } from './input-error.js'
import { readInputFile } from './input-file.js'
import {
  decodeBase64Pem,
  looksLikeBase64,
  looksLikePem,
  normalizeCertificates,
  normalizePrivateKey,
  parseCertificates,
  parsePrivateKey
} from './pem.js'
import type { RegistryLine } from './registries.js'
import { isExistingPath, maskPem } from './secret-inputs.js'
import { getInput, type InputName } from './input-names.js'

// host/daemon-registry-config.ts masks the keys of the daemon's certs.d with it.
export { maskPem }

// Inputs that hold PEM: text (usually a secret), base64 of that text, or a path to a file. Here they
// are read, masked in the log, and checked, so a truncated secret or a key in
// the wrong input fails the step with its input name rather than inside BuildKit.

/**
 * Reads an input that holds PEM text, base64 of it, or a path to a PEM file; masks it when it is
 * text (and a key always, in every form it takes here), and checks it. undefined when empty.
 */
export function readPemInput(input: InputName, holds: 'certificates' | 'key'): string | undefined {
  const value = getInput(input)
  if (value === '') return undefined
  const isText = looksLikePem(value) || decodeBase64Pem(value) !== undefined
  // Text in an input is likely a secret; a key is one wherever it was read from, in case a later step prints it.
  const isSecret = isText || holds === 'key'
  const given = isText ? value : readPemPath(input, value, holds === 'key')
  const pem = decodeBase64Pem(given) ?? given
  if (isSecret) maskPem(given, pem)
  const decoded = pem !== given ? 'base64-decoded ' : ''
  if (decoded) core.info(`${input}: decoded base64-encoded PEM${isText ? '' : ` from the file '${value}'`}`)
  try {
    const normalized = holds === 'certificates' ? normalizeCertificates(pem) : normalizePrivateKey(pem)
    // Tidying can re-wrap the lines, and lines are what the runner masks.
    if (isSecret) maskPem(normalized)
    return normalized
  } catch (error) {
    const expected =
      holds === 'key' ? 'an unencrypted PEM private key' : 'PEM certificate text (e.g. ${{ secrets.REGISTRY_CA }})'
    const given = isText ? `the ${decoded}PEM text` : `the file '${value}'${decoded ? ' (base64-decoded)' : ''}`
    throw new InputError(
      input,
      `${given} is not usable: ${(error as Error).message}`,
      `pass ${expected}, base64 of it, or a path to such a file`
    )
  }
}

/** A certificate and its key from two inputs: both or neither, and the key must match. */
export function readKeypairInputs(certInput: InputName, keyInput: InputName): Keypair | undefined {
  const cert = readPemInput(certInput, 'certificates')
  const key = readPemInput(keyInput, 'key')
  if (cert === undefined && key === undefined) return undefined
  if (cert === undefined)
    throw new InputError(
      certInput,
      `is empty while \`${keyInput}\` is set`,
      `pass the certificate (PEM text or a path) with its key, or drop \`${keyInput}\``
    )
  if (key === undefined)
    throw new InputError(
      keyInput,
      `is empty while \`${certInput}\` is set`,
      `pass the private key of the certificate (PEM text or a path), or drop \`${certInput}\``
    )
  const [leaf] = parseCertificates(cert)
  if (!leaf.checkPrivateKey(parsePrivateKey(key))) {
    throw new InputError(
      keyInput,
      `does not belong to the certificate in \`${certInput}\``,
      'pass the key that was issued with that certificate'
    )
  }
  return { cert, key }
}

/** The CAs a `registries` line names with `ca=`, read and checked, as one PEM ('' for none). */
export function readRegistryCas(registry: RegistryLine, input = 'registries'): string {
  // On a line of several entries a path cut at a comma reads as a missing file: say why.
  const commaHint = registry.entry === undefined ? '' : ' (a comma ends an entry, so a `ca=` path cannot hold one)'
  return inEntry(registry.entry, () =>
    registry.caPaths
      .map(path => {
        const given = readInputFile(
          input,
          path,
          `pass the CA in \`ca-cert\` as PEM text (e.g. from a secret)${commaHint}`,
          registry.line
        )
        const text = decodeBase64Pem(given) ?? given
        if (text !== given) core.info(`${input}, line ${registry.line}: decoded base64-encoded PEM from ca=${path}`)
        try {
          return normalizeCertificates(text)
        } catch (error) {
          throw new InputError(
            input,
            `ca=${path} is not a PEM certificate: ${(error as Error).message}`,
            "point ca= at the PEM file of the CA that signed this registry's certificate",
            registry.line
          )
        }
      })
      .join('')
  )
}

/**
 * The PEM of a value that is neither PEM nor base64 of it: a file's, when a file of that name
 * exists. `secret` (a key input): anything else may be the key in another form (a JWK, base64url),
 * so the error never quotes it (secret-inputs.ts masked it before any input was parsed).
 */
function readPemPath(input: string, value: string, secret: boolean): string {
  // Base64 that is not of PEM (a PEM body without its BEGIN and END lines, DER) may be a secret:
  // refused without showing it, unless a file of that name exists.
  if (looksLikeBase64(value) && !value.startsWith('/') && !existsSync(value)) {
    maskPem(value)
    throw new InputError(
      input,
      'is base64, but not of PEM text (decoded, it has no "-----BEGIN" line), and no file of that name exists',
      'pass the whole PEM text with its "-----BEGIN" and "-----END" lines, base64 of a whole PEM file (`base64 -w0 ' +
        'ca.pem`), or the path of a PEM file'
    )
  }
  if (secret && !isExistingPath(value))
    throw new InputError(
      input,
      'is not PEM text, nor base64 of it, nor the path of a file that exists (the value is not shown: it may be the ' +
        'key itself, in another format such as a JWK)',
      'pass the unencrypted private key as PEM text with its "-----BEGIN" and "-----END" lines (e.g. ' +
        '${{ secrets.CLIENT_KEY }}), base64 of it (`base64 -w0 client.key`), or the path of a PEM file on the runner'
    )
  if (value.includes('\n')) {
    throw new InputError(
      input,
      'is neither PEM text (no "-----BEGIN" line) nor a path to a file',
      'pass the PEM text itself, starting with "-----BEGIN", base64 of it, or the path of a PEM file'
    )
  }
  return readInputFile(input, value, 'pass the PEM text itself (e.g. from a secret)')
}
