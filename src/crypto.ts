import { closeSync, openSync, readSync } from 'node:fs'

// node:crypto, loaded on first use. Node takes about 4 ms to load it, and an `import` at the top of
// a module pays that at every step's start, before the builder is created or removed, though most
// steps (plain-HTTP registries, post) parse, hash and verify nothing. A step needs random names
// before it needs anything else of it: those come from the kernel's generator.
// process.getBuiltinModule, not createRequire(import.meta.url): ncc's webpack turns the latter into
// `undefined` in the bundle.

let loaded: typeof import('node:crypto') | undefined

/** node:crypto itself, loaded now if it is not yet. */
export function nodeCrypto(): typeof import('node:crypto') {
  return (loaded ??= process.getBuiltinModule('node:crypto'))
}

/**
 * `bytes` random bytes as hex, for names no one can guess (job directories, staged files, file
 * command delimiters): from /dev/urandom, as node:crypto's randomBytes gets them on Linux; from
 * node:crypto where there is no such file (Windows).
 */
export function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes)
  let fd: number | undefined
  try {
    fd = openSync('/dev/urandom', 'r')
    if (readSync(fd, buffer, 0, bytes, null) === bytes) return buffer.toString('hex')
  } catch {
    // No /dev/urandom here.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  return nodeCrypto().randomBytes(bytes).toString('hex')
}

/** A random (version 4) UUID, as node:crypto's randomUUID makes one. */
export function randomUuid(): string {
  const bytes = Buffer.from(randomHex(16), 'hex')
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-')
}

/** The SHA-256 digest of `data`, in hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex')
}
