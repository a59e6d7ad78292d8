import * as core from '@actions/core'
import { CommandError, runCommand, tryCommand } from './command.js'

export interface BuilderInfo {
  /** Known once the builder has booted; empty before. */
  platforms: string[]
}

/** buildx refuses to create a builder whose name an existing one has. */
export function isNameTaken(error: unknown): boolean {
  return error instanceof CommandError && /existing instance for/i.test(error.stderr)
}

/** Runs `docker buildx create ...` with the plan's arguments, its output folded in the log. */
export async function createBuilder(args: string[], name: string): Promise<void> {
  await core.group(`Creating builder ${name}`, () => runCommand('docker', args, { show: true }))
}

/** The builder, or undefined when buildx knows none of that name. */
export async function inspectBuilder(name: string): Promise<BuilderInfo | undefined> {
  const result = await tryCommand('docker', ['buildx', 'inspect', name])
  if (result.exitCode !== 0) {
    if (isUnknownBuilder(result.stderr)) return undefined
    throw new CommandError(`docker buildx inspect ${name}`, result.exitCode, result.stderr)
  }
  return parseInspect(result.stdout)
}

/** Removes the builder; false when buildx knew none of that name (already gone). */
export async function removeBuilder(name: string): Promise<boolean> {
  return core.group(`Removing builder ${name}`, async () => {
    const result = await tryCommand('docker', ['buildx', 'rm', name], { show: true })
    if (result.exitCode === 0) return true
    if (isUnknownBuilder(result.stderr)) return false
    throw new CommandError(`docker buildx rm ${name}`, result.exitCode, result.stderr)
  })
}

function isUnknownBuilder(stderr: string): boolean {
  return /no builder .* found|not found/i.test(stderr)
}

/** Reads the first node's platforms from `docker buildx inspect` (`*` marks ones set by the user). */
export function parseInspect(output: string): BuilderInfo {
  const line = /^Platforms:[ \t]*(.*)$/m.exec(output)?.[1] ?? ''
  const platforms = line
    .split(',')
    .map(platform => platform.trim().replace(/\*$/, ''))
    .filter(platform => platform !== '')
  return { platforms }
}
