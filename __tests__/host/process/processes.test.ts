import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findOnPath, processStartTime, stopStrayCommand } from '../../../src/host/process/processes.js'

describe('findOnPath', () => {
  const root = mkdtempSync(join(tmpdir(), 'sbr-path-'))
  const [first, second, third] = ['first', 'second', 'third'].map(name => join(root, name))
  for (const dir of [first, second, third]) mkdirSync(dir)
  writeFileSync(join(first, 'docker'), 'not executable')
  chmodSync(join(first, 'docker'), 0o644)
  for (const dir of [second, third]) {
    writeFileSync(join(dir, 'docker'), '#!/bin/sh\n')
    chmodSync(join(dir, 'docker'), 0o755)
  }

  it('finds the first one this user may run, passing over a file without execute permission', () => {
    expect(findOnPath('docker', { PATH: `${first}::${second}:${third}` })).toBe(join(second, 'docker'))
  })

  it('passes over a directory of that name, as the shell does (a directory has execute permission too)', () => {
    const withDir = join(root, 'with-dir')
    mkdirSync(join(withDir, 'docker'), { recursive: true })
    expect(findOnPath('docker', { PATH: `${withDir}:${third}` })).toBe(join(third, 'docker'))
  })

  it('is undefined when no directory has it, or there is no PATH', () => {
    expect(findOnPath('buildx', { PATH: `${first}:${second}` })).toBeUndefined()
    expect(findOnPath('docker', {})).toBeUndefined()
  })
})

describe('stopStrayCommand: a command main started that outlived it', () => {
  const running: ChildProcess[] = []
  afterAll(() => running.forEach(child => child.kill('SIGKILL')))

  /** A real process standing for the stray `buildx create`; resolves once it has exec'd. */
  async function stray(script: string): Promise<ChildProcess> {
    const child = spawn('sh', ['-c', script], { stdio: 'ignore' })
    running.push(child)
    // Until sh has exec'd, its command line is still the shell's.
    while (!readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').startsWith('sleep')) {
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    return child
  }

  const started = (child: ChildProcess): { pid: number; started: string } => ({
    pid: child.pid!,
    started: processStartTime(child.pid!)!
  })

  const exited = (child: ChildProcess): Promise<NodeJS.Signals | null> =>
    new Promise(resolve =>
      child.exitCode !== null || child.signalCode !== null
        ? resolve(child.signalCode)
        : child.once('exit', (_code, signal) => resolve(signal))
    )

  it('stops the process when its command line names the mark, with SIGTERM', async () => {
    const child = await stray('exec sleep 31')
    expect(await stopStrayCommand(started(child), 'sleep 31', 2000)).toBe(true)
    expect(await exited(child)).toBe('SIGTERM')
  })

  it('kills one that ignores SIGTERM after the grace time', async () => {
    const child = await stray("trap '' TERM; exec sleep 32")
    const began = Date.now()
    expect(await stopStrayCommand(started(child), 'sleep 32', 300)).toBe(true)
    expect(Date.now() - began).toBeGreaterThanOrEqual(300)
    expect(await exited(child)).toBe('SIGKILL')
  })

  it('leaves a process alone whose command line does not name the mark: the pid was reused', async () => {
    const child = await stray('exec sleep 33')
    expect(await stopStrayCommand(started(child), 'buildx create --name builder-1', 100)).toBe(false)
    expect(child.exitCode).toBeNull()
    expect(child.signalCode).toBeNull()
    expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).toBe('sleep\x0033\x00')
  })

  it('is false when the process is gone', async () => {
    const child = await stray('exec sleep 34')
    const record = started(child)
    child.kill('SIGKILL')
    await exited(child)
    expect(await stopStrayCommand(record, 'sleep', 100)).toBe(false)
  })

  it('leaves a process alone that started at another time than the one recorded: the pid was reused', async () => {
    const child = await stray('exec sleep 35')
    expect(await stopStrayCommand({ pid: child.pid!, started: '1' }, 'sleep 35', 100)).toBe(false)
    expect(child.exitCode).toBeNull()
    expect(child.signalCode).toBeNull()
  })
})
