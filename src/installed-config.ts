import { existsSync } from 'node:fs'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { replaceFile } from './files.js'

/** Where a self-hosted buildkitd reads its config: rootful /etc/buildkit, rootless ~/.config/buildkit. */
export function defaultInstallPath(uid: number, env: NodeJS.ProcessEnv): string {
  if (uid === 0) return '/etc/buildkit/buildkitd.toml'
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'buildkit', 'buildkitd.toml')
}

export interface InstalledConfig {
  path: string
  /** A copy of the file that was there before, inside the job directory; '' when there was none. */
  backup: string
  /** That file's permission bits, given back with it. */
  mode: number
}

/**
 * Copies the file at `path`, if any, into the job directory. Main saves the
 * result in state before writing ours, so post can always undo.
 */
export async function backUpConfig(path: string, jobDir: string): Promise<InstalledConfig> {
  try {
    const previous = await readFile(path)
    const backup = join(jobDir, 'installed-config.backup')
    await writeFile(backup, previous, { mode: 0o600 })
    return { path, backup, mode: (await stat(path)).mode & 0o777 }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, backup: '', mode: 0o644 }
    throw error
  }
}

/** Through a rename, so a buildkitd starting meanwhile reads either file whole. */
export async function installConfigFile(toml: string, path: string): Promise<void> {
  await replaceFile(path, toml, 0o644)
}

/** Puts back the file that was there before, or removes ours when there was none. A second call does nothing. */
export async function restoreConfig(installed: InstalledConfig): Promise<void> {
  if (installed.backup === '') {
    await rm(installed.path, { force: true })
    return
  }
  // The backup lives in the job directory: gone means an earlier post step restored it already.
  if (!existsSync(installed.backup)) return
  await replaceFile(installed.path, await readFile(installed.backup), installed.mode)
}
