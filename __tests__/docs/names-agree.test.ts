import { load } from 'js-yaml'
import { INPUT_NAMES } from '../../src/inputs/input-names.js'
import { MERGE_INPUT_NAMES, MERGE_OUTPUT_NAMES } from '../../src/merge/merge-names.js'
import { OUTPUT_NAMES } from '../../src/steps/output-names.js'
import { namesIn, readRepoFile, sourceFiles, tableAfter } from './markdown.js'

// What a user reads in the docs' tables, what the runner takes from action.yml, and what the code
// reads and sets are one set of names: an input documented but not read, or read but not declared
// (the runner then warns "Unexpected input"), fails here.

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
}

const actionYaml = (path: string): ActionYaml => load(readRepoFile(path)) as ActionYaml

/** The names a docs table lists in its first column, each once, in the table's order. */
function tableNames(path: string, heading: string, nth = 0): string[] {
  return tableAfter(readRepoFile(path), heading, nth).flatMap(row => namesIn(row[0]))
}

const sorted = (names: readonly string[]): string[] => [...names].sort()

describe('action.yml, the README and the code name the same inputs and outputs', () => {
  const action = actionYaml('action.yml')

  it('action.yml declares exactly the inputs the readers read (src/inputs/input-names.ts), in its order', () => {
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES])
  })

  it("the README's inputs table lists each of them once", () => {
    const documented = tableNames('README.md', '## Inputs')
    expect(sorted(documented)).toEqual(sorted(INPUT_NAMES))
  })

  it("the README's default column says action.yml's default", () => {
    const wrong = tableAfter(readRepoFile('README.md'), '## Inputs').flatMap(([names, shown]) =>
      namesIn(names).flatMap(name => {
        const declared = action.inputs[name]?.default ?? ''
        const ok = declared === '' ? shown === '' || shown === 'generated' : shown === `\`${declared}\``
        return ok ? [] : [`${name}: README says '${shown}', action.yml '${declared}'`]
      })
    )
    expect(wrong).toEqual([])
  })

  it('action.yml declares exactly the outputs the steps set (src/steps/output-names.ts), and the README lists them', () => {
    expect(Object.keys(action.outputs)).toEqual([...OUTPUT_NAMES])
    expect(sorted(tableNames('README.md', '## Outputs'))).toEqual(sorted(OUTPUT_NAMES))
  })
})

describe('merge/action.yml, its docs table and the merge step name the same inputs and outputs', () => {
  const action = actionYaml('merge/action.yml')
  const heading = "## The `merge` sub-action's inputs and outputs"

  it('inputs', () => {
    expect(Object.keys(action.inputs)).toEqual([...MERGE_INPUT_NAMES])
    expect(tableNames('docs/matrix-builds.md', heading)).toEqual([...MERGE_INPUT_NAMES])
  })

  it('outputs', () => {
    expect(Object.keys(action.outputs)).toEqual([...MERGE_OUTPUT_NAMES])
    expect(tableNames('docs/matrix-builds.md', heading, 1)).toEqual([...MERGE_OUTPUT_NAMES])
  })
})

describe('inputs are read and outputs set only through the name lists', () => {
  // A reader that called @actions/core with a string of its own would escape the lists' types.
  const lists = ['inputs/input-names.ts', 'steps/output-names.ts', 'merge/merge-names.ts']

  it('no other file of src/ calls core.getInput, getMultilineInput, getBooleanInput or setOutput', () => {
    const callers = sourceFiles('src')
      .filter(file => !lists.some(list => file === `src/${list}`))
      .filter(file =>
        /\bcore\s*\.\s*(getInput|getMultilineInput|getBooleanInput|setOutput)\s*\(/.test(readRepoFile(file))
      )
    expect(callers).toEqual([])
  })

  it('every declared input is read somewhere in src/inputs/, and every output set in src/steps/', () => {
    const text = (dir: string, skip: string): string =>
      sourceFiles(dir)
        .filter(file => file !== skip)
        .map(readRepoFile)
        .join('\n')
    const readers = text('src/inputs', 'src/inputs/input-names.ts')
    const setters = text('src/steps', 'src/steps/output-names.ts')
    expect(INPUT_NAMES.filter(name => !readers.includes(`'${name}'`))).toEqual([])
    expect(OUTPUT_NAMES.filter(name => !new RegExp(`setOutput\\(\\s*'${name}'`).test(setters))).toEqual([])
  })
})
