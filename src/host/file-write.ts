import { randomHex } from '../crypto.js'
import { constants, existsSync, mkdirSync } from 'node:fs'
import { mkdir, open, readlink, realpath, rename, rm, rmdir } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { neutralizeUntrustedLine } from '../untrusted-text.js'

// The one way the action writes a file itself, wherever it is (the job directory, buildx's store,
// the Docker client config, daemon.json when root, an installed buildkitd.toml). On a shared runner
// another user may have planted a symlink where a file is about to be made, to have the action
// write or chmod the file it points to. So a file is only ever made new: O_CREAT|O_EXCL|O_NOFOLLOW
// fails on anything already there, a link included; its mode and owner are set on the open handle
// (fchmod, fchown), never by path; and a file is replaced by renaming a new one over it, which
// replaces a link at that name rather than writing through it.

/** Permission bits and owner a file is written with; the owner only when it must be given back. */
export interface FileMeta {
  mode: number
  uid?: number
  gid?: number
}

/** open(2)'s flags for a new file only: fails on anything already there, a link included. */
export const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

/**
 * Whether a new file must be on the disk before it is closed: so that a rename of it never leaves
 * an empty file after a crash, and a backup is whole. Not for a file that nothing trusts after a
 * crash, where the sync would only wait for the disk (2-10 ms a file, on main's way to `buildx
 * create`): the job directory's files go with a crashed job, and a lease is a dead job's after a
 * crash either way (one left empty reads as none, and is taken over as a dead job's is).
 */
export type Durability = 'synced' | 'void after a crash'

/**
 * Makes a new file at `path` with `content`, its exact mode (whatever the umask) from the first
 * byte, and the owner when given and the process is root (the one user who can give a file away);
 * synced before it is closed unless nothing trusts it after a crash (Durability). Fails (EEXIST)
 * when anything, a link included, is at `path`.
 */
export async function createFile(
  path: string,
  content: string | Buffer,
  meta: FileMeta,
  durability: Durability = 'synced'
): Promise<void> {
  const handle = await open(path, CREATE_NEW, meta.mode)
  try {
    await handle.chmod(meta.mode)
    if (meta.uid !== undefined && meta.gid !== undefined && process.getuid?.() === 0)
      await handle.chown(meta.uid, meta.gid)
    await handle.writeFile(content)
    if (durability === 'synced') await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * A name for a file staged beside `path`: random (no one can plant a link there ahead of it) and
 * hidden, so a tool that lists the directory (dockerd's certs.d reader) skips it.
 */
export function stagedPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomHex(8)}.sbr-tmp`)
}

/**
 * Replaces the file at `path` whole: a reader meanwhile (dockerd, buildkitd, buildx) sees the old
 * file or the new one, never half. A symlink at `path` is replaced, not written through.
 */
export async function replaceFile(path: string, content: string | Buffer, meta: FileMeta): Promise<void> {
  const staged = stagedPath(path)
  await inSharedDir(dirname(path), () => createFile(staged, content, meta))
  try {
    await rename(staged, path)
  } catch (error) {
    await rm(staged, { force: true })
    throw error
  }
}

// The directories the action keeps in buildx's store for all jobs (the job records, the leases) go
// with their last file: the post step that empties one removes it (removeDirIfEmpty), so a runner
// comes back as it was. Another job may be between making such a directory and making its file in it:
// so a file is made in one through inSharedDir, which makes the directory again when it is gone.

/** How often a file is tried again in a directory that another job's post removed meanwhile. */
const SHARED_DIR_TRIES = 5

/**
 * Makes `dir` (and its parents, with `mode` when new), then runs `make`, whose first act makes a
 * file in `dir`; both again when `make` finds `dir` gone (ENOENT).
 */
export async function inSharedDir<T>(dir: string, make: () => Promise<T>, mode?: number): Promise<T> {
  for (let tries = 1; ; tries++) {
    await mkdir(dir, { recursive: true, mode })
    try {
      return await make()
    } catch (error) {
      if (!isGoneDir(error, tries)) throw error
    }
  }
}

/** inSharedDir for a synchronous `make` (the job record, saved at once at each change). */
export function inSharedDirSync<T>(dir: string, make: () => T, mode?: number): T {
  for (let tries = 1; ; tries++) {
    mkdirSync(dir, { recursive: true, mode })
    try {
      return make()
    } catch (error) {
      if (!isGoneDir(error, tries)) throw error
    }
  }
}

function isGoneDir(error: unknown, tries: number): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' && tries < SHARED_DIR_TRIES
}

/** The directories that making `path` would make: `path` and those above it that do not exist, outermost first. */
export function missingDirs(path: string): string[] {
  const missing: string[] = []
  for (let dir = path; !existsSync(dir); dir = dirname(dir)) missing.unshift(dir)
  return missing
}

/** What `operation` on a path resolves to; undefined when the path is not there (ENOENT). */
export async function ifExists<T>(operation: Promise<T>): Promise<T | undefined> {
  try {
    return await operation
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Removes directory `dir` when it is empty; nothing when it holds anything, or is gone. */
export async function removeDirIfEmpty(dir: string): Promise<void> {
  await rmdir(dir).catch(() => undefined)
}

/** Makes directory `path` (its parent must exist) with exactly `mode`, set on the directory itself. */
export async function createPrivateDir(path: string, mode: number): Promise<void> {
  await mkdir(path, { mode })
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
  try {
    await handle.chmod(mode)
  } finally {
    await handle.close()
  }
}

/** Why the action will not write a file at `path`: a link, which could name anyone's file. */
export async function symlinkRefusal(path: string): Promise<Error> {
  const target = await readlink(path).catch(() => '?')
  return new Error(
    `${path} is a symbolic link (to ${neutralizeUntrustedLine(target, 200)}): ` +
      'the action neither reads nor writes another file through a link it did not make. ' +
      'Name the file itself, or remove the link'
  )
}

/**
 * The file a path names, through symlinks, as docker/cli's config Save finds it (EvalSymlinks, and
 * for a dangling link the path it points to): the path itself when it is no link. Only for the
 * Docker client config, whose links docker itself writes through.
 */
export async function fileBehind(path: string): Promise<string> {
  const resolved = await realpath(path).catch(() => undefined)
  if (resolved !== undefined) return resolved
  let target = path
  // 40: Linux's own limit on links followed in one lookup.
  for (let hop = 0; hop < 40; hop++) {
    const link = await readlink(target).catch(() => undefined)
    if (link === undefined) return target
    target = resolve(dirname(target), link)
  }
  return target
}
