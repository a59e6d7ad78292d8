import { createHash, randomUUID } from 'node:crypto'
import { nodeCrypto, randomHex, randomUuid, sha256Hex } from '../src/crypto.js'

describe('crypto: node:crypto on first use, random names without it', () => {
  it('randomHex: the bytes asked for, as hex, different each time', () => {
    const names = Array.from({ length: 100 }, () => randomHex(6))
    expect(names.every(name => /^[0-9a-f]{12}$/.test(name))).toBe(true)
    expect(new Set(names).size).toBe(100)
  })

  it('randomUuid: a version 4 UUID in randomUUID’s form', () => {
    const form = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    expect(randomUUID()).toMatch(form)
    const uuids = Array.from({ length: 100 }, () => randomUuid())
    expect(uuids.every(uuid => form.test(uuid))).toBe(true)
    expect(new Set(uuids).size).toBe(100)
  })

  it('sha256Hex: node:crypto’s SHA-256 of text and bytes', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    const bytes = Buffer.from([0, 1, 2, 255])
    expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  it('nodeCrypto: node:crypto itself, loaded once', () => {
    expect(nodeCrypto().createHash).toBe(createHash)
    expect(nodeCrypto()).toBe(nodeCrypto())
  })
})
