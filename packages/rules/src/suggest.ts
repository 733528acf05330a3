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

/** Longer names are not typos worth suggesting for, and would make the comparison slow. */
const MAX_NAME = 100
/** Suggestions look at this many known names at most, so a hostile file cannot make validation quadratic. */
const MAX_CANDIDATES = 1000

/**
 * The known name closest to `name`, when it is close enough to be a likely typo.
 * @example suggest('invoice', ['invoices', 'contacts']) // 'invoices'
 */
export function suggest(name: string, known: Iterable<string>): string | undefined {
  if (name.length > MAX_NAME) return undefined
  const lower = name.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  let compared = 0
  for (const candidate of known) {
    if (++compared > MAX_CANDIDATES) break
    const allowed = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3))
    if (candidate.length > MAX_NAME || Math.abs(candidate.length - name.length) > allowed) continue
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(name, candidate)
    if (distance <= allowed && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** `did you mean 'x'?` for the closest known name, or `undefined`. */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const match = suggest(name, known)
  return match === undefined ? undefined : `did you mean '${match}'?`
}
