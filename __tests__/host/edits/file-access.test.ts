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

describe('directAccess through a symlink (a config.json an admin links to a shared file)', () => {
  it('writeFile replaces the file the link names and keeps the link, as docker/cli saves it', async () => {
    const dir = workDir()
    const shared = join(dir, 'shared-config.json')
    const link = join(dir, 'config.json')
    writeFileSync(shared, '{"old": true}')
    symlinkSync(shared, link)
    await directAccess.writeFile(link, '{"new": true}', { mode: 0o600 })
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(shared, 'utf8')).toBe('{"new": true}')
  })

  it('behind a dangling link, writeFile creates the file it points to and rm removes that file, keeping the link', async () => {
    const dir = workDir()
    const target = join(dir, 'elsewhere', 'config.json')
    const link = join(dir, 'config.json')
    symlinkSync(target, link)
    await directAccess.writeFile(link, '{}', { mode: 0o600 })
    expect(readFileSync(target, 'utf8')).toBe('{}')
    await directAccess.rm(link)
    expect(existsSync(target)).toBe(false)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
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
