import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'

/** `docker buildx` failed; the message carries buildx's own words. */
export class BuildxError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string
  ) {
    super(`\`docker ${command}\` failed: ${stderr.trim() || 'no error output'}`)
    this.name = 'BuildxError'
  }

  /** buildx refuses to create a builder whose name an existing one has. */
  get nameTaken(): boolean {
    return /existing instance for/i.test(this.stderr)
  }
}

export interface BuilderInfo {
  /** Known once the builder has booted; empty before. */
  platforms: string[]
}

async function docker(args: string[], title: string): Promise<string> {
  return core.group(title, async () => {
    const result = await getExecOutput('docker', args, { ignoreReturnCode: true })
    if (result.exitCode !== 0) throw new BuildxError(args.join(' '), result.stderr)
    return result.stdout
  })
}

/** Runs `docker buildx create ...` with the plan's arguments. */
export async function createBuilder(args: string[], name: string): Promise<void> {
  await docker(args, `Creating builder ${name}`)
}

/** The builder, or undefined when buildx knows none of that name. */
export async function inspectBuilder(name: string): Promise<BuilderInfo | undefined> {
  const result = await getExecOutput('docker', ['buildx', 'inspect', name], { ignoreReturnCode: true, silent: true })
  if (result.exitCode !== 0) {
    if (/no builder .* found|not found/i.test(result.stderr)) return undefined
    throw new BuildxError(`buildx inspect ${name}`, result.stderr)
  }
  return parseInspect(result.stdout)
}

export async function removeBuilder(name: string): Promise<void> {
  await docker(['buildx', 'rm', name], `Removing builder ${name}`)
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
