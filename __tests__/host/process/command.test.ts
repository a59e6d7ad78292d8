import { jest } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CANCELLED_EXIT_CODE,
  CommandError,
  runCommand,
  stopAllCommands,
  tryCommand
} from '../../../src/host/process/command.js'

// Real commands, no mocks. stopAllCommands stops this module for good (as in a cancelled job),
// so its test is the last of the file.

/** True while `pid` is a process that has not exited (a zombie waiting to be reaped counts as exited). */
function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

/** The command line of `pid`, its arguments joined by spaces ('' once it is gone). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return ''
  }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise(resolve => setTimeout(resolve, 20))
}

describe('runCommand', () => {
  it("returns the command's stdout", async () => {
    expect(await runCommand('printf', ['%s\\n', 'a b', 'c'])).toBe('a b\nc\n')
  })

  it('writes `input` to its standard input', async () => {
    expect(await runCommand('cat', [], { input: 'secret\nlines' })).toBe('secret\nlines')
    expect(await runCommand('wc', ['-c'], { input: Buffer.from([0, 1, 2]) })).toMatch(/^\s*3\s*$/)
  })

  it("adds `env` to this process's environment for the command, leaving this process's own", async () => {
    const out = await runCommand('sh', ['-c', 'echo "$SBR_ONE $PATH"'], { env: { SBR_ONE: 'one' } })
    expect(out).toBe(`one ${process.env.PATH}\n`)
    expect(process.env.SBR_ONE).toBeUndefined()
  })

  it('fails with the command line and its own error output', async () => {
    const failing = runCommand('sh', ['-c', 'echo partial; echo "no such builder" >&2; exit 3'])
    await expect(failing).rejects.toThrow(CommandError)
    await expect(failing).rejects.toThrow(
      '`sh -c echo partial; echo "no such builder" >&2; exit 3` failed: no such builder'
    )
    await expect(failing).rejects.toMatchObject({ exitCode: 3, stderr: 'no such builder\n' })
  })

  it('fails with its error output neutralized: a line of it opens no workflow command', async () => {
    const failing = runCommand('sh', ['-c', 'printf "denied\\n::stop-commands::T\\n" >&2; exit 1'])
    await expect(failing).rejects.toThrow('failed: denied\n:\u200b:stop-commands::T')
    await expect(failing).rejects.toMatchObject({ stderr: 'denied\n::stop-commands::T\n' })
  })

  it('says the exit code when the command wrote no error', async () => {
    await expect(runCommand('sh', ['-c', 'exit 4'])).rejects.toThrow(
      '`sh -c exit 4` failed: exit code 4, no error output'
    )
  })
})

describe('tryCommand', () => {
  it('returns the result whatever the exit code, with both outputs', async () => {
    expect(await tryCommand('sh', ['-c', 'echo out; echo err >&2; exit 2'])).toEqual({
      exitCode: 2,
      stdout: 'out\n',
      stderr: 'err\n'
    })
  })

  it('counts a command that is not installed as exit code 127, saying why', async () => {
    const result = await tryCommand('sbr-no-such-command', ['x'])
    expect(result.exitCode).toBe(127)
    expect(result.stderr).toContain('ENOENT')
  })

  it('counts a command ended by a signal as failed', async () => {
    expect(await tryCommand('sh', ['-c', 'kill -TERM $$'])).toMatchObject({ exitCode: 1, signal: 'SIGTERM' })
  })

  it('calls onStart with the pid of the running command', async () => {
    let started: number | undefined
    const result = await tryCommand('sh', ['-c', 'echo $$'], { onStart: pid => (started = pid) })
    expect(started).toBe(Number(result.stdout.trim()))
  })

  it('`show`: the command line as @actions/exec writes it, then its output as it comes, in the log', async () => {
    const written: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      await tryCommand('sh', ['-c', 'echo built'], { show: true })
      await tryCommand('sh', ['-c', 'echo unseen'])
    } finally {
      spy.mockRestore()
      errSpy.mockRestore()
    }
    expect(written.join('')).toBe('[command]sh -c echo built\nbuilt\n')
  })

  it("`show`: the command's output opens no workflow command, and its last line is ended before the step's next", async () => {
    const out: string[] = []
    const err: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk))
      return true
    })
    const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk))
      return true
    })
    try {
      const script = 'printf "pulling\\n::stop-commands::T\\r\\n##[set-env name=A;]b"; printf "  ::error::x" >&2'
      await tryCommand('sh', ['-c', script], { show: true })
    } finally {
      spy.mockRestore()
      errSpy.mockRestore()
    }
    expect(out.join('').split('\n').slice(1)).toEqual([
      'pulling',
      ':\u200b:stop-commands::T',
      '##\u200b[set-env name=A;]b',
      ''
    ])
    expect(err.join('')).toBe('  :\u200b:error::x\n')
  })
})

// Last: after this, the module starts no command (the job is being cancelled).
describe('stopAllCommands: a cancelled job stops the commands it started', () => {
  it('ends a running sleep with SIGTERM, one that ignores it with SIGKILL after the grace time, and starts nothing after', async () => {
    const pids: number[] = []
    const polite = tryCommand('sh', ['-c', 'exec sleep 30'], { onStart: pid => pids.push(pid) })
    // `exec` keeps the ignored SIGTERM: the sleep itself does not stop on it.
    const stubborn = tryCommand('sh', ['-c', "trap '' TERM; exec sleep 31"], { onStart: pid => pids.push(pid) })
    // Until sh has exec'd, its command line is still the shell's: then the trap is set.
    await until(() => pids.length === 2 && pids.every(pid => commandLine(pid).startsWith('sleep')))

    await stopAllCommands(1000)

    expect(await polite).toMatchObject({ exitCode: 1, signal: 'SIGTERM' })
    expect(await stubborn).toMatchObject({ exitCode: 1, signal: 'SIGKILL' })
    expect(pids.some(isRunning)).toBe(false)

    const marker = join(mkdtempSync(join(tmpdir(), 'sbr-command-')), 'ran')
    expect(await tryCommand('touch', [marker])).toEqual({
      exitCode: CANCELLED_EXIT_CODE,
      stdout: '',
      stderr: 'not started: the job is being cancelled'
    })
    expect(existsSync(marker)).toBe(false)
    await expect(runCommand('true', [])).rejects.toThrow('`true ` failed: not started: the job is being cancelled')
  })
})
