import { readFileSync } from 'node:fs'
import { InputError } from './input-error.js'

/** What a read error's code says about the file. */
const UNREADABLE = new Map([
  ['ENOENT', 'does not exist'],
  ['EACCES', 'cannot be read (permission denied)'],
  ['EISDIR', 'is a directory']
])

/**
 * Reads a file an input names. `orInstead` is the other way to give the same
 * thing, for the fix; `line` the line of a list input that named it.
 */
export function readInputFile(input: string, path: string, orInstead: string, line?: number): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = UNREADABLE.get(String(code)) ?? `cannot be read (${code})`
    throw new InputError(
      input,
      `the file '${path}' ${why} (relative paths start at ${process.cwd()})`,
      `check the path, or ${orInstead}`,
      line
    )
  }
}
