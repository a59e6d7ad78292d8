import { sha256Hex } from '../../crypto.js'
import { constants } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { PRIVATE_FILE_MODE } from '../../model.js'
import { createFile, ifExists, symlinkRefusal } from '../file-write.js'
import type { FileAccess } from './file-access.js'

// The exact undo of a file main changes that is not the job's own (daemon.json,
// the Docker client config, an installed buildkitd.toml): main records the file
// as it found it and what it wrote; post gives it back byte for byte, with its
// mode and owner, or removes it when main created it. A file someone changed
// in between is not overwritten: the caller removes only what main added.

/** The file before main changed it. */
export interface FileBefore {
  /** A copy in the job directory (0600: it may hold credentials). */
  backup: string
  sha256: string
  mode: number
  uid: number
  gid: number
}

/** What main did to one file, saved in state before it writes. */
export interface FileChange {
  path: string
  /** undefined when there was no file. */
  before?: FileBefore
  /** sha256 of what main wrote. */
  written: string
}

/** Since main: untouched (still as main wrote it), already given back, or changed by someone else. */
export interface FileNow {
  state: 'as-written' | 'as-before' | 'changed'
  /** The file's text now; undefined when there is none. */
  text?: string
}

/** The hex SHA-256 of a file's bytes, as FileBefore and FileChange record it. */
export const sha256 = sha256Hex

/** Reads a file; undefined when there is none. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  return ifExists(readFile(path))
}

/**
 * Copies the file at `path`, if any, to `backup` (a new 0600 file) with its metadata, before main
 * changes it. A symlink there is refused before anything is changed: a link someone planted would
 * have main replace, and post give back, a file that is not the one the tool reads.
 */
export async function backUp(path: string, backup: string): Promise<FileBefore | undefined> {
  let handle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    if (code === 'ELOOP') throw await symlinkRefusal(path)
    throw error
  }
  try {
    const { mode, uid, gid } = await handle.stat()
    const content = await handle.readFile()
    await createFile(backup, content, { mode: PRIVATE_FILE_MODE })
    return { backup, sha256: sha256(content), mode: mode & 0o7777, uid, gid }
  } finally {
    await handle.close()
  }
}

export async function fileNow(change: FileChange): Promise<FileNow> {
  const content = await readIfExists(change.path)
  return { state: stateOf(change, content), text: content?.toString('utf8') }
}

/** The state of the file now, from its bytes (`content`, undefined for none): for a file no one reads as text. */
export function stateOf(change: FileChange, content: Buffer | undefined): FileNow['state'] {
  const now = content === undefined ? undefined : sha256(content)
  if (now === change.written) return 'as-written'
  if (now === change.before?.sha256) return 'as-before'
  return 'changed'
}

/** Gives the file back as main found it: its bytes, mode and owner; or removes it when there was none. */
export async function putBack(change: FileChange, access: FileAccess): Promise<void> {
  if (change.before) await access.writeFile(change.path, await readFile(change.before.backup), change.before)
  else await access.rm(change.path)
}
