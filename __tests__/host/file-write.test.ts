import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createFile,
  createPrivateDir,
  inSharedDir,
  inSharedDirSync,
  removeDirIfEmpty,
  replaceFile,
  stagedPath
} from '../../src/host/file-write.js'

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

describe("inSharedDir and removeDirIfEmpty (the directories jobs share in buildx's store)", () => {
  it("makes the file again when another job's post removed the empty directory between its mkdir and the file", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sbr-shared-')), 'leases')
    let removals = 0
    await inSharedDir(dir, async () => {
      // Another job's post, at the worst moment: right after this job made the directory.
      if (removals++ < 2) rmdirSync(dir)
      await createFile(join(dir, 'lease.json'), '{}', { mode: 0o644 })
    })
    expect(removals).toBe(3)
    expect(readdirSync(dir)).toEqual(['lease.json'])

    const syncDir = join(dir, '..', 'jobs')
    let syncRemovals = 0
    inSharedDirSync(
      syncDir,
      () => {
        if (syncRemovals++ === 0) rmdirSync(syncDir)
        writeFileSync(join(syncDir, 'record.json'), '{}', { flag: 'wx' })
      },
      0o700
    )
    expect(readdirSync(syncDir)).toEqual(['record.json'])
    expect(statSync(syncDir).mode & 0o777).toBe(0o700)
  })

  it('gives up on a directory that keeps vanishing, with the error of the last try', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sbr-shared-')), 'leases')
    let tries = 0
    const vanishing = inSharedDir(dir, async () => {
      tries++
      rmdirSync(dir)
      await createFile(join(dir, 'lease.json'), '{}', { mode: 0o644 })
    })
    await expect(vanishing).rejects.toMatchObject({ code: 'ENOENT' })
    expect(tries).toBe(5)
  })

  it('removes a directory only when it is empty, and is quiet when it is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbr-shared-'))
    mkdirSync(join(dir, 'full'))
    writeFileSync(join(dir, 'full', 'warm.json'), '{}')
    mkdirSync(join(dir, 'empty'))
    await removeDirIfEmpty(join(dir, 'full'))
    await removeDirIfEmpty(join(dir, 'empty'))
    await removeDirIfEmpty(join(dir, 'never-made'))
    expect(readdirSync(dir)).toEqual(['full'])
    expect(existsSync(join(dir, 'full', 'warm.json'))).toBe(true)
  })
})
