/** @jsxImportSource react */
// React bindings for nudgekit's framework-free mount functions: each mounts in an effect and unmounts in its cleanup.
import { useEffect, useRef, type ReactNode } from 'react'
import type { Nudge } from '@nudgekit/sdk'
import { mount, mountGate, mountMeter, type MountOptions } from '@nudgekit/widgets'

/**
 * Banner, modal and toast for the whole page. Render once, near the root.
 * @example <NudgePrompts nudge={nudge} options={{ theme: 'system' }} />
 */
export function NudgePrompts({ nudge, options }: { nudge: Nudge; options?: MountOptions }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => mount(nudge, { ...options, target: ref.current! }), [nudge, options])
  return <div ref={ref} />
}

/**
 * Shows `children` when the plan includes `feature`, nudgekit's locked card otherwise. The children stay
 * React's: the gate only slots them into its shadow root.
 * @example <NudgeGate nudge={nudge} feature="segmentation"><Segments /></NudgeGate>
 */
export function NudgeGate({ nudge, feature, children }: { nudge: Nudge; feature: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => mountGate(ref.current!, nudge, feature), [nudge, feature])
  return <div ref={ref}>{children}</div>
}

/** @example <NudgeMeter nudge={nudge} metric="contacts" /> */
export function NudgeMeter({ nudge, metric }: { nudge: Nudge; metric: string }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => mountMeter(ref.current!, nudge, metric), [nudge, metric])
  return <div ref={ref} />
}
