import { getExecOutput } from '@actions/exec'
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * File operations on paths the runner user may not own (/etc/docker): done
 * directly as root, through passwordless sudo otherwise.
 */
export interface PrivilegedFs {
  readonly viaSudo: boolean
  writeFile(path: string, content: string, mode: number): Promise<void>
  /** Creates the directory and returns the ones it had to create, outermost first. */
  mkdirs(path: string): Promise<string[]>
  rm(path: string): Promise<void>
  /** Removes an empty directory; leaves a non-empty one. */
  rmdirIfEmpty(path: string): Promise<void>
  /** Sends a signal to a process owned by root. */
  kill(pid: number, signal: string): Promise<void>
}

async function run(command: string, args: string[], input?: string): Promise<void> {
  const result = await getExecOutput(command, args, { ignoreReturnCode: true, silent: true, input: input === undefined ? undefined : Buffer.from(input) })
  if (result.exitCode !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed: ${result.stderr.trim()}`)
}

function missingDirs(path: string, exists: (dir: string) => boolean): string[] {
  const created: string[] = []
  for (let dir = path; !exists(dir); dir = dirname(dir)) created.unshift(dir)
  return created
}

const direct = (exists: (dir: string) => boolean): PrivilegedFs => ({
  viaSudo: false,
  async writeFile(path, content, mode) {
    await writeFile(path, content, { mode })
  },
  async mkdirs(path) {
    const created = missingDirs(path, exists)
    await mkdir(path, { recursive: true })
    return created
  },
  async rm(path) {
    await rm(path, { force: true })
  },
  async rmdirIfEmpty(path) {
    await rmdir(path).catch(() => undefined)
  },
  async kill(pid, signal) {
    process.kill(pid, signal)
  }
})

const sudo = (exists: (dir: string) => boolean): PrivilegedFs => ({
  viaSudo: true,
  async writeFile(path, content, mode) {
    await run('sudo', ['-n', 'tee', path], content)
    await run('sudo', ['-n', 'chmod', mode.toString(8), path])
  },
  async mkdirs(path) {
    const created = missingDirs(path, exists)
    await run('sudo', ['-n', 'mkdir', '-p', path])
    return created
  },
  async rm(path) {
    await run('sudo', ['-n', 'rm', '-f', path])
  },
  async rmdirIfEmpty(path) {
    await run('sudo', ['-n', 'rmdir', '--ignore-fail-on-non-empty', path])
  },
  async kill(pid, signal) {
    await run('sudo', ['-n', 'kill', `-${signal.replace(/^SIG/, '')}`, String(pid)])
  }
})

/**
 * Root, or passwordless sudo, or an error that says what to change. `needed`
 * is false for paths the user owns (rootless Docker).
 */
export async function privilegedFs(needed: boolean, exists: (dir: string) => boolean, what: string): Promise<PrivilegedFs> {
  if (!needed || process.getuid?.() === 0) return direct(exists)
  const check = await getExecOutput('sudo', ['-n', 'true'], { ignoreReturnCode: true, silent: true }).catch(() => ({ exitCode: 1 }))
  if (check.exitCode === 0) return sudo(exists)
  throw new Error(`${what} needs root: run the job as root, allow this user passwordless sudo, or use rootless Docker`)
}
