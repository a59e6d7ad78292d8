import { afterEach, beforeEach, jest } from '@jest/globals'

/**
 * For each test of the file that calls it (at its top level): what @actions/core writes to
 * stdout, its workflow commands (`::add-mask::`...) and log lines, kept from the terminal and
 * handed to `record` as it grows, from '' at each test's start.
 */
export function captureStdout(record: (written: string) => void): void {
  beforeEach(() => {
    let written = ''
    record(written)
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written += String(chunk)
      record(written)
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })
}
