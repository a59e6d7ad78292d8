import { join } from 'node:path'
import { lockOwner, MACHINE_LOCK_DIR, releaseLock, tryLock } from './pid-lock.js'

// The Docker daemon's config (daemon.json, certs.d) is one per machine: test files that change it
// and reload the daemon take this lock first, across jest workers and checkouts alike, so that no
// test reads or restores the config while another has it changed.

const LOCK = join(MACHINE_LOCK_DIR, 'sbr-docker-daemon-config.lock')

/** Takes the lock and returns its release. Waits up to `timeoutMs`. */
export async function lockDaemonConfig(timeoutMs = 10 * 60 * 1000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs
  while (!tryLock(LOCK)) {
    if (Date.now() > deadline)
      throw new Error(`${LOCK} is held by pid ${lockOwner(LOCK)} for more than ${timeoutMs / 1000} s`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  return () => releaseLock(LOCK)
}
