// The step log, as every phase writes to it (docs/design.md, "Architecture"): one type passed down
// from main, so that a phase logs lines and opens its group through the same object, and a test
// can record what was logged where.

/** The step log of one run. */
export interface Log {
  /** A line of the step log. */
  info(line: string): void
  /** A warning: a line of the log that the run's page also lists. */
  warning(line: string): void
  /** A notice: something to know that is not wrong, which the run's page also lists. */
  notice(line: string): void
  /** A line shown only when the workflow's debug logging is on (stacks, request details). */
  debug(line: string): void
  /**
   * Runs `work` with everything it logs folded under a group named `name` (`::group::`; GitHub
   * does not nest groups, so a phase opens one and what it calls logs into it), and returns what
   * `work` returns. The group is closed when `work` settles, whether it resolves or rejects.
   */
  group<T>(name: string, work: () => Promise<T>): Promise<T>
}
