import { readFileSync } from 'node:fs'
import { InputError } from './input-error.js'

/**
 * Reads a file an input names. `orInstead` is the other way to give the same
 * thing, for the fix; `line` the line of a list input that named it.
 */
export function readInputFile(input: string, path: string, orInstead: string, line?: number): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code})`
    throw new InputError(
      input,
      `the file '${path}' ${why} (relative paths start at ${process.cwd()})`,
      `check the path, or ${orInstead}`,
      line
    )
  }
}
