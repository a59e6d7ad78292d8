import * as core from '@actions/core'

// The names of action.yml's outputs, in one list. The steps set an output only through setOutput
// below, typed by this list, so an undeclared name does not compile; a test
// (__tests__/docs/names-agree.test.ts) holds the list to action.yml and to the README's outputs table.

/** Every output action.yml declares, in its order. */
export const OUTPUT_NAMES = [
  'name',
  'driver',
  'config',
  'certs-dir',
  'config-dir',
  'platforms',
  'nodes',
  'endpoint',
  'status',
  'flags',
  'preflight'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]

/** Sets one of the step's outputs. */
export function setOutput(name: OutputName, value: string): void {
  core.setOutput(name, value)
}
