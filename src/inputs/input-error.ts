/**
 * The one error type for bad input. It carries what a user needs to fix the
 * workflow file: which input, which line of a list input (and which entry of a
 * line that holds several), and what to write instead. steps/main.ts prints it
 * once, with core.setFailed.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly fix: string,
    readonly line?: number,
    /** The entry of a line of comma-separated entries, e.g. `entry 2 ('b:5443 htp')`. */
    readonly entry?: string
  ) {
    super(`${inputPlace(input, line, entry)}: ${problem}. Fix: ${fix}`)
    this.name = 'InputError'
  }
}

/** Where a message about an input points: the input, and the line (and entry) of a list input. */
export function inputPlace(input: string, line?: number, entry?: string): string {
  if (line === undefined) return `Input '${input}'`
  return entry === undefined ? `Input '${input}', line ${line}` : `Input '${input}', line ${line}, ${entry}`
}

/** `work`, with any InputError it throws also naming `entry` (when the line holds several entries). */
export function inEntry<T>(entry: string | undefined, work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (entry === undefined || !(error instanceof InputError) || error.entry !== undefined) throw error
    throw new InputError(error.input, error.problem, error.fix, error.line, entry)
  }
}
