/**
 * The one error type for bad input. It carries what a user needs to fix the
 * workflow file: which input, which line of a list input, and what to write
 * instead. steps/main.ts prints it once, with runner.setFailed.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly fix: string,
    readonly line?: number
  ) {
    super(`${InputError.where(input, line)}: ${problem}. Fix: ${fix}`)
    this.name = 'InputError'
  }

  private static where(input: string, line?: number): string {
    return line === undefined ? `Input '${input}'` : `Input '${input}', line ${line}`
  }
}
