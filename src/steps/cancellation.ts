import * as core from '@actions/core'
import { stopAllCommands } from '../host/process/command.js'

// A cancelled job: the runner sends SIGINT to the step's process (not to the
// commands it started), SIGTERM 7.5 s later, SIGKILL 2.5 s after that, and
// then runs the post step. Node's default is to exit at once on SIGINT, which
// would leave a `buildx create --bootstrap` running on its own, finishing a
// builder after the post step has looked for it. Instead main stops its
// commands and lets its own failure path run (nothing new starts meanwhile);
// everything it made is already in the undo record, for post.

/** How long a stopped command may take before SIGKILL: well inside the runner's 7.5 s. */
const COMMAND_GRACE_MS = 3000
/** After the first signal, main ends by itself at the latest here, before the runner's SIGTERM. */
const MAIN_DEADLINE_MS = 6000

const cancellation = new AbortController()

/**
 * Aborted once the runner has asked the step to stop: for the step's own requests (a builder image fetched in Node).
 */
export function cancelSignal(): AbortSignal {
  return cancellation.signal
}

/** True once the runner has asked the step to stop. */
export function isCancelled(): boolean {
  return cancellation.signal.aborted
}

/** Installs the handlers for the main step. */
export function stopOnCancel(): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancellation.signal.aborted) {
      // The runner's second word: stop now; the commands were told to stop at the first.
      process.exit(1)
    }
    cancellation.abort()
    core.info(`${signal}: the job was cancelled; stopping this step's commands (the post step removes what was made).`)
    void stopAllCommands(COMMAND_GRACE_MS)
    // The failure path normally ends the step well before this.
    setTimeout(() => process.exit(1), MAIN_DEADLINE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}
