import { describe, expect, it } from 'vitest'
import { diffCi } from './math.ts'
import { liftVerdict } from './verdict.ts'

describe('liftVerdict', () => {
  it('calls a lift higher or lower only when its interval excludes 0', () => {
    expect(liftVerdict([0.002, 0.575])).toBe('higher')
    expect(liftVerdict([-0.2, -0.01])).toBe('lower')
    expect(liftVerdict([-0.076, 0.107])).toBe('unclear')
    expect(liftVerdict([0, 0.1])).toBe('unclear')
  })

  it('follows the interval where the z-test disagrees on a small holdout', () => {
    // 99/100 vs 9/10: p = 0.042, but the interval includes 0.
    expect(liftVerdict(diffCi(99, 100, 9, 10))).toBe('unclear')
    // 36/50 vs 4/10: p = 0.050, but the interval excludes 0.
    expect(liftVerdict(diffCi(36, 50, 4, 10))).toBe('higher')
  })
})
