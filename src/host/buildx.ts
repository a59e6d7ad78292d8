import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cliPluginDirs, dockerConfigDir } from '../paths.js'
import * as runner from '../runner.js'
import { CommandError, tryCommand, type CommandOptions, type CommandResult } from './command.js'
import { containerLog, usesLocalDaemon } from './docker-engine.js'

/** The buildx plugin's file name, as the Docker CLI looks for it. */
export const BUILDX_PLUGIN = process.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx'

/** The buildx plugin binary the Docker CLI would run, if any: a look at the disk rather than `docker buildx version`, which would cost a process. */
export function buildxPluginPath(env: NodeJS.ProcessEnv): string | undefined {
  return cliPluginDirs(env)
    .map(dir => join(dir, BUILDX_PLUGIN))
    .find(path => existsSync(path))
}

/** The Docker client config's text; undefined when there is none. */
function clientConfig(): string | undefined {
  const path = join(dockerConfigDir(process.env), 'config.json')
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/**
 * Runs `docker buildx ARGS`. The plugin binary is run straight, as the Docker
 * CLI would find it (buildx runs standalone the same): that saves the CLI's own
 * start, about 30 ms a call. Through `docker` when the client config names
 * plugin directories of its own, or no plugin is where the CLI looks.
 * Errors name the command as `docker buildx ...`, the one a user can rerun.
 */
function buildx(args: string[], options: CommandOptions = {}): Promise<CommandResult> {
  const plugin = clientConfig()?.includes('cliPluginsExtraDirs') ? undefined : buildxPluginPath(process.env)
  return plugin ? tryCommand(plugin, args, options) : tryCommand('docker', ['buildx', ...args], options)
}

async function runBuildx(args: string[], options: CommandOptions = {}): Promise<string> {
  const result = await buildx(args, options)
  if (result.exitCode !== 0) throw new CommandError(`docker buildx ${args.join(' ')}`, result.exitCode, result.stderr)
  return result.stdout
}

export interface BuilderInfo {
  /** Known once the builder has booted; empty before. */
  platforms: string[]
}

/** buildx refuses to create a builder whose name an existing one has. */
export function isNameTaken(error: unknown): boolean {
  return error instanceof CommandError && /existing instance for/i.test(error.stderr)
}

/**
 * Runs `docker buildx create ...` with the plan's arguments (`buildx create …`), its output folded in the log.
 * `onStart` gets the process id, for a post step that may find it still running.
 */
export async function createBuilder(args: string[], name: string, onStart?: (pid: number) => void): Promise<void> {
  await runner.group(`Creating builder ${name}`, () => runBuildx(args.slice(1), { show: true, onStart }))
}

/** The builder, or undefined when buildx knows none of that name. */
export async function inspectBuilder(name: string): Promise<BuilderInfo | undefined> {
  const result = await buildx(['inspect', name])
  if (result.exitCode !== 0) {
    if (isUnknownBuilder(result.stderr)) return undefined
    throw new CommandError(`docker buildx inspect ${name}`, result.exitCode, result.stderr)
  }
  return parseInspect(result.stdout)
}

/**
 * Removes the builder in one round trip (no inspect first); false when buildx
 * knew none of that name (already gone).
 */
export async function removeBuilder(name: string): Promise<boolean> {
  const result = await buildx(['rm', name])
  if (result.exitCode === 0) {
    runner.info(`Removed builder ${name}.`)
    return true
  }
  // Only buildx's own words for an unknown builder: a driver's "not found" (a gone cluster) is a failure.
  if (/no builder ".*" found/i.test(result.stderr)) return false
  throw new CommandError(`docker buildx rm ${name}`, result.exitCode, result.stderr)
}

function isUnknownBuilder(stderr: string): boolean {
  return /no builder .* found|not found/i.test(stderr)
}

/**
 * The platforms of a builder that `buildx create --bootstrap` just booted.
 * `buildx inspect` costs about 150 ms (two CLI starts and a `docker exec` into
 * the BuildKit container); for a docker-container builder on the local daemon
 * the same list is in buildkitd's start-up log ("found worker …, platforms=[…]"),
 * one request to the Docker socket away. Anything else, or a log that does not
 * read as expected, falls back to `buildx inspect`.
 */
export async function bootedPlatforms(name: string, driver: string, endpoint: string): Promise<string[]> {
  if (driver === 'docker-container' && endpoint === '') {
    if (usesLocalDaemon(process.env, clientConfig())) {
      // buildx names the container of a builder's first (and only) node so.
      const log = await containerLog(`buildx_buildkit_${name}0`)
      const platforms = log === undefined ? undefined : platformsFromBuildkitdLog(log)
      if (platforms) return platforms
    }
  }
  return (await inspectBuilder(name))?.platforms ?? []
}

/** The worker's platforms from buildkitd's log; undefined unless exactly one worker was found. */
export function platformsFromBuildkitdLog(log: string): string[] | undefined {
  const workers = [...log.matchAll(/found worker .*?platforms=\[([^\]]*)\]/g)]
  if (workers.length !== 1) return undefined
  const platforms = workers[0][1].split(' ').filter(platform => platform !== '')
  return platforms.length > 0 ? platforms : undefined
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
