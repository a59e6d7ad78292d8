import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'

// A lock file holding its owner's pid, made with O_EXCL: shared by the fixtures that change one
// thing of the whole machine (/etc/hosts, the Docker daemon's config), across jest workers and
// checkouts alike. A lock whose owner is gone is taken over.

/**
 * Where the machine-wide locks live: /tmp itself, not tmpdir(). Each test run points TMPDIR at a
 * directory of its own (global/temp-dir.js), so a lock there would be the run's only, and two runs
 * at once (two checkouts) would change /etc/hosts or daemon.json under each other.
 */
export const MACHINE_LOCK_DIR = '/tmp'

/** An empty lock older than this: its owner died between making it and writing its pid. */
const EMPTY_LOCK_STALE_MS = 30000

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid in the lock (NaN while its owner has not written it yet); undefined when there is no lock. */
export function lockOwner(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
}

/** One try: true when this process now holds the lock; false while another live process does. */
export function tryLock(path: string): boolean {
  for (;;) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const owner = lockOwner(path)
    if (owner === undefined) continue // released meanwhile
    let age = 0
    try {
      age = Date.now() - statSync(path).mtimeMs
    } catch {
      continue
    }
    const stale = owner > 0 ? !isAlive(owner) : age > EMPTY_LOCK_STALE_MS
    if (!stale) return false
    rmSync(path, { force: true })
  }
}

/** Removes the lock if it is still this process's. */
export function releaseLock(path: string): void {
  if (lockOwner(path) === process.pid) rmSync(path, { force: true })
}
