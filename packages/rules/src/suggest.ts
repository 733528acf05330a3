// "Did you mean …?": the closest known name to a misspelt one, by edit distance.

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  if (s === t) return 0
  const rows: number[][] = []
  for (let i = 0; i <= s.length; i++) {
    const row = new Array<number>(t.length + 1)
    row[0] = i
    rows.push(row)
  }
  for (let j = 0; j <= t.length; j++) rows[0]![j] = j
  for (let i = 1; i <= s.length; i++) {
    const row = rows[i]!
    const prev = rows[i - 1]!
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      row[j] = best
    }
  }
  return rows[s.length]![t.length]!
}

/**
 * The known name closest to `name`, when it is close enough to be a likely typo.
 * @example suggest('invoice', ['invoices', 'contacts']) // 'invoices'
 */
export function suggest(name: string, known: Iterable<string>): string | undefined {
  if (name.length > 100) return undefined
  const lower = name.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(name, candidate)
    const allowed = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3))
    if (distance <= allowed && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** `" — did you mean 'x'?"` or an empty string. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const match = suggest(name, known)
  return match === undefined ? '' : ` — did you mean '${match}'?`
}
