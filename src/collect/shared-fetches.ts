// Reads shared by every subscription of a run (definitions, version lists, descendants): the
// first caller of a key sends the request, every other caller of that key awaits the same one.

/** A map of shared fetches: concurrent callers of the same key share one request. */
export class SharedFetches<T> {
  readonly #fetches = new Map<string, Promise<T>>()

  /** The fetch of `key`, started with `fetch` by its first caller; a rejection reaches every
   * caller of that key (it is not retried within the run). */
  get(key: string, fetch: () => Promise<T>): Promise<T> {
    let pending = this.#fetches.get(key)
    if (!pending) {
      pending = fetch()
      // A rejection is observed by every caller; this keeps an early one from going unhandled.
      pending.catch(() => undefined)
      this.#fetches.set(key, pending)
    }
    return pending
  }

  /** Records `value` as the answer for `key` when no fetch of it has started (a read that
   * answered it in passing, such as a list that holds the item). */
  offer(key: string, value: T): void {
    if (!this.#fetches.has(key)) this.#fetches.set(key, Promise.resolve(value))
  }
}
