import { mkdir, rm, symlink } from 'node:fs/promises'
import { missingDirs, removeDirIfEmpty, replaceFile, stagedPath, type FileMeta } from '../file-write.js'
import { runCommand, tryCommand } from '../process/command.js'

/**
 * File operations on paths the runner user may own (its Docker config) or not
 * (/etc/docker): done directly, or through passwordless sudo.
 */
export interface FileAccess {
  /**
   * Replaces the file whole: a reader meanwhile (dockerd, buildkitd) sees the old file or the new
   * one, never half; a symlink at the path is replaced, never written through (file-write.ts).
   */
  writeFile(path: string, content: string | Buffer, meta: FileMeta): Promise<void>
  /** Creates the directory and returns the ones it had to create, outermost first. */
  mkdirs(path: string): Promise<string[]>
  rm(path: string): Promise<void>
  /** Removes an empty directory; leaves a non-empty one. */
  rmdirIfEmpty(path: string): Promise<void>
  /** Makes a symlink holding `text`; false when anything is at `path` already (file-lock.ts). */
  makeLink(path: string, text: string): Promise<boolean>
  /** Sends a signal to a process owned by root. */
  kill(pid: number, signal: string): Promise<void>
}

/**
 * Undoes `mkdirs`: the directories it made (outermost first, as it returns them), innermost first,
 * each only when empty, so whatever came into one since keeps it.
 */
export async function removeMadeDirs(access: FileAccess, dirs: string[]): Promise<void> {
  for (const dir of [...dirs].reverse()) await access.rmdirIfEmpty(dir)
}

/** The runner user's own rights: its files, or everything when the job runs as root. */
export const directAccess: FileAccess = {
  writeFile: replaceFile,
  async mkdirs(path) {
    const created = missingDirs(path)
    await mkdir(path, { recursive: true })
    return created
  },
  // A link goes itself, never the file it names.
  async rm(path) {
    await rm(path, { force: true })
  },
  rmdirIfEmpty: removeDirIfEmpty,
  async makeLink(path, text) {
    try {
      await symlink(text, path)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error
    }
  },
  async kill(pid, signal) {
    process.kill(pid, signal)
  }
}

const sudoAccess: FileAccess = {
  // Without a shell. coreutils' install makes the staged file empty, with O_CREAT|O_EXCL and mode
  // 0600 (its own creation mode), then gives it its mode and owner; tee fills it. So a key is 0600
  // before its first byte (`tee` then `chmod` left it 0644 for a moment). install cannot read the
  // content from stdin itself: node's stdin pipe is a socket, which /dev/stdin cannot open. The
  // staged name is random, in a directory only root writes (/etc/docker); mv -T renames it over
  // the path, replacing a link there rather than writing through it.
  async writeFile(path, content, meta) {
    const staged = stagedPath(path)
    const owner = meta.uid !== undefined && meta.gid !== undefined ? ['-o', `${meta.uid}`, '-g', `${meta.gid}`] : []
    const mode = meta.mode.toString(8)
    await runCommand('sudo', ['-n', 'install', '-T', '-m', mode, ...owner, '/dev/null', staged])
    try {
      await runCommand('sudo', ['-n', 'tee', staged], { input: content })
      await runCommand('sudo', ['-n', 'sync', staged])
      await runCommand('sudo', ['-n', 'mv', '-f', '-T', staged, path])
    } catch (error) {
      await tryCommand('sudo', ['-n', 'rm', '-f', staged])
      throw error
    }
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
  // -T: a directory at the path is not entered; ln fails, as symlink(2) does, when anything is there.
  async makeLink(path, text) {
    const made = await tryCommand('sudo', ['-n', 'ln', '-s', '-T', '--', text, path])
    if (made.exitCode === 0) return true
    if (/File exists/.test(made.stderr)) return false
    throw new Error(`\`sudo -n ln -s -T -- ${text} ${path}\` failed: ${made.stderr.trim()}`)
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
