import { spawn } from 'node:child_process'
import {
  existsSync,
  lstatSync,
  symlinkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  writeFileSync,
  closeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { directAccess, privilegedAccess } from '../../../src/host/edits/file-access.js'

// directAccess on real files, as root (the tests run as root). sudoAccess needs a user that is not
// root with passwordless sudo: the real tests' non-root jobs reach it, not these.

const workDir = (): string => mkdtempSync(join(tmpdir(), 'sbr-access-'))

describe('directAccess.writeFile', () => {
  let umask: number
  beforeEach(() => (umask = process.umask(0o077)))
  afterEach(() => process.umask(umask))

  it('replaces the file whole: a reader that opened the old one still reads the old one', async () => {
    const path = join(workDir(), 'daemon.json')
    writeFileSync(path, '{"old": true}')
    const reader = openSync(path, 'r')
    try {
      await directAccess.writeFile(path, '{"new": true}', { mode: 0o644 })
      const buffer = Buffer.alloc(64)
      expect(buffer.subarray(0, readSync(reader, buffer, 0, 64, 0)).toString()).toBe('{"old": true}')
    } finally {
      closeSync(reader)
    }
    expect(readFileSync(path, 'utf8')).toBe('{"new": true}')
  })

  it('gives the exact mode whatever the umask, the owner when asked, and leaves nothing staged', async () => {
    const dir = workDir()
    const path = join(dir, 'etc', 'docker', 'daemon.json')
    await directAccess.writeFile(path, '{}', { mode: 0o644, uid: 1234, gid: 5678 })
    const { mode, uid, gid } = statSync(path)
    expect({ mode: mode & 0o7777, uid, gid }).toEqual({ mode: 0o644, uid: 1234, gid: 5678 })
    expect(readdirSync(join(dir, 'etc', 'docker'))).toEqual(['daemon.json'])
  })

  it('keeps root as the owner when none is given', async () => {
    const path = join(workDir(), 'config.json')
    await directAccess.writeFile(path, Buffer.from('{}'), { mode: 0o600 })
    expect(statSync(path)).toMatchObject({ uid: 0, gid: 0 })
    expect(statSync(path).mode & 0o7777).toBe(0o600)
  })
})

describe('directAccess and symlinks (one another user may have planted)', () => {
  it('writeFile replaces a link at the path; the file it named keeps its bytes and mode', async () => {
    const dir = workDir()
    const victim = join(dir, 'victim')
    const link = join(dir, 'daemon.json')
    writeFileSync(victim, 'theirs', { mode: 0o600 })
    symlinkSync(victim, link)
    await directAccess.writeFile(link, '{}', { mode: 0o644 })
    expect(lstatSync(link).isSymbolicLink()).toBe(false)
    expect(readFileSync(link, 'utf8')).toBe('{}')
    expect(readFileSync(victim, 'utf8')).toBe('theirs')
    expect(statSync(victim).mode & 0o7777).toBe(0o600)
  })

  it('rm removes a link, never the file it names', async () => {
    const dir = workDir()
    const victim = join(dir, 'victim')
    const link = join(dir, 'ca.crt')
    writeFileSync(victim, 'theirs')
    symlinkSync(victim, link)
    await directAccess.rm(link)
    expect(existsSync(link)).toBe(false)
    expect(readFileSync(victim, 'utf8')).toBe('theirs')
  })
})

describe('directAccess: directories and removal', () => {
  it('mkdirs returns the directories it made, outermost first; none when all are there', async () => {
    const dir = workDir()
    const certs = join(dir, 'certs.d', 'reg:5000')
    expect(await directAccess.mkdirs(certs)).toEqual([join(dir, 'certs.d'), certs])
    expect(statSync(certs).isDirectory()).toBe(true)
    expect(await directAccess.mkdirs(certs)).toEqual([])
  })

  it('rm removes a file and does not mind one already gone', async () => {
    const path = join(workDir(), 'job.crt')
    writeFileSync(path, 'x')
    await directAccess.rm(path)
    await expect(directAccess.rm(path)).resolves.toBeUndefined()
    expect(() => statSync(path)).toThrow()
  })

  it('rmdirIfEmpty removes an empty directory and leaves one that holds something else', async () => {
    const dir = workDir()
    mkdirSync(join(dir, 'empty'))
    mkdirSync(join(dir, 'theirs'))
    writeFileSync(join(dir, 'theirs', 'ca.crt'), 'x')
    await directAccess.rmdirIfEmpty(join(dir, 'empty'))
    await directAccess.rmdirIfEmpty(join(dir, 'theirs'))
    await directAccess.rmdirIfEmpty(join(dir, 'never-was'))
    expect(readdirSync(dir)).toEqual(['theirs'])
    expect(readdirSync(join(dir, 'theirs'))).toEqual(['ca.crt'])
  })

  it('kill signals a process', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' })
    const exited = new Promise(resolve => child.once('exit', (_code, signal) => resolve(signal)))
    await directAccess.kill(child.pid!, 'SIGHUP')
    expect(await exited).toBe('SIGHUP')
  })
})

describe('privilegedAccess', () => {
  it('is direct access for paths the user owns, and for root anywhere', async () => {
    expect(await privilegedAccess(false, 'trust-docker-daemon')).toBe(directAccess)
    expect(await privilegedAccess(true, 'trust-docker-daemon')).toBe(directAccess)
  })
})
