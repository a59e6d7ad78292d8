import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { directAccess } from '../../../src/host/edits/file-access.js'
import { backUp, fileNow, putBack, readIfExists, sha256, type FileChange } from '../../../src/host/edits/file-undo.js'

// Real files in a temp directory, as root (the tests run as root): owners can be given away and checked.

const workDir = (): string => mkdtempSync(join(tmpdir(), 'sbr-undo-'))
const OLD = '{\n  "auths": {}\n}\n'
const NEW = '{\n  "auths": { "reg:5000": {} }\n}\n'

/** A file of someone else's, as main finds it: its own mode and owner. */
function theirFile(dir: string): string {
  const path = join(dir, 'config.json')
  writeFileSync(path, OLD)
  chmodSync(path, 0o640)
  chownSync(path, 1234, 5678)
  return path
}

describe('sha256', () => {
  it('is the hex digest of text or bytes', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256(Buffer.from('abc'))).toBe(sha256('abc'))
  })
})

describe('readIfExists', () => {
  it('reads a file, and is undefined only when there is none', async () => {
    const dir = workDir()
    writeFileSync(join(dir, 'f'), 'x')
    expect((await readIfExists(join(dir, 'f')))?.toString()).toBe('x')
    expect(await readIfExists(join(dir, 'missing'))).toBeUndefined()
    // A directory where a file should be is a fault to report, not "no file".
    await expect(readIfExists(dir)).rejects.toMatchObject({ code: 'EISDIR' })
  })
})

describe('backUp', () => {
  it('copies the file into a private backup and records its digest, mode and owner', async () => {
    const dir = workDir()
    const path = theirFile(dir)
    const backup = join(dir, 'job', 'config.json.backup')
    mkdirSync(join(dir, 'job'))
    expect(await backUp(path, backup)).toEqual({ backup, sha256: sha256(OLD), mode: 0o640, uid: 1234, gid: 5678 })
    expect(readFileSync(backup, 'utf8')).toBe(OLD)
    // It may hold credentials.
    expect(statSync(backup).mode & 0o777).toBe(0o600)
  })

  it('records nothing and copies nothing when there is no file', async () => {
    const dir = workDir()
    expect(await backUp(join(dir, 'missing'), join(dir, 'backup'))).toBeUndefined()
    expect(existsSync(join(dir, 'backup'))).toBe(false)
  })
})

describe('fileNow and putBack', () => {
  async function changed(dir: string): Promise<{ path: string; change: FileChange }> {
    const path = theirFile(dir)
    const before = await backUp(path, join(dir, 'backup'))
    writeFileSync(path, NEW)
    chmodSync(path, 0o600)
    chownSync(path, 0, 0)
    return { path, change: { path, before, written: sha256(NEW) } }
  }

  it('gives the file back byte for byte, with its mode and owner', async () => {
    const dir = workDir()
    const { path, change } = await changed(dir)
    expect(await fileNow(change)).toEqual({ state: 'as-written', text: NEW })
    await putBack(change, directAccess)
    expect(readFileSync(path, 'utf8')).toBe(OLD)
    const { mode, uid, gid } = statSync(path)
    expect({ mode: mode & 0o7777, uid, gid }).toEqual({ mode: 0o640, uid: 1234, gid: 5678 })
    expect(await fileNow(change)).toEqual({ state: 'as-before', text: OLD })
  })

  it('removes a file main created, which is then as before', async () => {
    const dir = workDir()
    const path = join(dir, 'daemon.json')
    writeFileSync(path, NEW)
    const change: FileChange = { path, written: sha256(NEW) }
    expect((await fileNow(change)).state).toBe('as-written')
    await putBack(change, directAccess)
    expect(existsSync(path)).toBe(false)
    expect(await fileNow(change)).toEqual({ state: 'as-before', text: undefined })
  })

  it("tells a file someone changed since main, with that file's text", async () => {
    const dir = workDir()
    const { path, change } = await changed(dir)
    writeFileSync(path, '{"theirs": true}')
    expect(await fileNow(change)).toEqual({ state: 'changed', text: '{"theirs": true}' })
  })

  it('tells a file that was there before, which main changed and someone removed, as changed', async () => {
    const dir = workDir()
    const { path, change } = await changed(dir)
    await directAccess.rm(path)
    expect(await fileNow(change)).toEqual({ state: 'changed', text: undefined })
  })
})

describe('backUp and a symlink', () => {
  it('refuses a link at the path before copying anything, naming it and what to do', async () => {
    const dir = workDir()
    const victim = theirFile(dir)
    const link = join(dir, 'buildkitd.toml')
    symlinkSync(victim, link)
    await expect(backUp(link, join(dir, 'backup'))).rejects.toThrow(
      `${link} is a symbolic link (to ${victim}): the action neither reads nor writes another file through a link it did not make. Name the file itself, or remove the link`
    )
    expect(existsSync(join(dir, 'backup'))).toBe(false)
  })
})
