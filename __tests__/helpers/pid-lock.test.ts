import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAlive, lockOwner, releaseLock, tryLock } from './pid-lock.js'

const lockPath = (): string => join(mkdtempSync(join(tmpdir(), 'sbr-pid-lock-')), 'x.lock')

/** A process that has ended: its pid names no live process (until reused, which takes long). */
async function deadPid(): Promise<number> {
  const child = spawn('true')
  await new Promise(resolve => child.once('exit', resolve))
  return child.pid!
}

describe('pid-lock', () => {
  it('takes a free lock with this pid, refuses a second take while held, and releases only its own', () => {
    const path = lockPath()
    expect(tryLock(path)).toBe(true)
    expect(lockOwner(path)).toBe(process.pid)
    writeFileSync(path, '1') // another live process (init) holds it now
    expect(tryLock(path)).toBe(false)
    releaseLock(path)
    expect(readFileSync(path, 'utf8')).toBe('1')
    writeFileSync(path, String(process.pid))
    releaseLock(path)
    expect(existsSync(path)).toBe(false)
  })

  it('takes over the lock of a process that is gone', async () => {
    const path = lockPath()
    const gone = await deadPid()
    expect(isAlive(gone)).toBe(false)
    writeFileSync(path, String(gone))
    expect(tryLock(path)).toBe(true)
    expect(lockOwner(path)).toBe(process.pid)
  })

  it('waits on an empty lock (its owner is writing its pid), and takes it over once it is old', () => {
    const path = lockPath()
    writeFileSync(path, '')
    expect(tryLock(path)).toBe(false)
    const old = new Date(Date.now() - 60000)
    utimesSync(path, old, old)
    expect(tryLock(path)).toBe(true)
  })
})
