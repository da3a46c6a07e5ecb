// A Log (src/log.ts) that records what each phase logged, in order, with the group it was in.
import type { Log } from '../../src/log.ts'

export interface LoggedLine {
  kind: 'info' | 'warning' | 'notice' | 'debug'
  text: string
  /** The group open when the line was logged; undefined outside every group. */
  group?: string
}

/** A Log that writes nothing and keeps every line in `lines`. */
export function recordingLog(): Log & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = []
  let open: string | undefined
  const line = (kind: LoggedLine['kind']) => (text: string) =>
    lines.push({ kind, text, ...(open !== undefined ? { group: open } : {}) })
  return {
    lines,
    info: line('info'),
    warning: line('warning'),
    notice: line('notice'),
    debug: line('debug'),
    async group(name, work) {
      open = name
      try {
        return await work()
      } finally {
        open = undefined
      }
    }
  }
}
