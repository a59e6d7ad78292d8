import * as runner from '../runner.js'
import { parse as parseToml, TomlError, type TomlTable } from 'smol-toml'
import { InputError } from './input-error.js'
import { readInputFile } from './input-file.js'

export interface BaseConfig {
  table: TomlTable
  /** Which input it came from, for warnings. */
  input: 'buildkitd-config' | 'buildkitd-config-inline'
}

/** The buildkitd.toml to start from: a file, inline text, or none. */
export function readBaseConfig(): BaseConfig | undefined {
  const path = runner.getInput('buildkitd-config')
  const inline = runner.getInput('buildkitd-config-inline', { trimWhitespace: false })
  if (path !== '' && inline.trim() !== '') {
    throw new InputError(
      'buildkitd-config-inline',
      'is set together with `buildkitd-config`',
      'keep one of them: a path to a TOML file, or the TOML text inline'
    )
  }
  if (path !== '') {
    const text = readInputFile('buildkitd-config', path, 'give the TOML text in `buildkitd-config-inline`')
    return { table: parseBaseConfig('buildkitd-config', text), input: 'buildkitd-config' }
  }
  if (inline.trim() !== '')
    return { table: parseBaseConfig('buildkitd-config-inline', inline), input: 'buildkitd-config-inline' }
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
