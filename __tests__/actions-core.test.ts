import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as real from '@actions/core'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as ours from '../src/actions-core.js'

// src/actions-core.ts is what the bundle runs in @actions/core's place: each function writes the
// very lines @actions/core writes (stdout and the runner's command files), and it has every
// function the source and @actions/tool-cache call.

type Core = typeof ours
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(join(tmpdir(), 'sbr-actions-core-'))
const FILES = ['OUTPUT', 'STATE', 'ENV', 'PATH'] as const
// @actions/core's summary keeps the first path it is given: one file for the whole file.
const SUMMARY = join(dir, 'summary')
const saved = { ...process.env }
const savedExitCode = process.exitCode

afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(() => writeFileSync(SUMMARY, ''))
afterEach(() => {
  process.env = { ...saved }
  process.exitCode = savedExitCode
  jest.restoreAllMocks()
})

/** Runs `act` against one implementation: what it wrote to stdout, to each command file and to the summary. */
async function written(core: Core, act: (core: Core) => unknown, withFiles: boolean): Promise<string[]> {
  for (const file of FILES) {
    const path = join(dir, file)
    writeFileSync(path, '')
    if (withFiles) process.env[`GITHUB_${file}`] = path
    else delete process.env[`GITHUB_${file}`]
  }
  process.env.GITHUB_STEP_SUMMARY = SUMMARY
  writeFileSync(SUMMARY, '')
  let stdout = ''
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout += String(chunk)
    return true
  })
  try {
    await act(core)
  } finally {
    spy.mockRestore()
  }
  const files = FILES.map(file => `${file}: ${readFileSync(join(dir, file), 'utf8')}`)
  // The file commands' delimiters are random: the same shape, whatever the uuid.
  return [stdout, ...files, `summary: ${readFileSync(SUMMARY, 'utf8')}`].map(text =>
    text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_UUID')
  )
}

const awkward = ['plain', 'two\nlines', 'per%cent: a,b\r\nend', '', { a: 1, b: ['x'] }, 42, undefined, null]

const calls: [string, (core: Core) => unknown][] = [
  ['setOutput', core => awkward.forEach((value, i) => core.setOutput(`out${i}`, value))],
  ['saveState', core => awkward.forEach((value, i) => core.saveState(`state${i}`, value))],
  ['exportVariable', core => awkward.forEach((value, i) => core.exportVariable(`SBR_TEST_VAR${i}`, value))],
  ['addPath', core => core.addPath('/opt/sbr test/bin')],
  ['setSecret', core => core.setSecret('s3cr%t\nline: two')],
  ['info, debug, notice', core => (core.info('a % b\nc'), core.debug('d: e, f'), core.notice('n'))],
  [
    'warning and error with annotations',
    core => {
      core.warning('w\nx', { title: 'a: b, c', file: 'f.ts', startLine: 3, endLine: 4, startColumn: 1, endColumn: 2 })
      core.warning(new Error('boom'))
      core.error('e', { title: 'only a title' })
      core.error('e', {})
    }
  ],
  ['setFailed', core => core.setFailed('failed: here')],
  ['startGroup, endGroup', core => (core.startGroup('g: one, two'), core.info('inside'), core.endGroup())],
  ['group', core => core.group('g', async () => core.info('inside'))],
  ['summary', async core => (await core.summary.addRaw('<p>a</p>').addRaw('b', true).write(), undefined)],
  ['summary overwrite', async core => (await core.summary.addRaw('x').write({ overwrite: true }), undefined)]
]

describe('src/actions-core.ts writes what @actions/core writes', () => {
  for (const withFiles of [true, false]) {
    it.each(calls)(`%s (${withFiles ? 'with' : 'without'} the runner's command files)`, async (_, act) => {
      const theirs = await written(real as unknown as Core, act, withFiles)
      const exitCode = process.exitCode
      process.exitCode = savedExitCode
      expect(await written(ours, act, withFiles)).toEqual(theirs)
      expect(process.exitCode).toBe(exitCode)
    })
  }

  it('reads inputs, state and RUNNER_DEBUG as @actions/core does, errors alike', () => {
    process.env['INPUT_SOME_NAME'] = '  one\n\n two \n'
    process.env.INPUT_FLAG = 'True'
    process.env.INPUT_BAD = 'yes'
    process.env.STATE_undo = '{"a":1}'
    process.env.RUNNER_DEBUG = '1'
    const read = (core: Core): unknown[] => {
      const attempt = (fn: () => unknown): unknown => {
        try {
          return fn()
        } catch (error) {
          return `${(error as Error).constructor.name}: ${(error as Error).message}`
        }
      }
      return [
        core.getInput('some name'),
        core.getInput('Some_Name', { trimWhitespace: false }),
        core.getMultilineInput('some name'),
        core.getMultilineInput('some name', { trimWhitespace: false }),
        core.getBooleanInput('flag'),
        attempt(() => core.getBooleanInput('bad')),
        attempt(() => core.getInput('missing', { required: true })),
        core.getInput('missing'),
        core.getState('undo'),
        core.getState('none'),
        core.isDebug()
      ]
    }
    expect(read(ours)).toEqual(read(real as unknown as Core))
  })

  it('fails a summary write outside a runner as @actions/core does', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(ours.summary.addRaw('x').write()).rejects.toThrow(/GITHUB_STEP_SUMMARY/)
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'absent', 'summary')
    await expect(ours.summary.addRaw('x').write()).rejects.toThrow(/Unable to access summary file/)
  })
})

describe('src/actions-core.ts has every function called', () => {
  const exported = new Set(Object.keys(ours))

  // Functions and values; the types (`core.InputOptions`) are checked by `tsc -p tsconfig.bundle.json` (npm run lint).
  it('by the source (`core.name`)', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      file => file.endsWith('.ts') && file !== 'actions-core.ts'
    )
    const used = new Set(
      files.flatMap(file =>
        [...readFileSync(join(ROOT, 'src', file), 'utf8').matchAll(/\bcore\.([a-z]\w*)/g)].map(m => m[1])
      )
    )
    expect(used.size).toBeGreaterThan(10)
    expect([...used].filter(name => !exported.has(name))).toEqual([])
  })

  it('while the source imports @actions/core by name (for local-action), never this module', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(file =>
      file.endsWith('.ts')
    )
    const importers = files.filter(file =>
      /from '[./]+actions-core\.js'/.test(readFileSync(join(ROOT, 'src', file), 'utf8'))
    )
    expect(importers).toEqual([])
  })

  it('by @actions/tool-cache, which the bundle gives the same module', () => {
    const lib = join(ROOT, 'node_modules', '@actions', 'tool-cache', 'lib')
    const used = new Set(
      readdirSync(lib)
        .filter(file => file.endsWith('.js'))
        .flatMap(file => {
          const text = readFileSync(join(lib, file), 'utf8')
          const named = [...text.matchAll(/import \{([^}]+)\} from '@actions\/core'/g)].flatMap(m =>
            m[1].split(',').map(name => name.trim())
          )
          const namespaces = [...text.matchAll(/import \* as (\w+) from '@actions\/core'/g)].map(m => m[1])
          const members = namespaces.flatMap(ns =>
            [...text.matchAll(new RegExp(`\\b${ns}\\.(\\w+)`, 'g'))].map(m => m[1])
          )
          return [...named, ...members]
        })
    )
    expect(used.size).toBeGreaterThan(0)
    expect([...used].filter(name => !exported.has(name))).toEqual([])
  })
})
