import { existsSync, mkdtempSync, readlinkSync, symlinkSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { directAccess } from '../../../src/host/edits/file-access.js'
import { withFileLock } from '../../../src/host/edits/file-lock.js'
import { processStartTime } from '../../../src/host/process/processes.js'

// The lock on real files (directAccess): a symlink naming its holder.

const lockIn = (): string => join(mkdtempSync(join(tmpdir(), 'sbr-lock-')), 'daemon.json.lock')

describe('withFileLock', () => {
  it('runs one change at a time, the lock naming its holder meanwhile, and removes it after', async () => {
    const lock = lockIn()
    const events: string[] = []
    const change = (name: string) => async (): Promise<void> => {
      events.push(`${name} in`)
      expect(readlinkSync(lock)).toBe(`${hostname()} ${process.pid} ${processStartTime(process.pid)}`)
      await new Promise(resolve => setTimeout(resolve, 150))
      events.push(`${name} out`)
    }
    await Promise.all([
      withFileLock(directAccess, lock, 'f', change('a')),
      withFileLock(directAccess, lock, 'f', change('b'))
    ])
    // Both run in this process, so the second waits on the lock file itself until the first removes it.
    expect(events).toEqual(
      events[0] === 'a in' ? ['a in', 'a out', 'b in', 'b out'] : ['b in', 'b out', 'a in', 'a out']
    )
    expect(existsSync(lock)).toBe(false)
  })

  it('takes over a lock whose holder is gone: a dead pid, or the pid with another start time (reused)', async () => {
    for (const holder of [`${hostname()} 999999999 1`, `${hostname()} ${process.pid} 1`]) {
      const lock = lockIn()
      symlinkSync(holder, lock)
      expect(await withFileLock(directAccess, lock, 'f', async () => 'ran')).toBe('ran')
      expect(existsSync(lock)).toBe(false)
      expect(existsSync(`${lock}.takeover`)).toBe(false)
    }
  })
})
