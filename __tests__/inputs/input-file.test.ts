import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readInputFile } from '../../src/inputs/input-file.js'
import { inputErrorOf } from '../helpers/input-errors.js'

// Real files. A file root cannot read (EACCES) cannot be made here: the tests run as root.

const dir = mkdtempSync(join(tmpdir(), 'sbr-input-file-'))

describe('readInputFile', () => {
  it('reads the file an input names', () => {
    writeFileSync(join(dir, 'ca.pem'), 'PEM TEXT')
    expect(readInputFile('ca-cert', join(dir, 'ca.pem'), 'paste the PEM')).toBe('PEM TEXT')
  })

  it('a missing file: names the input, the line, the path, where relative paths start, and the other way', () => {
    const error = inputErrorOf(() => readInputFile('registries', join(dir, 'no.pem'), 'paste the PEM instead', 3))
    expect(error.message).toBe(
      `Input 'registries', line 3: the file '${join(dir, 'no.pem')}' does not exist (relative paths start at ${process.cwd()}). Fix: check the path, or paste the PEM instead`
    )
  })

  it('a directory: says so', () => {
    expect(inputErrorOf(() => readInputFile('buildkitd-config', dir, 'inline')).problem).toBe(
      `the file '${dir}' is a directory (relative paths start at ${process.cwd()})`
    )
  })

  it('any other fault: gives its code', () => {
    expect(inputErrorOf(() => readInputFile('ca-cert', join(dir, 'ca.pem', 'x'), 'paste')).problem).toContain(
      'cannot be read (ENOTDIR)'
    )
  })
})
