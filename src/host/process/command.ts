import { neutralizeUntrusted, UntrustedLineStream } from '../../untrusted-text.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { redactUrlCredentials } from '../../proxy.js'
import { childEnvironment } from './child-env.js'

// Every command the action runs goes through here, not through @actions/exec: a cancelled job must
// stop the commands main started (a `buildx create --bootstrap` left running would finish a builder
// after post has looked for it), and @actions/exec gives no handle to a running child to stop
// (its exec() resolves only when the child ends). Here each running child is known
// (stopAllCommands), and its pid can be recorded for post (CommandOptions.onStart).

/**
 * A command failed; the message carries the command's own words (its stderr), neutralized here,
 * where another process's text becomes ours: the message reaches the log, annotations and post's
 * warnings from many places (docker's and buildx's stderr quote registries' answers). `stderr`
 * keeps the raw text, for matching only.
 */
export class CommandError extends Error {
  constructor(
    readonly commandLine: string,
    readonly exitCode: number,
    readonly stderr: string
  ) {
    // A proxy URL's credentials (`env.HTTPS_PROXY=…` driver options) never reach the log.
    super(
      redactUrlCredentials(
        `\`${commandLine}\` failed: ${neutralizeUntrusted(stderr.trim()) || `exit code ${exitCode}, no error output`}`
      )
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
  /** Variables added to this process's environment for the command (which never holds the step's own: child-env.ts). */
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

/** A child's output streams, each collected and shown alike. */
const STREAMS = ['stdout', 'stderr'] as const

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
      // Never the step's inputs, saved state or runner tokens (child-env.ts).
      env: childEnvironment(process.env, options.env)
    })
    running.add(child)
    child.once('close', () => running.delete(child))
    child.once('error', () => running.delete(child))
    if (child.pid !== undefined) options.onStart?.(child.pid)
    const output = { stdout: '', stderr: '' }
    // Shown, a child's output passes line by line through the neutralizer: the runner reads this
    // step's output for workflow commands, and buildx's and docker's output quotes registries.
    const shown = { stdout: new UntrustedLineStream(), stderr: new UntrustedLineStream() }
    for (const stream of STREAMS) {
      child[stream]?.setEncoding('utf8')
      child[stream]?.on('data', (chunk: string) => {
        output[stream] += chunk
        if (options.show) process[stream].write(shown[stream].write(chunk))
      })
    }
    const flushShown = (): void => {
      if (options.show) for (const stream of STREAMS) process[stream].write(shown[stream].end())
    }
    child.on('error', error => {
      flushShown()
      resolve({ exitCode: 127, stdout: output.stdout, stderr: output.stderr || error.message })
    })
    child.on('close', (code, signal) => {
      flushShown()
      resolve({ exitCode: code ?? 1, ...output, ...(signal ? { signal } : {}) })
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** Runs a command and returns its stdout; throws CommandError, with its stderr, when it fails. */
export async function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<string> {
  const result = await tryCommand(command, args, options)
  if (result.exitCode !== 0) throw new CommandError(`${command} ${args.join(' ')}`, result.exitCode, result.stderr)
  return result.stdout
}
