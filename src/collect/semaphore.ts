// The run's request slots: how many Resource Manager requests are in flight at once, across every
// subscription and client (RequestLimits.maxConcurrency).

/** A counting semaphore, first in first out, where urgent waiters go before the others. */
export class Semaphore {
  #available: number
  readonly #urgent: (() => void)[] = []
  readonly #waiting: (() => void)[] = []

  constructor(permits: number) {
    this.#available = permits
  }

  async acquire(urgent = false): Promise<() => void> {
    if (this.#available > 0) {
      this.#available -= 1
    } else {
      await new Promise<void>((resolve) => (urgent ? this.#urgent : this.#waiting).push(resolve))
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#urgent.shift() ?? this.#waiting.shift()
      if (next) next()
      else this.#available += 1
    }
  }
}
