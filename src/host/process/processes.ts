import { accessSync, constants, readFileSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { sleep } from '../../sleep.js'

/**
 * The first `command` on PATH that this user may run; undefined when there is none. A directory of
 * that name is skipped, as the shell's lookup skips it (X_OK alone holds for a directory).
 */
export function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(dir => dir !== '')) {
    try {
      const path = join(dir, command)
      accessSync(path, constants.X_OK)
      if (statSync(path).isFile()) return path
    } catch {
      // Not in this directory.
    }
  }
  return undefined
}

/**
 * A process's start time, from /proc (clock ticks since boot): with the pid, what tells a process
 * from a later one that reuses its pid. Undefined when it is gone (or there is no /proc).
 */
export function processStartTime(pid: number): string | undefined {
  // Field 22, counted after the command name, which is in parentheses and may hold spaces.
  const stat = readProcFile(`/proc/${pid}/stat`)
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}

/** The command line of process `pid`, joined by spaces; undefined when it is gone (or no /proc). */
function commandLine(pid: number): string | undefined {
  return readProcFile(`/proc/${pid}/cmdline`)?.split('\0').join(' ')
}

/** The text of a file in /proc; undefined when it is not there (a process gone, or no /proc). */
export function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** A process main started, as it recorded it: its pid and start time (processStartTime). */
export interface StartedProcess {
  pid: number
  started: string
}

/**
 * Stops a command main started that outlived it (main was killed before it could stop it), if
 * the pid is still that command: the same start time, and a command line that names `mark` (the
 * builder), so a reused pid is never touched. SIGTERM, then SIGKILL after `graceMs`. True when
 * there was one to stop.
 */
export async function stopStrayCommand(command: StartedProcess, mark: string, graceMs: number): Promise<boolean> {
  const { pid, started } = command
  const isIt = (): boolean => processStartTime(pid) === started && (commandLine(pid)?.includes(mark) ?? false)
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
