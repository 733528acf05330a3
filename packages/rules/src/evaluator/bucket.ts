// Deterministic experiment arms: the same account always lands in the same variant or holdout.
import type { CompiledArm, CompiledTrigger } from './types.ts'

/**
 * Hashes text to [0, 1): FNV-1a over UTF-16 code units, then murmur3's finaliser so that ids differing in
 * their last character still spread over the whole range.
 */
export function hashUnit(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193)
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  return ((hash ^ (hash >>> 16)) >>> 0) / 2 ** 32
}

/**
 * The arm of an account, `undefined` when it is held out. The hash's high bits decide the holdout (the first
 * `holdoutPercent` of [0, 1)), its low 16 bits the arm among `trigger.arms` (sorted by name). The two are
 * independent, so changing the holdout only moves accounts into or out of it, never from one arm to another.
 * Hashes `${trigger.id}:${accountId}`, so arms are independent across triggers.
 */
export function armOf(trigger: CompiledTrigger, accountId: string): CompiledArm | undefined {
  const { arms } = trigger
  const unit = hashUnit(`${trigger.id}:${accountId}`)
  return unit * 100 < trigger.holdoutPercent ? undefined : arms[Math.floor(((unit * 65536) % 1) * arms.length)]
}

/**
 * Deterministic experiment arm for an account: a variant name, or `'holdout'`; `'default'` without an
 * experiment.
 * @example assignVariant(trigger, 'acct_42') // 'b' — the same answer on every device and on the server
 */
export function assignVariant(trigger: CompiledTrigger, accountId: string): string {
  return armOf(trigger, accountId)?.name ?? 'holdout'
}
