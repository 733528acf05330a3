// Interval and test statistics for conversion rates: Wilson, Newcombe's difference interval, z-test, median.

/** Two-sided 95 % standard-normal quantile (Φ⁻¹(0.975)). */
export const Z_95 = 1.959964

/**
 * Wilson score interval for a binomial proportion (Wilson 1927), without continuity correction.
 * Unlike the Wald interval it stays inside [0, 1] and keeps its coverage near 0 and 1, where
 * conversion rates live.
 *
 * With `n = 0` there is no data, and every rate is consistent with none: the interval is `[0, 1]`
 * (the limit of the formula is undefined, and `[0, 0]` would claim a certainty nobody has).
 *
 * @example wilson(12, 100) // [0.0700, 0.1981] (rounded)
 */
export function wilson(successes: number, n: number, z: number = Z_95): [number, number] {
  checkCounts(successes, n)
  if (n === 0) return [0, 1]
  const p = successes / n
  const z2 = z * z
  const denominator = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denominator
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  // At 0/n and n/n the exact bound is 0 or 1; rounding must not push it past.
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === n ? 1 : Math.min(1, centre + half)]
}

/**
 * 95 % interval of the difference p1 − p2 of two independent proportions by Newcombe's hybrid score
 * method (Newcombe 1998, method 10): with Wilson intervals [l1, u1] and [l2, u2] and D = p1 − p2,
 *   lower = D − √((p1 − l1)² + (u2 − p2)²),  upper = D + √((u1 − p1)² + (p2 − l2)²).
 * Both samples need at least one trial.
 *
 * @example diffCi(56, 70, 48, 80) // [0.0524, 0.3339] (rounded; Newcombe 1998, table II, example a)
 */
export function diffCi(x1: number, n1: number, x2: number, n2: number): [number, number] {
  checkNonEmpty(n1, n2)
  const p1 = x1 / n1
  const p2 = x2 / n2
  const [l1, u1] = wilson(x1, n1)
  const [l2, u2] = wilson(x2, n2)
  const d = p1 - p2
  return [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)]
}

/**
 * Two-sided p-value of the pooled two-proportion z-test of p1 = p2:
 *   z = (p1 − p2) / √(p̂ (1 − p̂) (1/n1 + 1/n2)),  p̂ = (x1 + x2) / (n1 + n2),  p = erfc(|z| / √2).
 * When both samples are all failures or all successes the proportions cannot differ: p = 1.
 * Both samples need at least one trial.
 *
 * @example twoProportionPValue(56, 70, 48, 80) // 0.00804 (z = 2.650)
 */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number {
  checkNonEmpty(n1, n2)
  checkCounts(x1, n1)
  checkCounts(x2, n2)
  const pooled = (x1 + x2) / (n1 + n2)
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
  if (variance === 0) return 1
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(variance)
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2))
}

/**
 * Complementary error function by the Chebyshev fit of Press et al., *Numerical Recipes* (2nd ed.,
 * §6.2, `erfcc`): fractional error below 1.2 × 10⁻⁷ everywhere, so small p-values keep their
 * relative precision (a fixed absolute error, as in Abramowitz–Stegun 7.1.26, would not).
 */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x))
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? y : 2 - y
}

/**
 * Median of a list of numbers (mean of the two middle values for an even count); `null` when empty.
 * Does not reorder the input.
 *
 * @example median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  // A typed array sorts numerically without a comparator call per comparison.
  const sorted = Float64Array.from(values).sort()
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function checkCounts(successes: number, n: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`Expected whole counts with 0 ≤ successes ≤ n, got ${successes} of ${n}`)
  }
}

function checkNonEmpty(n1: number, n2: number): void {
  if (!(n1 > 0 && n2 > 0)) throw new RangeError(`Both samples need at least one trial, got n1 = ${n1}, n2 = ${n2}`)
}
