import * as core from '@actions/core'
import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as runner from '../src/runner.js'

// src/runner.ts writes the runner's workflow commands and command files itself, instead of loading
// @actions/core (see its header). What the runner reads must be the same bytes as @actions/core
// writes, for values that need escaping most: this test holds the two side by side.

const TRICKY = [
  'plain',
  'per%cent',
  'two\nlines',
  'cr\r\nlf',
  'colon: and, comma',
  '%0A literal',
  '',
  '::error::inside'
]

/** What `write` printed to stdout, with process.exitCode left as it was. */
function stdoutOf(write: () => void): string {
  const printed: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(String(chunk))
    return true
  })
  const exitCode = process.exitCode
  try {
    write()
  } finally {
    spy.mockRestore()
    process.exitCode = exitCode
  }
  return printed.join('')
}

/** A GITHUB_OUTPUT / GITHUB_STATE file's text after `write`, with the random delimiters made equal. */
function commandFileOf(variable: 'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_ENV', write: () => void): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sbr-runner-')), 'file')
  writeFileSync(path, '')
  const before = process.env[variable]
  process.env[variable] = path
  try {
    write()
  } finally {
    if (before === undefined) delete process.env[variable]
    else process.env[variable] = before
  }
  return readFileSync(path, 'utf8').replace(/ghadelimiter_[0-9a-f-]+/g, 'DELIMITER')
}

describe('runner.ts writes what @actions/core writes', () => {
  it.each(TRICKY)('workflow commands for %j', value => {
    expect(stdoutOf(() => runner.setSecret(value))).toBe(stdoutOf(() => core.setSecret(value)))
    expect(stdoutOf(() => runner.warning(value, { title: value }))).toBe(
      stdoutOf(() => core.warning(value, { title: value }))
    )
    expect(stdoutOf(() => runner.setFailed(value))).toBe(stdoutOf(() => core.setFailed(value)))
    expect(stdoutOf(() => runner.startGroup(value))).toBe(stdoutOf(() => core.startGroup(value)))
    expect(stdoutOf(() => runner.endGroup())).toBe(stdoutOf(() => core.endGroup()))
    expect(stdoutOf(() => runner.info(value))).toBe(stdoutOf(() => core.info(value)))
    expect(stdoutOf(() => runner.debug(value))).toBe(stdoutOf(() => core.debug(value)))
  })

  it.each(TRICKY)('GITHUB_OUTPUT, GITHUB_STATE and GITHUB_ENV entries for %j', value => {
    expect(commandFileOf('GITHUB_OUTPUT', () => runner.setOutput('name', value))).toBe(
      commandFileOf('GITHUB_OUTPUT', () => core.setOutput('name', value))
    )
    expect(commandFileOf('GITHUB_STATE', () => runner.saveState('name', value))).toBe(
      commandFileOf('GITHUB_STATE', () => core.saveState('name', value))
    )
    expect(commandFileOf('GITHUB_ENV', () => runner.exportVariable('SBR_TEST_VARIABLE', value))).toBe(
      commandFileOf('GITHUB_ENV', () => core.exportVariable('SBR_TEST_VARIABLE', value))
    )
  })

  it('reads inputs and state as @actions/core reads them', () => {
    process.env['INPUT_SOME-INPUT'] = '  padded value \n'
    process.env.STATE_saved = 'x'
    expect(runner.getInput('some-input')).toBe(core.getInput('some-input'))
    expect(runner.getInput('some-input', { trimWhitespace: false })).toBe(
      core.getInput('some-input', { trimWhitespace: false })
    )
    process.env['INPUT_LIST'] = 'a\n\n  b  \nc'
    expect(runner.getMultilineInput('list')).toEqual(core.getMultilineInput('list'))
    expect(runner.getState('saved')).toBe(core.getState('saved'))
    expect(runner.getInput('absent')).toBe(core.getInput('absent'))
  })
})

describe('stepOutputsReadable: whether a later step can read the outputs (steps.<id>.outputs)', () => {
  it.each([
    ['buildx', true, 'a step with `id: buildx`'],
    ['setup_buildkit-1', true, 'an id with _ and -'],
    ['_private', true, 'an id may start with one underscore'],
    ['outer.buildx', true, 'a step with an id inside a composite action'],
    ['__org_setup-buildkit-registry', false, 'a step without an id: the name the runner makes up'],
    ['__org_setup-buildkit-registry_2', false, 'the second such step of the job'],
    ['__self', false, '`uses: ./` without an id'],
    ['outer.__org_setup-buildkit-registry', false, 'a step without an id inside a composite action'],
    ['__composite_action.buildx', true, 'a step with an id inside a composite step without one']
  ])('GITHUB_ACTION=%s: %s (%s)', (name, readable) => {
    expect(runner.stepOutputsReadable({ GITHUB_ACTION: name })).toBe(readable)
  })

  it('is true off a runner (no GITHUB_ACTION): nothing is skipped then', () => {
    expect(runner.stepOutputsReadable({})).toBe(true)
  })
})
