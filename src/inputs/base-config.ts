import * as core from '@actions/core'
import { accessSync, constants, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { parse as parseToml, TomlError, type TomlTable } from 'smol-toml'
import { driverCapabilities, type Driver } from '../driver.js'
import { DOCKER_CONTAINER_SOCKET } from './buildkitd-schema.js'
import { checkBuildkitdConfig, type RunnerFile } from './check-buildkitd-config.js'
import { show, type Finding } from './config-wording.js'
import { InputError, inputPlace } from './input-error.js'
import { readInputFile } from './input-file.js'
import { keyLines } from './toml-lines.js'
import { getInput } from './input-names.js'

type BaseConfigInput = 'buildkitd-config' | 'buildkitd-config-inline' | 'config' | 'config-inline'

export interface BaseConfig {
  table: TomlTable
  /** Which input it came from, for warnings (`config`, `config-inline`: v3 of docker/setup-buildx-action). */
  input: BaseConfigInput
  /**
   * CA and keypair files the config names that are not on the runner, where buildx reads them.
   * Refused by plan.ts unless the inputs replace the key that names them (only the merge knows).
   */
  missingFiles?: MissingFile[]
}

export interface MissingFile {
  /** The key whose value the action's inputs may replace: `['registry', host, 'ca' | 'keypair']`. */
  key: string[]
  /** The InputError to throw when they do not. */
  error: InputError
}

/** The buildkitd.toml to start from: a file, inline text, or none. */
export function readBaseConfig(driver: Driver): BaseConfig | undefined {
  // v3 of docker/setup-buildx-action still takes the old names; as there, the new name wins.
  const pathInput = getInput('buildkitd-config') === '' && getInput('config') !== '' ? 'config' : 'buildkitd-config'
  const inlineInput =
    getInput('buildkitd-config-inline') === '' && getInput('config-inline') !== ''
      ? 'config-inline'
      : 'buildkitd-config-inline'
  const path = getInput(pathInput)
  const inline = getInput(inlineInput, { trimWhitespace: false })
  if (path !== '' && inline.trim() !== '') {
    throw new InputError(
      inlineInput,
      `is set together with \`${pathInput}\``,
      'keep one of them: a path to a TOML file, or the TOML text inline'
    )
  }
  if (path !== '') {
    const text = readInputFile(pathInput, path, 'give the TOML text in `buildkitd-config-inline`')
    return readConfigText(pathInput, text, driver, path)
  }
  return inline.trim() === '' ? undefined : readConfigText(inlineInput, inline, driver)
}

/**
 * Parses the config and checks it against BuildKit's schema (for `driver`'s builder); `file`: the
 * path it was read from.
 */
function readConfigText(input: BaseConfigInput, text: string, driver: Driver, file?: string): BaseConfig {
  const table = parseBaseConfig(input, text)
  // Parsed again with integers as bigint, so the check tells 4 from 4.0 as BuildKit does.
  const check = checkBuildkitdConfig(parseToml(text, { integersAsBigInt: true }), {
    builderSocket: driverCapabilities(driver).container ? DOCKER_CONTAINER_SOCKET : undefined
  })
  const lineOf = keyLines(text)
  const inFile = file === undefined ? '' : `${file}: `
  const located = (finding: Finding): Finding & { line?: number } => ({ ...finding, line: lineOf(finding.path) })

  const errors = check.errors.map(located).sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  if (errors.length > 0) {
    const [first, ...more] = errors
    const others =
      more.length === 0
        ? ''
        : ` (and ${more.length} more: ${more.map(error => `line ${error.line ?? '?'}: ${error.problem}`).join('; ')})`
    throw new InputError(input, inFile + first.problem + others, first.fix, first.line)
  }
  for (const warning of check.warnings.map(located))
    core.warning(`${inputPlace(input, warning.line)}: ${inFile}${warning.problem}. Fix: ${warning.fix}`)
  const missingFiles = check.files.flatMap(found => missingFile(input, found, lineOf(found.path)) ?? [])
  return { table, input, missingFiles }
}

/** A CA or keypair file buildx will not find on the runner, with the error it is worth. */
function missingFile(input: BaseConfigInput, found: RunnerFile, line: number | undefined): MissingFile | undefined {
  let why: string
  try {
    if (!statSync(found.file).isFile()) why = 'is not a file'
    else {
      accessSync(found.file, constants.R_OK)
      return undefined
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    why = code === 'ENOENT' ? 'does not exist on the runner' : `cannot be read on the runner (${code})`
  }
  const key = ['registry', found.registry, found.kind === 'ca' ? 'ca' : 'keypair']
  const fix =
    found.kind === 'ca'
      ? 'give the CA certificate (PEM) in `ca-cert` (every registry) or as `ca=<file>` on the `registries` ' +
        `line of ${found.registry}, and remove this \`ca\``
      : `give the client certificate and key in \`client-cert\` and \`client-key\`, and remove this \`keypair\``
  const relative = isAbsolute(found.file) ? '' : `; relative paths start at ${process.cwd()}`
  const problem =
    `${show(found.path)} names '${found.file}', which ${why} (buildx reads it there and copies it ` +
    `into the builder${relative})`
  return { key, error: new InputError(input, problem, fix, line) }
}

function parseBaseConfig(input: BaseConfigInput, text: string): TomlTable {
  try {
    return parseToml(text)
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '')
      throw new InputError(
        input,
        `invalid TOML: ${reason}`,
        `correct the TOML at line ${error.line}, column ${error.column}`,
        error.line
      )
    }
    throw error
  }
}
