// What the bundle runs in @actions/core's place (`npm run bundle` maps the name here through
// tsconfig.bundle.json): the functions this action and @actions/tool-cache call, written to
// GitHub's documented protocol (workflow commands on stdout; GITHUB_OUTPUT, GITHUB_STATE,
// GITHUB_ENV and GITHUB_PATH files; the step summary file), the same lines @actions/core writes.
//
// A deliberate choice, where @actions/core cannot serve: its entry imports its OIDC client
// (getIDToken), which imports @actions/http-client and undici, and its `platform` export, which
// imports @actions/exec and @actions/io. The bundler cannot leave them out (they run code when
// loaded), so every step parsed and ran about 1 MB of code it never calls: most of the time a step
// spent before its first command. The source still imports '@actions/core' by that name, so
// that `@github/local-action` can put its own stand-in there, and jest runs the real package;
// __tests__/actions-core.test.ts holds this module to the same lines as @actions/core, whose
// behaviour and messages (3.0.1, MIT: THIRD_PARTY_NOTICES.md) it follows.
import { randomUuid } from './crypto.js'
import { appendFileSync, existsSync } from 'node:fs'
import { access, appendFile, constants, writeFile } from 'node:fs/promises'
import { EOL } from 'node:os'
import { delimiter } from 'node:path'

export interface InputOptions {
  required?: boolean
  trimWhitespace?: boolean
}

/** Where an annotation points; the subset of @actions/core's AnnotationProperties this action sets. */
export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

type CommandValue = unknown

/** @actions/core's toCommandValue: strings as they are, anything else as JSON, nothing as ''. */
function toCommandValue(value: CommandValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string' || value instanceof String) return String(value)
  return JSON.stringify(value)
}

const escapeData = (text: CommandValue): string =>
  toCommandValue(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

const escapeProperty = (text: CommandValue): string => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** A workflow command, `::name key=value,…::message`, one line on stdout (empty properties left out). */
function issueCommand(command: string, properties: Record<string, CommandValue>, message: CommandValue): void {
  const set = Object.entries(properties).filter(([, value]) => value)
  const props = set.length > 0 ? ` ${set.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}` : ''
  process.stdout.write(`::${command}${props}::${escapeData(message)}${EOL}`)
}

/** Appends `message` to the file the runner named in GITHUB_<command>. */
function issueFileCommand(command: string, message: string): void {
  const path = process.env[`GITHUB_${command}`]
  if (!path) throw new Error(`Unable to find environment variable for file command ${command}`)
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`)
  appendFileSync(path, `${message}${EOL}`, { encoding: 'utf8' })
}

/** `name<<DELIMITER`, the value, `DELIMITER`: a random delimiter that neither may contain. */
function keyValueMessage(name: string, value: CommandValue): string {
  const delimiterLine = `ghadelimiter_${randomUuid()}`
  const text = toCommandValue(value)
  if (name.includes(delimiterLine))
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiterLine}"`)
  if (text.includes(delimiterLine))
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiterLine}"`)
  return `${name}<<${delimiterLine}${EOL}${text}${EOL}${delimiterLine}`
}

/** The file command where the runner gave its file, else the older workflow command. */
function setNamed(file: string, command: string, name: string, value: CommandValue): void {
  if (process.env[`GITHUB_${file}`]) return issueFileCommand(file, keyValueMessage(name, value))
  if (command === 'set-output') process.stdout.write(EOL)
  issueCommand(command, { name }, toCommandValue(value))
}

export function getInput(name: string, options?: InputOptions): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || ''
  if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`)
  return options?.trimWhitespace === false ? value : value.trim()
}

export function getMultilineInput(name: string, options?: InputOptions): string[] {
  const lines = getInput(name, options)
    .split('\n')
    .filter(line => line !== '')
  return options?.trimWhitespace === false ? lines : lines.map(line => line.trim())
}

export function getBooleanInput(name: string, options?: InputOptions): boolean {
  const value = getInput(name, options)
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new TypeError(
    `Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
      'Support boolean input list: `true | True | TRUE | false | False | FALSE`'
  )
}

export function setOutput(name: string, value: CommandValue): void {
  setNamed('OUTPUT', 'set-output', name, value)
}

export function saveState(name: string, value: CommandValue): void {
  setNamed('STATE', 'save-state', name, value)
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

export function exportVariable(name: string, value: CommandValue): void {
  process.env[name] = toCommandValue(value)
  setNamed('ENV', 'set-env', name, value)
}

export function addPath(path: string): void {
  if (process.env.GITHUB_PATH) issueFileCommand('PATH', path)
  else issueCommand('add-path', {}, path)
  process.env.PATH = `${path}${delimiter}${process.env.PATH}`
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1'
}

export function debug(message: string): void {
  issueCommand('debug', {}, message)
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

/** @actions/core's toCommandProperties: the runner's names for where an annotation points. */
function annotation(properties: AnnotationProperties): Record<string, CommandValue> {
  if (Object.keys(properties).length === 0) return {}
  const { title, file, startLine, endLine, startColumn, endColumn } = properties
  return { title, file, line: startLine, endLine, col: startColumn, endColumn }
}

/** error(), warning() and notice(): an annotation of `message` (an Error as its toString), where `properties` say. */
function annotationCommand(command: string): (message: string | Error, properties?: AnnotationProperties) => void {
  return (message, properties = {}) =>
    issueCommand(command, annotation(properties), message instanceof Error ? message.toString() : message)
}

export const error = annotationCommand('error')
export const warning = annotationCommand('warning')
export const notice = annotationCommand('notice')

export function setFailed(message: string | Error): void {
  process.exitCode = 1
  error(message)
}

export function startGroup(name: string): void {
  issueCommand('group', {}, name)
}

export function endGroup(): void {
  issueCommand('endgroup', {}, '')
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name)
  try {
    return await fn()
  } finally {
    endGroup()
  }
}

/** The job summary's buffer: what this action writes there is HTML it built itself (addRaw). */
class Summary {
  private buffer = ''

  addRaw(text: string, addEOL = false): Summary {
    this.buffer += addEOL ? text + EOL : text
    return this
  }

  /** Appends the buffer to GITHUB_STEP_SUMMARY (or replaces the file's text), then empties it. */
  async write(options?: { overwrite?: boolean }): Promise<Summary> {
    const path = process.env.GITHUB_STEP_SUMMARY
    if (!path)
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. ' +
          'Check if your runtime environment supports job summaries.'
      )
    try {
      await access(path, constants.R_OK | constants.W_OK)
    } catch {
      throw new Error(`Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`)
    }
    await (options?.overwrite ? writeFile : appendFile)(path, this.buffer, { encoding: 'utf8' })
    this.buffer = ''
    return this
  }
}

export const summary = new Summary()
