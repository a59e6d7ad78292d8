import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, readlink, realpath, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { runCommand, tryCommand } from '../process/command.js'

/** Permission bits and owner a file is written with; the owner only when it must be given back. */
export interface FileMeta {
  mode: number
  uid?: number
  gid?: number
}

/**
 * File operations on paths the runner user may own (its Docker config) or not
 * (/etc/docker): done directly, or through passwordless sudo.
 */
export interface FileAccess {
  readonly viaSudo: boolean
  /** Replaces the file whole: a reader meanwhile (dockerd, buildkitd) sees the old file or the new one, never half. */
  writeFile(path: string, content: string | Buffer, meta: FileMeta): Promise<void>
  /** Creates the directory and returns the ones it had to create, outermost first. */
  mkdirs(path: string): Promise<string[]>
  rm(path: string): Promise<void>
  /** Removes an empty directory; leaves a non-empty one. */
  rmdirIfEmpty(path: string): Promise<void>
  /** Sends a signal to a process owned by root. */
  kill(pid: number, signal: string): Promise<void>
}

function missingDirs(path: string): string[] {
  const created: string[] = []
  for (let dir = path; !existsSync(dir); dir = dirname(dir)) created.unshift(dir)
  return created
}

/**
 * The file a path names, through symlinks, as docker/cli's config Save finds it (EvalSymlinks, and
 * for a dangling link the path it points to): the path itself when it is no link.
 */
async function fileBehind(path: string): Promise<string> {
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

/**
 * Writes through a rename of a file staged next to it. The explicit chmod
 * undoes the umask; chown only as root, the one user who can give a file away.
 * A symlink (a config.json an admin links to a shared file) is written through: the file it
 * points to is replaced and the link stays, as docker's own writes of config.json keep it.
 */
async function replaceFile(linkOrPath: string, content: string | Buffer, meta: FileMeta): Promise<void> {
  const path = await fileBehind(linkOrPath)
  await mkdir(dirname(path), { recursive: true })
  const staged = `${path}.setup-buildkit-registry.tmp`
  await writeFile(staged, content, { mode: meta.mode })
  await chmod(staged, meta.mode)
  if (meta.uid !== undefined && meta.gid !== undefined && process.getuid?.() === 0)
    await chown(staged, meta.uid, meta.gid)
  await rename(staged, path)
}

/** The runner user's own rights: its files, or everything when the job runs as root. */
export const directAccess: FileAccess = {
  viaSudo: false,
  writeFile: replaceFile,
  async mkdirs(path) {
    const created = missingDirs(path)
    await mkdir(path, { recursive: true })
    return created
  },
  // Through a symlink too: what writeFile created behind a dangling link goes, the link stays.
  async rm(path) {
    await rm(await fileBehind(path), { force: true })
  },
  async rmdirIfEmpty(path) {
    await rmdir(path).catch(() => undefined)
  },
  async kill(pid, signal) {
    process.kill(pid, signal)
  }
}

const sudoAccess: FileAccess = {
  viaSudo: true,
  // tee writes in place; it is the one way to write a root-owned file through `sudo -n` without a shell.
  async writeFile(path, content, meta) {
    await runCommand('sudo', ['-n', 'tee', path], { input: content })
    await runCommand('sudo', ['-n', 'chmod', meta.mode.toString(8), path])
    if (meta.uid !== undefined && meta.gid !== undefined)
      await runCommand('sudo', ['-n', 'chown', `${meta.uid}:${meta.gid}`, path])
  },
  async mkdirs(path) {
    const created = missingDirs(path)
    await runCommand('sudo', ['-n', 'mkdir', '-p', path])
    return created
  },
  async rm(path) {
    await runCommand('sudo', ['-n', 'rm', '-f', path])
  },
  async rmdirIfEmpty(path) {
    await runCommand('sudo', ['-n', 'rmdir', '--ignore-fail-on-non-empty', path])
  },
  async kill(pid, signal) {
    await runCommand('sudo', ['-n', 'kill', `-${signal.replace(/^SIG/, '')}`, String(pid)])
  }
}

/**
 * Root, or passwordless sudo, or an error that says what to change. `needed`
 * is false for paths the user owns (rootless Docker).
 */
export async function privilegedAccess(needed: boolean, what: string): Promise<FileAccess> {
  if (!needed || process.getuid?.() === 0) return directAccess
  if ((await tryCommand('sudo', ['-n', 'true'])).exitCode === 0) return sudoAccess
  throw new Error(`${what} needs root: run the job as root, allow this user passwordless sudo, or use rootless Docker`)
}
