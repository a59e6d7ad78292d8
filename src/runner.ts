import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'

// The GitHub runner's interface, as far as this action uses it: inputs, state,
// outputs, masks, log groups, annotations and the job summary, in the same
// workflow commands and command files as @actions/core writes. Not
// @actions/core itself: it imports @actions/http-client and undici for OIDC,
// which this action never uses, and loading them cost every step more than
// all the action's own code (see the README's Performance section).

/** An input as the runner passes it (`INPUT_<NAME>`); '' when not set. */
export function getInput(name: string, options: { trimWhitespace?: boolean } = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || ''
  return options.trimWhitespace === false ? value : value.trim()
}

/** The non-empty lines of an input, each trimmed. */
export function getMultilineInput(name: string): string[] {
  return getInput(name)
    .split('\n')
    .filter(line => line !== '')
    .map(line => line.trim())
}

/** What main saved under `name` (`STATE_<name>` in the post step); '' when nothing. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

export function saveState(name: string, value: string): void {
  setValue('STATE', 'save-state', name, value)
}

export function setOutput(name: string, value: string): void {
  setValue('OUTPUT', 'set-output', name, value)
}

/**
 * Whether any later step can read this step's outputs. They are read as `steps.<id>.outputs.*`, so
 * only a step with an `id:` has outputs anyone can read. The runner names the step in GITHUB_ACTION:
 * its id, or, for a step without one, a name it makes up that starts with '__' (`__org_repo`,
 * `__org_repo_2`, `__self`, `__run`), a prefix the workflow parser refuses in ids (actions/runner,
 * IdBuilder). In a composite action the name is scoped (`outer.inner`): the step's own is the last
 * part. Not on a runner (no GITHUB_ACTION): readable, to be safe.
 */
export function stepOutputsReadable(env: NodeJS.ProcessEnv = process.env): boolean {
  const name = env.GITHUB_ACTION
  if (!name) return true
  return !name.slice(name.lastIndexOf('.') + 1).startsWith('__')
}

/** Sets `name` for every later step of the job (GITHUB_ENV); this process's own environment is left alone. */
export function exportVariable(name: string, value: string): void {
  setValue('ENV', 'set-env', name, value)
}

/** Masks `secret` in every later line of the log. */
export function setSecret(secret: string): void {
  command('add-mask', {}, secret)
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

/** A line shown only when the run is re-run with debug logging (ACTIONS_STEP_DEBUG). */
export function debug(message: string): void {
  command('debug', {}, message)
}

export function warning(message: string, properties: { title?: string } = {}): void {
  command('warning', properties, message)
}

/** Fails the step with `message` as its error annotation; the step goes on to its end. */
export function setFailed(message: string): void {
  process.exitCode = 1
  command('error', {}, message)
}

export function startGroup(title: string): void {
  command('group', {}, title)
}

export function endGroup(): void {
  command('endgroup', {}, '')
}

/** Runs `work` inside a folded group of the log. */
export async function group<T>(title: string, work: () => Promise<T>): Promise<T> {
  startGroup(title)
  try {
    return await work()
  } finally {
    endGroup()
  }
}

/** Appends HTML to the job summary; nothing outside a runner. */
export function appendSummary(html: string): void {
  const path = process.env.GITHUB_STEP_SUMMARY
  if (path) appendFileSync(path, html, 'utf8')
}

/** `name<<DELIMITER` blocks in the command file when the runner gives one, else the old workflow command. */
function setValue(file: 'STATE' | 'OUTPUT' | 'ENV', legacyCommand: string, name: string, value: string): void {
  const path = process.env[`GITHUB_${file}`]
  if (!path) {
    process.stdout.write(EOL)
    command(legacyCommand, { name }, value)
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}

/** `::name key=value::message`, escaped as the runner reads it. */
function command(name: string, properties: Record<string, string | undefined>, message: string): void {
  const escape = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => !!entry[1])
    .map(([key, value]) => `${key}=${escape(value).replace(/:/g, '%3A').replace(/,/g, '%2C')}`)
    .join(',')
  // As @actions/core: a space after the name whenever properties were given, even all empty.
  const space = Object.keys(properties).length > 0 ? ' ' : ''
  process.stdout.write(`::${name}${space}${props}::${escape(message)}${EOL}`)
}
