import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readBaseConfig } from '../../src/inputs/base-config.js'
import { inputErrorOf } from '../helpers/input-errors.js'
import { withInputs } from '../helpers/inputs.js'

// Through INPUT_* variables, as the runner passes `with:`. Invalid TOML and a missing file are in
// read-inputs.test.ts, v3's old names against the new in setup-buildx-compat.test.ts.

/** The driver whose config file paths are checked on the runner, as most jobs have it. */
const DRIVER = 'docker-container'
const dir = mkdtempSync(join(tmpdir(), 'sbr-base-config-'))
const tomlFile = join(dir, 'buildkitd.toml')
writeFileSync(tomlFile, '[worker.oci]\ngc = false\n')

afterAll(() => withInputs({}))

describe('readBaseConfig', () => {
  it('is none when neither input is set (blank inline text counts as unset)', () => {
    withInputs({ 'buildkitd-config-inline': '  \n' })
    expect(readBaseConfig(DRIVER)).toBeUndefined()
  })

  it('reads the file `buildkitd-config` names', () => {
    withInputs({ 'buildkitd-config': tomlFile })
    expect(readBaseConfig(DRIVER)).toEqual({
      table: { worker: { oci: { gc: false } } },
      input: 'buildkitd-config',
      missingFiles: []
    })
  })

  it("reads v3's `config` when the new name is not set, and names it in what it returns", () => {
    withInputs({ config: tomlFile })
    expect(readBaseConfig(DRIVER)?.input).toBe('config')
  })

  it('refuses a path and inline text together, naming both inputs', () => {
    withInputs({ 'buildkitd-config': tomlFile, 'buildkitd-config-inline': 'debug = true' })
    expect(inputErrorOf(() => readBaseConfig(DRIVER)).message).toBe(
      "Input 'buildkitd-config-inline': is set together with `buildkitd-config`. Fix: keep one of them: a path to a TOML file, or the TOML text inline"
    )
    withInputs({ config: tomlFile, 'config-inline': 'debug = true' })
    expect(inputErrorOf(() => readBaseConfig(DRIVER)).message).toContain(
      "Input 'config-inline': is set together with `config`"
    )
  })

  it('a TOML error in the file names the path input', () => {
    const bad = join(dir, 'bad.toml')
    writeFileSync(bad, 'debug = true\n[worker\n')
    withInputs({ 'buildkitd-config': bad })
    const error = inputErrorOf(() => readBaseConfig(DRIVER))
    expect({ input: error.input, line: error.line }).toEqual({ input: 'buildkitd-config', line: 2 })
  })
})
