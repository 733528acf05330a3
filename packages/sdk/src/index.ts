// Public API of @nudgekit/sdk.
export { createNudge } from './create-nudge.ts'
export { memoryStorage } from './storage.ts'
export type { NudgeError, NudgeIssue } from './errors.ts'
export type {
  AccountInput,
  AccountState,
  ActivePrompts,
  GateResult,
  Nudge,
  NudgeEvent,
  NudgeOptions,
  Placement,
  Prompt,
  StorageLike,
  Timers,
  UsageView,
  UserInput,
} from './types.ts'
