// What a variant's lift interval says against its holdout, as one word for styling and a phrase for readers.

/** `higher` / `lower`: the 95 % interval of the lift excludes 0; `unclear`: it includes 0. */
export type LiftVerdict = 'higher' | 'lower' | 'unclear'

/**
 * Reads the verdict off Newcombe's 95 % interval of the lift, the interval every view prints, so the
 * words never contradict the numbers beside them (the pooled z-test can disagree with it on small holdouts).
 *
 * @example liftVerdict([-0.003, 0.394]) // 'unclear'
 */
export function liftVerdict(liftCi: readonly [number, number]): LiftVerdict {
  if (liftCi[0] > 0) return 'higher'
  if (liftCi[1] < 0) return 'lower'
  return 'unclear'
}

/** The verdict in words, as the dashboard and the CLI print it. */
export const LIFT_VERDICT_TEXT: Record<LiftVerdict, string> = {
  higher: 'higher than holdout',
  lower: 'lower than holdout',
  unclear: 'not yet clear',
}
