/**
 * Ctrl+R in a console, as in readline: the newest history line containing what was typed,
 * and on each further Ctrl+R an older one. Pure, so it is tested without a page.
 */
export interface HistorySearch {
  query: string
  /** Index in the history of the line shown; history.length before the first match. */
  index: number
  found: boolean
}

/** The next older match for `query` before `from` (exclusive), or a failed search. */
export function searchHistory(history: readonly string[], query: string, from: number = history.length): HistorySearch {
  for (let i = Math.min(from, history.length) - 1; i >= 0; i--) {
    if (history[i]!.includes(query)) return { query, index: i, found: true }
  }
  return { query, index: Math.min(from, history.length), found: false }
}
