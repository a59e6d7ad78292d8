import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { createJobDir, newJobDirPath, removeJobDir, writePlannedFiles } from '../../src/host/job-dir.js'

const modeOf = (path: string): number => statSync(path).mode & 0o777
const newParent = (): string => mkdtempSync(join(tmpdir(), 'sbr-runner-temp-'))

describe('newJobDirPath', () => {
  it('names a directory of its own in the parent, different for every job', () => {
    const paths = Array.from({ length: 50 }, () => newJobDirPath('/runner/_temp'))
    for (const path of paths) {
      expect(dirname(path)).toBe('/runner/_temp')
      expect(basename(path)).toMatch(/^setup-buildkit-registry-[0-9a-f]{12}$/)
    }
    expect(new Set(paths).size).toBe(paths.length)
  })
})

describe('createJobDir', () => {
  it('makes the directory, and RUNNER_TEMP when the runner has not yet, entered by this user only', async () => {
    const dir = join(newParent(), 'temp-not-made-yet', 'setup-buildkit-registry-1')
    await createJobDir(dir)
    expect(statSync(dir).isDirectory()).toBe(true)
    expect(modeOf(dir)).toBe(0o700)
  })

  it('fails when something is there already: a job never works in a directory it did not make', async () => {
    const dir = join(newParent(), 'setup-buildkit-registry-2')
    mkdirSync(dir, { mode: 0o777 })
    await expect(createJobDir(dir)).rejects.toMatchObject({ code: 'EEXIST' })
  })
})

describe('writePlannedFiles', () => {
  let umask: number
  // A strict umask would make a certificate 0600 and hide it from a rootless builder: the modes must not depend on it.
  beforeEach(() => (umask = process.umask(0o077)))
  afterEach(() => process.umask(umask))

  it('writes each file with its own mode, whatever the umask, making its directories private', async () => {
    const dir = join(newParent(), 'job')
    await createJobDir(dir)
    await writePlannedFiles(
      [
        { path: join(dir, 'buildkitd.toml'), content: 'debug = true\n', mode: 0o644 },
        { path: join(dir, 'certs', 'reg_5000', 'ca.pem'), content: 'CA', mode: 0o644 },
        { path: join(dir, 'certs', 'reg_5000', 'key.pem'), content: 'KEY', mode: 0o600 }
      ],
      dir
    )
    expect(readFileSync(join(dir, 'buildkitd.toml'), 'utf8')).toBe('debug = true\n')
    expect(modeOf(join(dir, 'buildkitd.toml'))).toBe(0o644)
    expect(modeOf(join(dir, 'certs', 'reg_5000', 'ca.pem'))).toBe(0o644)
    expect(modeOf(join(dir, 'certs', 'reg_5000', 'key.pem'))).toBe(0o600)
    expect(modeOf(join(dir, 'certs'))).toBe(0o700)
    expect(readFileSync(join(dir, 'certs', 'reg_5000', 'key.pem'), 'utf8')).toBe('KEY')
  })

  it('refuses to overwrite a file already there, leaving it as it was', async () => {
    const dir = join(newParent(), 'job')
    await createJobDir(dir)
    writeFileSync(join(dir, 'buildkitd.toml'), 'theirs')
    await expect(
      writePlannedFiles([{ path: join(dir, 'buildkitd.toml'), content: 'ours', mode: 0o644 }], dir)
    ).rejects.toMatchObject({ code: 'EEXIST' })
    expect(readFileSync(join(dir, 'buildkitd.toml'), 'utf8')).toBe('theirs')
  })

  it('refuses to follow a symbolic link planted at a path, leaving its target as it was', async () => {
    const parent = newParent()
    const dir = join(parent, 'job')
    await createJobDir(dir)
    const target = join(parent, 'elsewhere')
    writeFileSync(target, 'not yours')
    symlinkSync(target, join(dir, 'key.pem'))
    await expect(
      writePlannedFiles([{ path: join(dir, 'key.pem'), content: 'KEY', mode: 0o600 }], dir)
    ).rejects.toMatchObject({ code: 'EEXIST' })
    expect(readFileSync(target, 'utf8')).toBe('not yours')
  })

  // `chattr +i` (e2fsprogs, on every Debian machine; the tests run as root, like CI): a directory
  // even root cannot write in, the one real RUNNER_TEMP fault a root test can make.
  it('names RUNNER_TEMP, the reason and the fix when the machine refuses (a directory even root cannot write in)', async () => {
    const runnerTemp = newParent()
    execFileSync('chattr', ['+i', runnerTemp])
    try {
      const dir = join(runnerTemp, 'setup-buildkit-registry-3')
      await expect(createJobDir(dir)).rejects.toThrow(
        `cannot write the job's files in RUNNER_TEMP (${runnerTemp}): permission denied (EPERM). Free space there, or give the runner a writable temp directory`
      )
    } finally {
      execFileSync('chattr', ['-i', runnerTemp])
    }
  })
})

describe('removeJobDir', () => {
  it('removes the directory and all in it, and says whether there was one', async () => {
    const dir = join(newParent(), 'job')
    await createJobDir(dir)
    await writePlannedFiles([{ path: join(dir, 'certs', 'a', 'key.pem'), content: 'KEY', mode: 0o600 }], dir)
    expect(await removeJobDir(dir)).toBe(true)
    expect(existsSync(dir)).toBe(false)
    expect(await removeJobDir(dir)).toBe(false)
  })
})
