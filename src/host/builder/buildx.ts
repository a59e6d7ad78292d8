import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { cliPluginDirs, readDockerClientConfig } from '../../docker-client-config.js'
import type { BuildxCreate } from '../../model.js'
import * as core from '@actions/core'
import { parseBuilderInspect, type BuilderInfo } from './builder-info.js'
import { CommandError, tryCommand, type CommandOptions, type CommandResult } from '../process/command.js'

/** The buildx plugin's file name, as the Docker CLI looks for it. */
export const BUILDX_PLUGIN = process.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx'

/**
 * The buildx plugin binary the Docker CLI would run, if any: a look at the disk, in the CLI's own
 * search order, rather than `docker buildx version`, which would cost a process.
 */
export function buildxPluginPath(env: NodeJS.ProcessEnv): string | undefined {
  return cliPluginDirs(readDockerClientConfig(env), env)
    .map(dir => join(dir, BUILDX_PLUGIN))
    .find(path => existsSync(path))
}

/**
 * Runs `docker buildx ARGS`. The plugin binary is run straight, as the Docker
 * CLI would find it (buildx runs standalone the same): that saves the CLI's own
 * start, about 30 ms a call. Through `docker` when no plugin is where the CLI looks.
 * Errors name the command as `docker buildx ...`, the one a user can rerun.
 */
function buildx(args: string[], options: CommandOptions = {}): Promise<CommandResult> {
  const plugin = buildxPluginPath(process.env)
  return plugin ? tryCommand(plugin, args, options) : tryCommand('docker', ['buildx', ...args], options)
}

async function runBuildx(args: string[], options: CommandOptions = {}): Promise<string> {
  const result = await buildx(args, options)
  if (result.exitCode !== 0) {
    const unknownFlag = /unknown flag: (--[\w-]+)/.exec(result.stderr)?.[1]
    if (unknownFlag) throw await tooOld(unknownFlag)
    throw new CommandError(`docker buildx ${args.join(' ')}`, result.exitCode, result.stderr)
  }
  return result.stdout
}

/** The input that makes the action pass each buildx flag a release may lack. */
const INPUT_OF_FLAG: Record<string, string> = {
  '--bootstrap': 'bootstrap',
  '--platform': 'platforms',
  '--append': 'append',
  '--keep-state': 'keep-state',
  '--buildkitd-flags': 'buildkitd-flags',
  '--config': 'the registry inputs (a buildkitd.toml)',
  '--driver-opt': 'driver-opts'
}

/** A buildx older than a flag the inputs need: say which, and how to get a newer one. */
async function tooOld(flag: string): Promise<Error> {
  const version = /v?\d+\.\d+\.\d+\S*/.exec((await buildx(['version'])).stdout)?.[0] ?? 'this version'
  const input = INPUT_OF_FLAG[flag]
  return new Error(
    `buildx ${version} does not know \`${flag}\`${input ? `, which ${input} needs` : ''}: it is too old. ` +
      'Set `buildx-version` (or `version`) to a newer release, e.g. `latest`, or update buildx on the runner'
  )
}

/** buildx refuses to create a builder whose name an existing one has. */
export function isNameTaken(error: unknown): boolean {
  return error instanceof CommandError && /existing instance for/i.test(error.stderr)
}

/**
 * Runs the plan's `buildx create …` and then each `buildx create --append …` (the `append`
 * nodes), their output folded in the log. `onStart` gets each process's id, for a post step
 * that may find it still running.
 */
export async function createBuilder(
  create: BuildxCreate,
  name: string,
  onStart?: (pid: number) => void
): Promise<void> {
  await core.group(`Creating builder ${name}`, async () => {
    await runBuildx(create.args, { show: true, onStart })
    for (const nodeArgs of create.appendArgs) await runBuildx(nodeArgs, { show: true, onStart })
  })
}

/**
 * The builder and its nodes, or undefined when buildx knows none of that name. DEBUG=1 makes
 * buildx list the nodes' features, as docker/setup-buildx-action's `nodes` output has them.
 */
export async function inspectBuilder(name: string): Promise<BuilderInfo | undefined> {
  const result = await buildx(['inspect', name], { env: { DEBUG: '1' } })
  if (result.exitCode !== 0) {
    if (isUnknownBuilder(result.stderr)) return undefined
    throw new CommandError(`docker buildx inspect ${name}`, result.exitCode, result.stderr)
  }
  return parseBuilderInspect(result.stdout)
}

/**
 * Removes the builder in one round trip (no inspect first); false when buildx
 * knew none of that name (already gone). `keepState` keeps a docker-container
 * builder's BuildKit state volume (`keep-state`).
 */
export async function removeBuilder(name: string, keepState = false): Promise<boolean> {
  const result = await buildx(['rm', name, ...(keepState ? ['--keep-state'] : [])])
  if (result.exitCode === 0) {
    core.info(`Removed builder ${name}${keepState ? ', keeping its BuildKit state (keep-state)' : ''}.`)
    return true
  }
  // Only buildx's own words for an unknown builder: a driver's "not found" (a gone cluster) is a failure.
  if (/no builder ".*" found/i.test(result.stderr)) return false
  throw new CommandError(`docker buildx rm ${name}`, result.exitCode, result.stderr)
}

/**
 * A warm builder reused: `buildx use` as `create --use` would have made it current; `bootstrap` boots a stopped one.
 */
export async function reuseBuilder(name: string, use: boolean, boot: boolean): Promise<void> {
  if (use) await runBuildx(['use', name])
  if (boot)
    await core.group(`Booting builder ${name}`, () => runBuildx(['inspect', '--bootstrap', name], { show: true }))
}

/**
 * `docker buildx du --builder NAME` (its summary table, `--verbose` off): the builder's cache as
 * BuildKit counts it. A builder that is not running is not booted for it: buildx reaches a node
 * only through its running container.
 */
export async function builderDiskUsage(name: string): Promise<string> {
  return runBuildx(['du', '--builder', name, '--verbose=false'])
}

function isUnknownBuilder(stderr: string): boolean {
  return /no builder .* found|not found/i.test(stderr)
}

/** v3's `install`: `docker build` runs `docker buildx build` (an alias in the client config). */
export async function installBuildxAlias(): Promise<void> {
  await core.group('Setting buildx as the docker build command (install)', () => runBuildx(['install'], { show: true }))
}

/** Undoes installBuildxAlias. */
export async function uninstallBuildxAlias(): Promise<void> {
  await runBuildx(['uninstall'])
  core.info('docker build is the docker build command again (buildx uninstall).')
}
