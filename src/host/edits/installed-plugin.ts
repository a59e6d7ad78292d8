import { lstat, readlink, symlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { directAccess, removeMadeDirs } from './file-access.js'
import { backUp, putBack, readIfExists, stateOf, type FileChange } from './file-undo.js'

// `buildx-version` installs a buildx release as the user's Docker CLI plugin
// ($DOCKER_CONFIG/cli-plugins/docker-buildx), where every later step's `docker buildx` finds it. That
// file outlives the job: on a self-hosted runner the next job would run the release this one pinned.
// So main keeps what was there (a file is copied beside it; a symbolic link's target is recorded) and
// post gives it back, or removes the installed plugin and the directories main made for it. The
// copy is beside the plugin, not in the job directory: it must outlive a main step that fails after
// the install (the job directory goes at once then) and the runner's emptying of RUNNER_TEMP before
// the next job, whose reclaim restores a dead job's plugin.

/** The buildx plugin main installed, saved before it is written. */
export interface InstalledPlugin extends FileChange {
  /** The plugin there was a symbolic link, to this: post makes the link again. */
  link?: string
  /** The directories main made for the plugin, outermost first: post removes each it leaves empty. */
  madeDirs: string[]
}

/** Hidden, and not named `docker-*`: the Docker CLI never takes the copy for a plugin. */
export function pluginBackupPath(plugin: string, jobId: string): string {
  return join(dirname(plugin), `.${basename(plugin)}.${jobId}.sbr-backup`)
}

/** The job id that `backup` names when it is a plugin backup beside `plugin` (pluginBackupPath); else undefined. */
export function pluginBackupJob(plugin: string, backup: string): string | undefined {
  const prefix = `.${basename(plugin)}.`
  const name = basename(backup)
  if (dirname(backup) !== dirname(plugin) || !name.startsWith(prefix) || !name.endsWith('.sbr-backup')) return undefined
  return name.slice(prefix.length, -'.sbr-backup'.length)
}

/** The target of the symbolic link at `path`; undefined when there is none (no file, or a file). */
async function linkAt(path: string): Promise<string | undefined> {
  const stat = await lstat(path).catch(() => undefined)
  return stat?.isSymbolicLink() ? readlink(path) : undefined
}

/**
 * Before the plugin `written` (its sha256) is installed at `plugin`: makes its directory, keeps what
 * is there, and calls `save` with the record post undoes it from, before anything is written there.
 */
export async function keepPluginBefore(
  plugin: string,
  written: string,
  jobId: string,
  save: (installed: InstalledPlugin) => void
): Promise<void> {
  const madeDirs = await directAccess.mkdirs(dirname(plugin))
  const link = await linkAt(plugin)
  const before = link === undefined ? await backUp(plugin, pluginBackupPath(plugin, jobId)) : undefined
  save({ path: plugin, before, written, link, madeDirs })
}

/**
 * Puts back the plugin that was there before the job (its bytes, mode and owner, or its link), or
 * removes the installed one when there was none; then removes the copy and the directories main
 * made that are now empty. A plugin changed since main (another job's install) is left as it is:
 * the returned note says so. A second call does nothing.
 */
export async function restorePlugin(installed: InstalledPlugin): Promise<string[]> {
  const notes = await putBackPlugin(installed)
  if (installed.before) await directAccess.rm(installed.before.backup)
  await removeMadeDirs(directAccess, installed.madeDirs)
  return notes
}

async function putBackPlugin(installed: InstalledPlugin): Promise<string[]> {
  const { path, link } = installed
  if (link !== undefined && (await linkAt(path)) === link) return []
  // Not fileNow: the plugin is a 60 MB binary, never read as text. A link's target is not hashed
  // (`before` is unset), so through a link only the installed release is told apart.
  const state = stateOf(installed, await readIfExists(path))
  if (state === 'as-before' && link === undefined) return []
  if (state !== 'as-written') {
    return [
      `${path} was changed after the main step (another job's buildx install?): left as it is, not put back as ` +
        'it was before the job.'
    ]
  }
  if (link === undefined) {
    await putBack(installed, directAccess)
    return []
  }
  await directAccess.rm(path)
  await symlink(link, path)
  return []
}
