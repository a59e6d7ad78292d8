import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256 } from '../../../src/host/edits/file-undo.js'
import { installConfigFile, restoreConfig, type InstalledConfig } from '../../../src/host/edits/installed-config.js'

// A self-hosted buildkitd's config (install-config), written and put back in real temp directories.

const TOML = '[registry."reg:5000"]\n  http = true\n'
const THEIRS = 'debug = true\n'

function machine(): { etc: string; jobDir: string; path: string } {
  const root = mkdtempSync(join(tmpdir(), 'sbr-installed-'))
  const jobDir = join(root, 'job')
  mkdirSync(jobDir)
  return { etc: join(root, 'etc', 'buildkit'), jobDir, path: join(root, 'etc', 'buildkit', 'buildkitd.toml') }
}

describe('installConfigFile', () => {
  it('writes the config readable by all where none was, having saved the record first', async () => {
    const { etc, jobDir, path } = machine()
    const saved: InstalledConfig[] = []
    const installed = await installConfigFile(TOML, path, jobDir, record => {
      // Saved before the write: post can undo a write that failed midway.
      expect(existsSync(path)).toBe(false)
      saved.push(record)
    })
    expect(installed).toEqual({ path, before: undefined, written: sha256(TOML) })
    expect(saved).toEqual([installed])
    expect(readFileSync(path, 'utf8')).toBe(TOML)
    expect(statSync(path).mode & 0o777).toBe(0o644)
    // Written through a rename: nothing staged is left beside it.
    expect(readdirSync(etc)).toEqual(['buildkitd.toml'])
  })

  it('keeps a private copy of the file that was there', async () => {
    const { etc, jobDir, path } = machine()
    mkdirSync(etc, { recursive: true })
    writeFileSync(path, THEIRS)
    const installed = await installConfigFile(TOML, path, jobDir, () => undefined)
    const backup = join(jobDir, 'installed-config.backup')
    expect(installed.before).toMatchObject({ backup, sha256: sha256(THEIRS) })
    expect(readFileSync(backup, 'utf8')).toBe(THEIRS)
    expect(statSync(backup).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toBe(TOML)
  })
})

describe('restoreConfig', () => {
  it('puts back the file that was there, with its mode and owner; a second call does nothing', async () => {
    const { etc, jobDir, path } = machine()
    mkdirSync(etc, { recursive: true })
    writeFileSync(path, THEIRS)
    chmodSync(path, 0o640)
    chownSync(path, 1234, 5678)
    const installed = await installConfigFile(TOML, path, jobDir, () => undefined)
    expect(await restoreConfig(installed)).toEqual([])
    const { mode, uid, gid } = statSync(path)
    expect({ text: readFileSync(path, 'utf8'), mode: mode & 0o777, uid, gid }).toEqual({
      text: THEIRS,
      mode: 0o640,
      uid: 1234,
      gid: 5678
    })
    writeFileSync(join(jobDir, 'installed-config.backup'), 'a second put-back would write this')
    expect(await restoreConfig(installed)).toEqual([])
    expect(readFileSync(path, 'utf8')).toBe(THEIRS)
  })

  it('removes the config when there was none', async () => {
    const { jobDir, path } = machine()
    const installed = await installConfigFile(TOML, path, jobDir, () => undefined)
    expect(await restoreConfig(installed)).toEqual([])
    expect(existsSync(path)).toBe(false)
  })

  it('leaves a config changed after main as it is, and says so', async () => {
    const { jobDir, path } = machine()
    const installed = await installConfigFile(TOML, path, jobDir, () => undefined)
    writeFileSync(path, 'edited by a later step\n')
    expect(await restoreConfig(installed)).toEqual([
      `${path} was changed after the main step: left as it is (the file from before the job is not put back over that change).`
    ])
    expect(readFileSync(path, 'utf8')).toBe('edited by a later step\n')
  })
})
