import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { replaceFile } from '../../../src/host/file-write.js'
import { sha256 } from '../../../src/host/edits/file-undo.js'
import {
  keepPluginBefore,
  pluginBackupJob,
  pluginBackupPath,
  restorePlugin,
  type InstalledPlugin
} from '../../../src/host/edits/installed-plugin.js'

// `buildx-version`'s plugin kept and put back in real temp directories, as main and post do around
// the install (host/builder/buildx-install.ts writes the release through replaceFile).

const JOB = 'setup-buildkit-registry-0123456789ab'
const RELEASE = Buffer.from('#!/bin/sh\necho the pinned release\n')
const THEIRS = Buffer.from('#!/bin/sh\necho the runner admin buildx\n')

function dockerConfig(): { config: string; plugins: string; plugin: string } {
  const root = mkdtempSync(join(tmpdir(), 'sbr-plugin-'))
  const config = join(root, '.docker')
  const plugins = join(config, 'cli-plugins')
  return { config, plugins, plugin: join(plugins, 'docker-buildx') }
}

/** What main does: keep what is there, then install the release. */
async function install(plugin: string): Promise<InstalledPlugin> {
  const saved: InstalledPlugin[] = []
  await keepPluginBefore(plugin, sha256(RELEASE), JOB, installed => {
    // Saved before anything is written at the plugin's path: post can undo a write cut short.
    saved.push(installed)
  })
  expect(saved).toHaveLength(1)
  await replaceFile(plugin, RELEASE, { mode: 0o755 })
  return saved[0]
}

describe('keepPluginBefore and restorePlugin', () => {
  it("puts back the runner's own plugin byte for byte with its mode, and removes the copy; a second call does nothing", async () => {
    const { plugins, plugin } = dockerConfig()
    mkdirSync(plugins, { recursive: true })
    writeFileSync(plugin, THEIRS)
    chmodSync(plugin, 0o750)
    const installed = await install(plugin)
    const backup = pluginBackupPath(plugin, JOB)
    expect(installed).toMatchObject({ path: plugin, written: sha256(RELEASE), madeDirs: [] })
    expect(installed.before).toMatchObject({ backup, sha256: sha256(THEIRS), mode: 0o750 })
    expect(statSync(backup).mode & 0o777).toBe(0o600)
    expect(readFileSync(plugin).equals(RELEASE)).toBe(true)

    expect(await restorePlugin(installed)).toEqual([])
    expect(readFileSync(plugin).equals(THEIRS)).toBe(true)
    expect(statSync(plugin).mode & 0o777).toBe(0o750)
    expect(readdirSync(plugins)).toEqual(['docker-buildx'])
    expect(await restorePlugin(installed)).toEqual([])
    expect(readFileSync(plugin).equals(THEIRS)).toBe(true)
  })

  it('removes the plugin and the directories main made for it when there was none', async () => {
    const { config, plugins, plugin } = dockerConfig()
    const installed = await install(plugin)
    expect(installed.before).toBeUndefined()
    expect(installed.madeDirs).toEqual([config, plugins])

    expect(await restorePlugin(installed)).toEqual([])
    expect(existsSync(config)).toBe(false)
    expect(existsSync(join(config, '..'))).toBe(true)
  })

  it('leaves a directory main made that holds something else now (docker login wrote config.json)', async () => {
    const { config, plugins, plugin } = dockerConfig()
    const installed = await install(plugin)
    writeFileSync(join(config, 'config.json'), '{}')

    await restorePlugin(installed)
    expect(existsSync(plugins)).toBe(false)
    expect(readdirSync(config)).toEqual(['config.json'])
  })

  it('makes a symbolic link there again, to the same target, without copying what it names', async () => {
    const { plugins, plugin } = dockerConfig()
    mkdirSync(plugins, { recursive: true })
    const target = join(plugins, '..', 'system-buildx')
    writeFileSync(target, THEIRS)
    symlinkSync(target, plugin)
    const installed = await install(plugin)
    expect(installed).toMatchObject({ link: target, before: undefined })
    expect(existsSync(pluginBackupPath(plugin, JOB))).toBe(false)
    // The link was replaced, not written through.
    expect(readFileSync(target).equals(THEIRS)).toBe(true)

    expect(await restorePlugin(installed)).toEqual([])
    expect(lstatSync(plugin).isSymbolicLink()).toBe(true)
    expect(readlinkSync(plugin)).toBe(target)
    expect(await restorePlugin(installed)).toEqual([])
    expect(readlinkSync(plugin)).toBe(target)
  })

  it('leaves a plugin changed since main (another job installed its own) and says so', async () => {
    const { plugins, plugin } = dockerConfig()
    mkdirSync(plugins, { recursive: true })
    writeFileSync(plugin, THEIRS)
    const installed = await install(plugin)
    const another = Buffer.from('#!/bin/sh\necho another job release\n')
    writeFileSync(plugin, another)

    const notes = await restorePlugin(installed)
    expect(notes).toEqual([
      `${plugin} was changed after the main step (another job's buildx install?): left as it is, not put back as ` +
        'it was before the job.'
    ])
    expect(readFileSync(plugin).equals(another)).toBe(true)
    // The copy goes all the same: nothing of the job's stays.
    expect(readdirSync(plugins)).toEqual(['docker-buildx'])
  })
})

describe('pluginBackupJob', () => {
  it('reads the job id only from a copy beside the plugin, named as main names it', () => {
    const plugin = '/home/runner/.docker/cli-plugins/docker-buildx'
    expect(pluginBackupJob(plugin, pluginBackupPath(plugin, JOB))).toBe(JOB)
    expect(pluginBackupJob(plugin, `/tmp/.docker-buildx.${JOB}.sbr-backup`)).toBeUndefined()
    expect(pluginBackupJob(plugin, '/home/runner/.docker/cli-plugins/docker-compose')).toBeUndefined()
  })
})
