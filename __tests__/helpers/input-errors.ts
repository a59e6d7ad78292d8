import { InputError } from '../../src/inputs/input-error.js'

/** The InputError that `run` throws; fails the test when it throws nothing or something else. */
export function inputErrorOf(run: () => unknown): InputError {
  try {
    run()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}
