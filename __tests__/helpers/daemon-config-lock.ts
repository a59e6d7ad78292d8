import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// The Docker daemon's config (daemon.json, certs.d) is one per machine: test files that change it
// and reload the daemon take this lock first, across jest workers and checkouts alike, so that no
// test reads or restores the config while another has it changed.

const LOCK = join(tmpdir(), 'sbr-docker-daemon-config.lock')

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the lock (an O_EXCL file holding our pid; a dead process's lock is taken over) and returns
 * its release, which removes it only while it is still ours. Waits up to `timeoutMs`.
 */
export async function lockDaemonConfig(timeoutMs = 10 * 60 * 1000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => {
        try {
          if (readFileSync(LOCK, 'utf8') === String(process.pid)) rmSync(LOCK, { force: true })
        } catch {
          // Already gone.
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    let owner = NaN
    try {
      owner = Number(readFileSync(LOCK, 'utf8'))
    } catch {
      continue // released meanwhile
    }
    if (owner > 0 && !isAlive(owner)) {
      rmSync(LOCK, { force: true })
      continue
    }
    if (Date.now() > deadline) throw new Error(`${LOCK} is held by pid ${owner} for more than ${timeoutMs / 1000} s`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}
