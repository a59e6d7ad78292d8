import { join } from 'node:path'
import { PUBLIC_FILE_MODE } from '../../model.js'
import { directAccess } from './file-access.js'
import { backUp, fileNow, putBack, sha256, type FileChange } from './file-undo.js'

/** The buildkitd.toml installed for a self-hosted buildkitd: what post puts back. */
export type InstalledConfig = FileChange

/**
 * Writes the config where a self-hosted buildkitd reads it, after copying the
 * file there (if any) into the job directory. `save` is called before the
 * write, so post can undo even a write that failed midway.
 */
export async function installConfigFile(
  toml: string,
  path: string,
  jobDir: string,
  save: (installed: InstalledConfig) => void
): Promise<InstalledConfig> {
  const before = await backUp(path, join(jobDir, 'installed-config.backup'))
  const installed = { path, before, written: sha256(toml) }
  save(installed)
  // Through a rename, so a buildkitd starting meanwhile reads either file whole.
  await directAccess.writeFile(path, toml, { mode: PUBLIC_FILE_MODE })
  return installed
}

/**
 * Puts back the file that was there before (bytes, mode, owner), or removes
 * ours when there was none. A file changed since main is left as it is: the
 * returned note says so. A second call does nothing.
 */
export async function restoreConfig(installed: InstalledConfig): Promise<string[]> {
  const now = await fileNow(installed)
  if (now.state === 'as-before') return []
  if (now.state === 'changed')
    return [
      `${installed.path} was changed after the main step: left as it is (the file from before the job is not put ` +
        'back over that change).'
    ]
  await putBack(installed, directAccess)
  return []
}
