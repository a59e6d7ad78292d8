import { listEntries, readMergeInputs } from '../../src/merge/merge-inputs.js'
import { inputErrorOf } from '../helpers/input-errors.js'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`

describe('merge inputs', () => {
  it('reads sources one per line or comma-separated, comments skipped, in order', () => {
    const inputs = readMergeInputs(
      `# the legs\nreg:5000/app@${D1}, reg:5000/legs@${D2}\n`,
      'reg:5000/app:1.0\nreg:5000/app:latest'
    )
    expect(inputs.registry).toBe('reg:5000')
    expect(
      inputs.sources.map(source => [source.line, source.entry, source.value.repository, source.value.digest])
    ).toEqual([
      [2, `entry 1 ('reg:5000/app@${D1}')`, 'app', D1],
      [2, `entry 2 ('reg:5000/legs@${D2}')`, 'legs', D2]
    ])
    expect(inputs.tags.map(tag => [tag.line, tag.value.repository, tag.value.tag])).toEqual([
      [1, 'app', '1.0'],
      [2, 'app', 'latest']
    ])
  })

  it('a source that is a tag: the input, the line and the fix (its digest, from the metadata file)', () => {
    const error = inputErrorOf(() => readMergeInputs(`reg:5000/app@${D1}\nreg:5000/app:amd64`, 'reg:5000/app:1'))
    expect(error.message).toMatch(/^Input 'sources', line 2: 'reg:5000\/app:amd64' is a tag, not a digest/)
    expect(error.fix).toContain('reg:5000/app@sha256:')
    expect(error.fix).toContain('containerimage.digest')
  })

  it('sources of two registries: the second one named, with the first line', () => {
    const error = inputErrorOf(() => readMergeInputs(`reg:5000/app@${D1}\nother:5000/app@${D2}`, 'reg:5000/app:1'))
    expect(error.line).toBe(2)
    expect(error.problem).toContain("'other:5000' is another registry than line 1's 'reg:5000'")
  })

  it('a tag on another registry, a tag without a tag, a digest with a tag, and empty inputs', () => {
    expect(inputErrorOf(() => readMergeInputs(`reg:5000/app@${D1}`, 'other:5000/app:1')).message).toMatch(
      /^Input 'tags', line 1: 'other:5000' is another registry/
    )
    expect(inputErrorOf(() => readMergeInputs(`reg:5000/app@${D1}`, 'reg:5000/app')).problem).toContain(
      'is not REGISTRY/REPOSITORY:TAG'
    )
    expect(inputErrorOf(() => readMergeInputs(`reg:5000/app:1@${D1}`, 'reg:5000/app:1')).problem).toContain(
      'has both a tag and a digest'
    )
    expect(inputErrorOf(() => readMergeInputs(' \n# none', 'reg:5000/app:1')).input).toBe('sources')
    expect(inputErrorOf(() => readMergeInputs(`reg:5000/app@${D1}`, '')).input).toBe('tags')
    expect(inputErrorOf(() => readMergeInputs('reg:5000/app@sha256:12', 'reg:5000/app:1')).problem).toContain(
      'is not a sha256 digest'
    )
  })

  it('listEntries names the entry only when a line holds several', () => {
    expect(listEntries('a\nb, c')).toEqual([
      { value: 'a', line: 1, entry: undefined },
      { value: 'b', line: 2, entry: "entry 1 ('b')" },
      { value: 'c', line: 2, entry: "entry 2 ('c')" }
    ])
  })
})
