import { lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFile, createPrivateDir, replaceFile, stagedPath } from '../../src/host/file-write.js'

// Real files, as root (the tests run as root): what another user could plant is planted here.

const workDir = (): string => mkdtempSync(join(tmpdir(), 'sbr-file-write-'))

/** A file of someone else's that a planted link points to. */
function victim(dir: string): string {
  const path = join(dir, 'victim')
  writeFileSync(path, 'theirs', { mode: 0o600 })
  return path
}

describe('createFile', () => {
  let umask: number
  beforeEach(() => (umask = process.umask(0o077)))
  afterEach(() => process.umask(umask))

  it('makes a new file with the exact mode whatever the umask, and the owner given', async () => {
    const path = join(workDir(), 'ca.pem')
    await createFile(path, 'pem', { mode: 0o644, uid: 1234, gid: 5678 })
    const { mode, uid, gid } = statSync(path)
    expect({ mode: mode & 0o7777, uid, gid, text: readFileSync(path, 'utf8') }).toEqual({
      mode: 0o644,
      uid: 1234,
      gid: 5678,
      text: 'pem'
    })
  })

  it('refuses a link at the path and leaves the file it names as it was', async () => {
    const dir = workDir()
    const target = victim(dir)
    const link = join(dir, 'client.key')
    symlinkSync(target, link)
    await expect(createFile(link, 'key', { mode: 0o644 })).rejects.toMatchObject({ code: 'EEXIST' })
    expect(readFileSync(target, 'utf8')).toBe('theirs')
    expect(statSync(target).mode & 0o7777).toBe(0o600)
  })
})

describe('replaceFile', () => {
  it('replaces a link at the path with the file, and leaves nothing staged', async () => {
    const dir = workDir()
    const target = victim(dir)
    const path = join(dir, 'current')
    symlinkSync(target, path)
    await replaceFile(path, 'ours', { mode: 0o600 })
    expect(lstatSync(path).isSymbolicLink()).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe('ours')
    expect(readFileSync(target, 'utf8')).toBe('theirs')
    expect(readdirSync(dir).sort()).toEqual(['current', 'victim'])
  })

  it('stages under a new random name each time, beside the file', () => {
    const names = new Set([1, 2, 3].map(() => stagedPath('/etc/docker/daemon.json')))
    expect(names.size).toBe(3)
    for (const name of names) expect(name).toMatch(/^\/etc\/docker\/\.daemon\.json\.[0-9a-f]{16}\.sbr-tmp$/)
  })
})

describe('createPrivateDir', () => {
  it('makes the directory with the exact mode whatever the umask; fails when anything is there', async () => {
    const umask = process.umask(0o022)
    try {
      const dir = join(workDir(), 'job')
      await createPrivateDir(dir, 0o700)
      expect(statSync(dir).mode & 0o7777).toBe(0o700)
      await expect(createPrivateDir(dir, 0o700)).rejects.toMatchObject({ code: 'EEXIST' })
    } finally {
      process.umask(umask)
    }
  })
})
