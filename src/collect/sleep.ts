// Waiting that a run's deadline or a caller's abort cuts short.

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts (never rejects: the caller
 * checks the signal and says what ran out).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
