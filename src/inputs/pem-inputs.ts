import * as core from '@actions/core'
import type { Keypair } from '../model.js'
import { InputError } from './input-error.js'
import { readInputFile } from './input-file.js'
import { looksLikePem, normalizeCertificates, parseCertificates, parsePrivateKey } from './pem.js'
import type { RegistryLine } from './registries.js'

// Inputs that hold PEM: text (usually a secret) or a path to a file. Here they
// are read, masked in the log, and checked, so a truncated secret or a key in
// the wrong input fails the step with its input name rather than inside BuildKit.

/**
 * Reads an input that holds PEM text or a path to a PEM file, masks it when
 * it is text (and a key always), and checks it. undefined when empty.
 */
export function readPemInput(input: string, holds: 'certificates' | 'key'): string | undefined {
  const value = core.getInput(input)
  if (value === '') return undefined
  const isText = looksLikePem(value)
  if (isText) maskPem(value)
  const pem = isText ? value : readPemPath(input, value)
  // A key read from a file is masked too, in case a later step prints it.
  if (!isText && holds === 'key') maskPem(pem)
  try {
    if (holds === 'certificates') return normalizeCertificates(pem)
    parsePrivateKey(pem)
    return pem.trim() + '\n'
  } catch (error) {
    const expected =
      holds === 'key' ? 'an unencrypted PEM private key' : 'PEM certificate text (e.g. ${{ secrets.REGISTRY_CA }})'
    throw new InputError(
      input,
      `${isText ? 'the PEM text' : `the file '${value}'`} is not usable: ${(error as Error).message}`,
      `pass ${expected} or a path to such a file`
    )
  }
}

/** A certificate and its key from two inputs: both or neither, and the key must match. */
export function readKeypairInputs(certInput: string, keyInput: string): Keypair | undefined {
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
  return registry.caPaths
    .map(path => {
      const text = readInputFile(
        input,
        path,
        'pass the CA in `ca-cert` as PEM text (e.g. from a secret)',
        registry.line
      )
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
}

function readPemPath(input: string, value: string): string {
  if (value.includes('\n')) {
    throw new InputError(
      input,
      'is neither PEM text (no "-----BEGIN" line) nor a path to a file',
      'pass the PEM text itself, starting with "-----BEGIN", or the path of a PEM file'
    )
  }
  if (/^[A-Za-z0-9+/=]{40,}$/.test(value) && Buffer.from(value, 'base64').toString('latin1').includes('-----BEGIN ')) {
    throw new InputError(
      input,
      'looks like base64-encoded PEM',
      'store the PEM text itself in the secret, or decode it in an earlier step and pass the file path'
    )
  }
  return readInputFile(input, value, 'pass the PEM text itself (e.g. from a secret)')
}

function maskPem(pem: string): void {
  core.setSecret(pem)
  // The runner masks a multi-line secret line by line only when each line is registered.
  for (const line of pem.split(/\r?\n/)) {
    if (line.trim() !== '' && !line.startsWith('-----')) core.setSecret(line.trim())
  }
}
