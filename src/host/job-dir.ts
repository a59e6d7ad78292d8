import { randomHex } from '../crypto.js'
import { existsSync } from 'node:fs'
import { lstat, mkdir, realpath, rm } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import type { PlannedFile } from '../model.js'
import { createFile, createPrivateDir, ifExists } from './file-write.js'

/**
 * Every job directory's name (the job id, which also names the job's certs.d files and context): the prefix and 12
 * random hex digits.
 */
export function isJobId(name: string): boolean {
  return /^setup-buildkit-registry-[0-9a-f]{12}$/.test(name)
}

/**
 * The path of a new job directory, unique even for concurrent jobs. Chosen
 * before it is made, so main can record it first: a job cancelled in between
 * leaves post a directory to remove, never one it does not know of.
 */
export function newJobDirPath(parent: string): string {
  return join(parent, `setup-buildkit-registry-${randomHex(6)}`)
}

/** Makes the job directory, which only this user can enter; fails if anything is there already. */
export async function createJobDir(dir: string): Promise<void> {
  await inRunnerTemp(dir, async () => {
    await mkdir(dirname(dir), { recursive: true })
    await createPrivateDir(dir, 0o700)
  })
}

/** Writes each file new, with its mode from the start; anything already there, a link included, is refused. */
export async function writePlannedFiles(files: PlannedFile[], jobDir: string): Promise<void> {
  await inRunnerTemp(jobDir, async () => {
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true, mode: 0o700 })
      await createFile(file.path, file.content, { mode: file.mode }, 'void after a crash')
    }
  })
}

/** The machine's own faults there (full, read-only, not ours) named as the runner's temp directory's. */
async function inRunnerTemp(jobDir: string, write: () => Promise<void>): Promise<void> {
  try {
    await write()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why: Record<string, string> = {
      ENOSPC: 'no space left on device',
      EDQUOT: 'disk quota exceeded',
      EROFS: 'it is read-only',
      EACCES: 'permission denied',
      EPERM: 'permission denied'
    }
    if (code === undefined || !(code in why)) throw error
    throw new Error(
      `cannot write the job's files in RUNNER_TEMP (${dirname(jobDir)}): ${why[code]} (${code}). Free space there, ` +
        'or give the runner a writable temp directory'
    )
  }
}

/**
 * Why `dir` cannot be proven a job directory of this action under `runnerTemp`, or undefined when
 * it is one (or would be, and is gone): its name is the action's, it sits right in RUNNER_TEMP
 * (also after resolving links on the way), is no link itself, and is a directory of this user's.
 * Post removes nothing else: a forged record must not make it remove any directory it names.
 */
export async function jobDirRefusal(dir: string, runnerTemp: string): Promise<string | undefined> {
  const name = basename(dir)
  if (!isAbsolute(dir) || !isJobId(name) || resolve(dir) !== join(resolve(runnerTemp), name))
    return `it is not a directory named setup-buildkit-registry-<12 hex digits> right in RUNNER_TEMP (${runnerTemp})`
  const stats = await ifExists(lstat(dir))
  if (!stats) return undefined
  if (!stats.isDirectory()) return 'it is not a directory (a link, or a file)'
  if (stats.uid !== process.getuid?.()) return `it belongs to another user (uid ${stats.uid})`
  if ((await realpath(dir)) !== join(await realpath(runnerTemp), name))
    return `RUNNER_TEMP (${runnerTemp}) leads elsewhere through a link`
  return undefined
}

/** Removes the directory and all in it; false when it was already gone. */
export async function removeJobDir(dir: string): Promise<boolean> {
  const existed = existsSync(dir)
  await rm(dir, { recursive: true, force: true })
  return existed
}
