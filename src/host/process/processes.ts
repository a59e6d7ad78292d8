import { accessSync, constants, readFileSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * The first `command` on PATH that this user may run; undefined when there is none. A directory of
 * that name is skipped, as the shell's lookup skips it (X_OK alone holds for a directory).
 */
export function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(dir => dir !== '')) {
    try {
      const path = join(dir, command)
      accessSync(path, constants.X_OK)
      if (!statSync(path).isFile()) continue
      return path
    } catch {
      // Not in this directory.
    }
  }
  return undefined
}

/** The command line of process `pid`, joined by spaces; undefined when it is gone (or no /proc). */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return undefined
  }
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Stops a command main started that outlived it (main was killed before it
 * could stop it), if `pid` is still that command: its command line must name
 * `mark` (the builder), so a reused pid is never touched. SIGTERM, then
 * SIGKILL after `graceMs`. True when there was one to stop.
 */
export async function stopStrayCommand(pid: number, mark: string, graceMs: number): Promise<boolean> {
  const isIt = (): boolean => commandLine(pid)?.includes(mark) ?? false
  if (!isIt()) return false
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name)
    } catch {
      // Gone meanwhile.
    }
  }
  signal('SIGTERM')
  const deadline = Date.now() + graceMs
  while (isIt() && Date.now() < deadline) await sleep(50)
  if (isIt()) signal('SIGKILL')
  while (isIt()) await sleep(50)
  return true
}
