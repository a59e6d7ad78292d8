import * as core from '@actions/core'

// The names merge/action.yml declares, in one place, as the main action's are in
// inputs/input-names.ts and steps/output-names.ts; a test holds them to merge/action.yml and to
// the sub-action's table in docs/matrix-builds.md.

/** Every input merge/action.yml declares, in its order. */
export const MERGE_INPUT_NAMES = ['sources', 'tags', 'config'] as const

/** Every output merge/action.yml declares. */
export const MERGE_OUTPUT_NAMES = ['digest'] as const

/** An input of the merge sub-action, as core.getInput reads it. */
export function getMergeInput(name: (typeof MERGE_INPUT_NAMES)[number]): string {
  return core.getInput(name)
}

/** Sets an output of the merge sub-action. */
export function setMergeOutput(name: (typeof MERGE_OUTPUT_NAMES)[number], value: string): void {
  core.setOutput(name, value)
}
