import * as core from '@actions/core'
import { parse as parseToml, TomlError, type TomlTable } from 'smol-toml'
import { InputError } from './input-error.js'
import { readInputFile } from './input-file.js'

export interface BaseConfig {
  table: TomlTable
  /** Which input it came from, for warnings (`config`, `config-inline`: v3 of docker/setup-buildx-action). */
  input: 'buildkitd-config' | 'buildkitd-config-inline' | 'config' | 'config-inline'
}

/** The buildkitd.toml to start from: a file, inline text, or none. */
export function readBaseConfig(): BaseConfig | undefined {
  // v3 of docker/setup-buildx-action still takes the old names; as there, the new name wins.
  const pathInput =
    core.getInput('buildkitd-config') === '' && core.getInput('config') !== '' ? 'config' : 'buildkitd-config'
  const inlineInput =
    core.getInput('buildkitd-config-inline') === '' && core.getInput('config-inline') !== ''
      ? 'config-inline'
      : 'buildkitd-config-inline'
  const path = core.getInput(pathInput)
  const inline = core.getInput(inlineInput, { trimWhitespace: false })
  if (path !== '' && inline.trim() !== '') {
    throw new InputError(
      inlineInput,
      `is set together with \`${pathInput}\``,
      'keep one of them: a path to a TOML file, or the TOML text inline'
    )
  }
  if (path !== '') {
    const text = readInputFile(pathInput, path, 'give the TOML text in `buildkitd-config-inline`')
    return { table: parseBaseConfig(pathInput, text), input: pathInput }
  }
  if (inline.trim() !== '') return { table: parseBaseConfig(inlineInput, inline), input: inlineInput }
  return undefined
}

function parseBaseConfig(input: BaseConfig['input'], text: string): TomlTable {
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
