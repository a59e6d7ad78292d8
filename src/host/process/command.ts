import { spawn, type ChildProcess } from 'node:child_process'
import { redactUrlCredentials } from '../../proxy.js'

// Every command the action runs goes through here, not through @actions/exec: a cancelled job must
// stop the commands main started (a `buildx create --bootstrap` left running would finish a builder
// after post has looked for it), and @actions/exec gives no handle to a running child to stop
// (its exec() resolves only when the child ends). Here each running child is known
// (stopAllCommands), and its pid can be recorded for post (CommandOptions.onStart).

/** A command failed; the message carries the command's own words (its stderr). */
export class CommandError extends Error {
  constructor(
    readonly commandLine: string,
    readonly exitCode: number,
    readonly stderr: string
  ) {
    // A proxy URL's credentials (`env.HTTPS_PROXY=…` driver options) never reach the log.
    super(
      redactUrlCredentials(`\`${commandLine}\` failed: ${stderr.trim() || `exit code ${exitCode}, no error output`}`)
    )
    this.name = 'CommandError'
  }
}

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
  /** The signal that ended the command, when one did (its exitCode is then 1). */
  signal?: NodeJS.Signals
}

export interface CommandOptions {
  /** Written to its standard input. */
  input?: string | Buffer
  /** Show the command line and its output in the step's log as it runs (else it runs unseen). */
  show?: boolean
  /** Called with the child's pid once it runs: e.g. to record it for the post step. */
  onStart?: (pid: number) => void
  /** Variables added to this process's environment for the command. */
  env?: NodeJS.ProcessEnv
}

/** Exit code of a command not started because the job is being cancelled (128 + SIGINT, as a shell says). */
export const CANCELLED_EXIT_CODE = 130

/** Commands running now: a cancelled job stops them rather than leave them to finish after this process. */
const running = new Set<ChildProcess>()
let stopping = false

/**
 * For a cancelled job: no new command starts, and the running ones get
 * SIGTERM, then SIGKILL after `graceMs`. Resolves once all have exited.
 */
export async function stopAllCommands(graceMs: number): Promise<void> {
  stopping = true
  const exits = [...running].map(
    child =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs)
        child.once('close', () => {
          clearTimeout(force)
          resolve()
        })
        child.kill('SIGTERM')
      })
  )
  await Promise.all(exits)
}

/**
 * Runs a command and returns its result whatever its exit code; a command
 * that cannot start at all (not installed) counts as exit code 127.
 */
export function tryCommand(command: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
  if (stopping) {
    return Promise.resolve({
      exitCode: CANCELLED_EXIT_CODE,
      stdout: '',
      stderr: 'not started: the job is being cancelled'
    })
  }
  return new Promise(resolve => {
    // The same line @actions/exec writes, so the log reads the same; a proxy URL's credentials hidden.
    if (options.show) process.stdout.write(`[command]${redactUrlCredentials(`${command} ${args.join(' ')}`)}\n`)
    const child = spawn(command, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: options.env ? { ...process.env, ...options.env } : process.env
    })
    running.add(child)
    child.once('close', () => running.delete(child))
    child.once('error', () => running.delete(child))
    if (child.pid !== undefined) options.onStart?.(child.pid)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk
      if (options.show) process.stdout.write(chunk)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk
      if (options.show) process.stderr.write(chunk)
    })
    child.on('error', error => resolve({ exitCode: 127, stdout, stderr: stderr || error.message }))
    child.on('close', (code, signal) => resolve({ exitCode: code ?? 1, stdout, stderr, ...(signal ? { signal } : {}) }))
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** Runs a command and returns its stdout; throws CommandError, with its stderr, when it fails. */
export async function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<string> {
  const result = await tryCommand(command, args, options)
  if (result.exitCode !== 0) throw new CommandError(`${command} ${args.join(' ')}`, result.exitCode, result.stderr)
  return result.stdout
}
