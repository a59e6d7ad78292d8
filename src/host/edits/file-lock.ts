import { readlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { processStartTime } from '../process/processes.js'
import { sleep } from '../../sleep.js'
import type { FileAccess } from './file-access.js'

// A lock between processes, possibly of different users, on a file one machine shares (daemon.json):
// a symlink whose target text names its holder (host, pid, start time), as Emacs locks a file it
// edits. Making a symlink is atomic and fails when the name exists, and it carries its text in the
// same step: a lock is never seen empty. It is made through the same FileAccess (sudo or not) as
// the file it guards, so it can sit beside it where only root writes. A lock whose holder is gone
// (the pid is dead, or is a later process: another start time) is taken over, under a guard link
// so that two jobs taking over at once cannot both remove it and each think it theirs.

/** How long a job waits for another job's change of the file: a daemon reload takes seconds. */
const WAIT_MS = 120000

/** This process, as a lock names it. */
function holderText(): string {
  return `${hostname()} ${process.pid} ${processStartTime(process.pid) ?? ''}`
}

/** Whether the holder a lock names still runs; one on another machine counts as running (nothing tells). */
function isRunning(holder: string): boolean {
  const [host, pid, started] = holder.split(' ')
  if (host !== hostname()) return true
  return started !== undefined && started !== '' && processStartTime(Number(pid)) === started
}

async function holderOf(path: string): Promise<string | undefined> {
  return readlink(path).catch(() => undefined)
}

/** One try: true when this process now holds the lock at `path`. */
async function tryTake(fs: FileAccess, path: string, me: string): Promise<boolean> {
  if (await fs.makeLink(path, me)) return true
  const holder = await holderOf(path)
  if (holder === undefined || isRunning(holder)) return false
  const guard = `${path}.takeover`
  if (!(await fs.makeLink(guard, me))) {
    const guardHolder = await holderOf(guard)
    if (guardHolder !== undefined && !isRunning(guardHolder)) await fs.rm(guard)
    return false
  }
  try {
    // Still the holder found gone: no other job took it over meanwhile.
    if ((await holderOf(path)) === holder) await fs.rm(path)
    return await fs.makeLink(path, me)
  } finally {
    await fs.rm(guard)
  }
}

/**
 * Runs `change` holding the lock at `path`, waiting for another job's hold to end. `what` names
 * the guarded file in the error of a wait that lasts too long.
 */
export async function withFileLock<T>(
  fs: FileAccess,
  path: string,
  what: string,
  change: () => Promise<T>
): Promise<T> {
  const me = holderText()
  const deadline = Date.now() + WAIT_MS
  while (!(await tryTake(fs, path, me))) {
    if (Date.now() > deadline) {
      const holder = (await holderOf(path)) ?? 'nobody now'
      throw new Error(
        `${what} is locked by another job for more than ${WAIT_MS / 1000} s (${path} names host, pid and start ` +
          `time: ${holder}); if no job of this action runs there, remove ${path}`
      )
    }
    await sleep(100 + Math.random() * 100)
  }
  try {
    return await change()
  } finally {
    if ((await holderOf(path)) === me) await fs.rm(path)
  }
}
