import { readFile } from 'node:fs/promises'
import { PRIVATE_FILE_MODE } from '../../model.js'
import { replaceFile } from '../file-write.js'

// buildx's store (~/.docker/buildx: `current`, `defaults/`, `instances/`), read and written as
// buildx does, by the builder selection and the remnants of a builder alike.

/** A store file's text; undefined when it is not there (or not readable), as buildx takes it. */
export async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined)
}

/** As buildx writes its store (AtomicWriteFile): 0600, whole, a link at the path replaced. */
export function writeAtomically(path: string, text: string): Promise<void> {
  return replaceFile(path, text, { mode: PRIVATE_FILE_MODE })
}
