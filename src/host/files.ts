import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { PlannedFile } from '../model.js'

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
