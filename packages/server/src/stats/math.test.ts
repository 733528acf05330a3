import { describe, expect, it } from 'vitest'
import { diffCi, erfc, median, twoProportionPValue, wilson } from './math.ts'

describe('wilson', () => {
  it('matches the hand-computed interval for 12 conversions out of 100 accounts', () => {
    // p = 0.12, z = 1.959964, z² = 3.841459, n = 100
    // denominator = 1 + z²/n = 1.0384146
    // centre = (p + z²/2n) / denominator = (0.12 + 0.0192073) / 1.0384146 = 0.1340575
    // half = z/denominator · √(p(1−p)/n + z²/4n²) = 1.8874587 · √(0.001056 + 0.0000960) = 0.0640635
    // → [0.0699941, 0.1981210]
    const [low, high] = wilson(12, 100)
    expect(low).toBeCloseTo(0.069994, 6)
    expect(high).toBeCloseTo(0.198121, 6)
  })

  it('pins the bound at 0 for no successes and at 1 for all successes', () => {
    // 0/10: upper = (z²/2n + z·√(z²/4n²)) / (1 + z²/n) = (z²/n) / (1 + z²/n) = 0.3841459 / 1.3841459 = 0.2775328
    expect(wilson(0, 10)).toEqual([0, expect.closeTo(0.277533, 6)])
    expect(wilson(10, 10)).toEqual([expect.closeTo(0.722467, 6), 1])
  })

  it('returns the whole unit interval when there are no trials', () => {
    expect(wilson(0, 0)).toEqual([0, 1])
  })

  it('narrows with a smaller z', () => {
    // z = 1 (68 %): centre = (0.5 + 0.005) / 1.01 = 0.5, half = (1/1.01) · √(0.0025 + 0.000025) = 0.0497500
    const [low, high] = wilson(50, 100, 1)
    expect(low).toBeCloseTo(0.45025, 5)
    expect(high).toBeCloseTo(0.54975, 5)
  })

  it('rejects counts that are not whole or exceed the trials', () => {
    expect(() => wilson(11, 10)).toThrow(RangeError)
    expect(() => wilson(1.5, 10)).toThrow(RangeError)
    expect(() => wilson(-1, 10)).toThrow(RangeError)
  })
})

describe('diffCi (Newcombe hybrid score, method 10)', () => {
  // Reference values: Newcombe (1998), Statistics in Medicine 17:873–890, table II, method 10.
  it.each([
    ['a', 56, 70, 48, 80, 0.0524, 0.3339],
    ['b', 9, 10, 3, 10, 0.1705, 0.809],
    ['d', 5, 56, 0, 29, -0.0381, 0.1926],
    ['e', 0, 10, 0, 20, -0.1611, 0.2775],
    ['f', 0, 10, 0, 10, -0.2775, 0.2775],
    ['g', 10, 10, 0, 20, 0.6791, 1],
    ['h', 10, 10, 0, 10, 0.6075, 1],
  ])('reproduces Newcombe example %s: %i/%i − %i/%i', (_, x1, n1, x2, n2, low, high) => {
    const [l, u] = diffCi(x1, n1, x2, n2)
    expect(l).toBeCloseTo(low, 4)
    expect(u).toBeCloseTo(high, 4)
  })

  it('builds the bounds from the two Wilson intervals', () => {
    // 56/70 − 48/80: p1 = 0.8, p2 = 0.6, D = 0.2
    // Wilson 56/70 = [0.69183, 0.87695], Wilson 48/80 = [0.49045, 0.70038]
    // lower = 0.2 − √((0.8 − 0.69183)² + (0.70038 − 0.6)²) = 0.2 − √(0.011700 + 0.010076) = 0.05243
    const [l1, u1] = wilson(56, 70)
    const [l2, u2] = wilson(48, 80)
    const [low, high] = diffCi(56, 70, 48, 80)
    expect(low).toBeCloseTo(0.2 - Math.sqrt((0.8 - l1) ** 2 + (u2 - 0.6) ** 2), 12)
    expect(high).toBeCloseTo(0.2 + Math.sqrt((u1 - 0.8) ** 2 + (0.6 - l2) ** 2), 12)
  })

  it('is mirrored when the samples swap', () => {
    const [low, high] = diffCi(9, 10, 3, 10)
    const [swappedLow, swappedHigh] = diffCi(3, 10, 9, 10)
    expect(swappedLow).toBeCloseTo(-high, 12)
    expect(swappedHigh).toBeCloseTo(-low, 12)
  })

  it('needs at least one trial in each sample', () => {
    expect(() => diffCi(0, 0, 1, 10)).toThrow(RangeError)
  })
})

describe('twoProportionPValue', () => {
  it('matches the pooled z-test for 56/70 against 48/80', () => {
    // p̂ = 104/150 = 0.693333; se = √(0.693333 · 0.306667 · (1/70 + 1/80)) = √0.0056952 = 0.0754666
    // z = 0.2 / 0.0754666 = 2.65020; two-sided p = 2(1 − Φ(2.65020)) = 0.008045
    expect(twoProportionPValue(56, 70, 48, 80)).toBeCloseTo(0.008045, 6)
  })

  it('matches the pooled z-test for 60/100 against 45/100', () => {
    // p̂ = 0.525; se = √(0.525 · 0.475 · 0.02) = 0.0706222; z = 0.15 / 0.0706222 = 2.12398
    // two-sided p = 2(1 − Φ(2.12398)) = 0.033670
    expect(twoProportionPValue(60, 100, 45, 100)).toBeCloseTo(0.03367, 5)
  })

  it('gives 1 for identical rates and is symmetric in the samples', () => {
    expect(twoProportionPValue(10, 100, 20, 200)).toBeCloseTo(1, 12)
    expect(twoProportionPValue(45, 100, 60, 100)).toBe(twoProportionPValue(60, 100, 45, 100))
  })

  it('gives 1 when neither sample has a success', () => {
    expect(twoProportionPValue(0, 50, 0, 80)).toBe(1)
  })

  it('keeps its relative precision for very small p-values', () => {
    // 10/10 vs 0/20: p̂ = 1/3, se = √(2/9 · 0.15) = 0.182574, z = 5.477226, p = erfc(3.872983) = 4.32046e-8
    expect(twoProportionPValue(10, 10, 0, 20) / 4.32046e-8).toBeCloseTo(1, 4)
  })
})

describe('erfc', () => {
  it.each([
    // Reference values of erfc (Abramowitz & Stegun table 7.1, and Φ(1.959963984540054) = 0.975).
    [0, 1],
    [0.5, 0.4795001222],
    [1, 0.1572992070],
    [2, 0.0046777350],
    [-1, 1.8427007930],
    [1.959963984540054 / Math.SQRT2, 0.05],
  ])('erfc(%f) ≈ %f within 1.2e-7 relative error', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1.2e-7)
  })

  it('keeps relative precision in the far tail', () => {
    // erfc(5) = 1.5374597944e-12
    expect(Math.abs(erfc(5) - 1.5374597944e-12) / 1.5374597944e-12).toBeLessThan(1.2e-7)
  })
})

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(median([7, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 10])).toBe(3.5)
  })

  it('is null for no values and leaves the input order alone', () => {
    expect(median([])).toBeNull()
    const values = [3, 1, 2]
    median(values)
    expect(values).toEqual([3, 1, 2])
  })
})
