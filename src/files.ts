import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { PlannedFile } from './plan.js'

/**
 * Where job directories go: RUNNER_TEMP, which the runner empties after each
 * job, or the system temp directory when run outside a runner.
 */
export function jobDirParent(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP || tmpdir()
}

/** A new directory only this user can enter (mkdtemp makes it 0700), unique even for concurrent jobs. */
export async function createJobDir(parent: string): Promise<string> {
  await mkdir(parent, { recursive: true })
  return mkdtemp(join(parent, 'setup-buildkit-registry-'))
}

/**
 * Writes each file with its mode. `wx` refuses to follow or overwrite
 * anything already there, and the explicit chmod undoes the umask.
 */
export async function writePlannedFiles(files: PlannedFile[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true, mode: 0o700 })
    await writeFile(file.path, file.content, { mode: file.mode, flag: 'wx' })
    await chmod(file.path, file.mode)
  }
}

/** Removes the directory and all in it; false when it was already gone. */
export async function removeJobDir(dir: string): Promise<boolean> {
  const existed = existsSync(dir)
  await rm(dir, { recursive: true, force: true })
  return existed
}

/**
 * Replaces a file the user owns (their Docker config, a buildkitd.toml) through
 * a rename, so a reader meanwhile sees the old file or the new one, never half.
 */
export async function replaceFile(path: string, content: string | Buffer, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const staged = `${path}.setup-buildkit-registry.tmp`
  await writeFile(staged, content, { mode })
  await chmod(staged, mode)
  await rename(staged, path)
}
