/**
 * Waits `ms`, or less when `signal` aborts (a cancelled job stops waiting for a retry): the one
 * wait of every poll and backoff, from the host's lock and lease loops to the registry client's retries.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
