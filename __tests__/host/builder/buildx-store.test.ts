import { lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readText, writeAtomically } from '../../../src/host/builder/buildx-store.js'

// buildx's store files, against a real directory.

const dir = (): string => mkdtempSync(join(tmpdir(), 'buildx-store-'))

describe('readText', () => {
  it('reads a store file, and takes a missing one as none', async () => {
    const store = dir()
    writeFileSync(join(store, 'current'), '{"Name":"b"}')
    expect(await readText(join(store, 'current'))).toBe('{"Name":"b"}')
    expect(await readText(join(store, 'missing'))).toBeUndefined()
  })
})

describe('writeAtomically', () => {
  it('writes 0600 and replaces a link at the path rather than writing through it', async () => {
    const store = dir()
    const target = join(store, 'elsewhere')
    writeFileSync(target, 'untouched')
    symlinkSync(target, join(store, 'current'))
    await writeAtomically(join(store, 'current'), 'new')
    expect(readFileSync(target, 'utf8')).toBe('untouched')
    const written = lstatSync(join(store, 'current'))
    expect(written.isSymbolicLink()).toBe(false)
    expect(written.mode & 0o777).toBe(0o600)
    expect(readFileSync(join(store, 'current'), 'utf8')).toBe('new')
  })
})
