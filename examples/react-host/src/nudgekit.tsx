/** @jsxImportSource react */
// React bindings for nudgekit's framework-free mount functions: each mounts in an effect and unmounts in its cleanup.
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react'
import type { Nudge } from '@nudgekit/sdk'
import { mount, mountGate, mountMeter, type MeterMountOptions, type MountOptions } from '@nudgekit/widgets'

/**
 * The options' values as one string (a function counts only as present), for effect dependencies: a parent
 * that passes a new object with the same values on every render must not remount the widgets, since a
 * remount closes and reopens an open modal (focus lost, animation replayed).
 */
const valuesOf = (options: object = {}): string => JSON.stringify(options, (_, value) => (typeof value === 'function' ? true : value))

/**
 * Banner, modal and toast for the whole page. Render once, near the root. `options` may be a new object on
 * every render, inline `onCta` arrow included: the widgets remount only when an option's value changes.
 * @example <NudgePrompts nudge={nudge} options={{ theme: 'system', onCta: (prompt) => openCheckout(prompt.target?.id) }} />
 */
export function NudgePrompts({ nudge, options }: { nudge: Nudge; options?: MountOptions }) {
  const ref = useRef<HTMLDivElement>(null)
  // Read at click time, so the latest function is called without a remount.
  const onCta = useRef(options?.onCta)
  useLayoutEffect(() => {
    onCta.current = options?.onCta
  })
  useEffect(
    () => mount(nudge, { ...options, onCta: options?.onCta && ((prompt) => onCta.current?.(prompt)), target: ref.current! }),
    // `options` is read from the render whose values changed.
    [nudge, valuesOf(options)],
  )
  return <div ref={ref} />
}

/**
 * Shows `children` when the plan includes `feature`, nudgekit's locked card otherwise. The children stay
 * React's: the gate only slots them into its shadow root. Until the rules are loaded (a first visit) the
 * gate allows; `pending`, when given, shows instead of the children meanwhile. A layout effect attaches the
 * gate before the browser paints, so locked children never flash on mount.
 * @example <NudgeGate nudge={nudge} feature="segmentation" pending="Checking your plan…"><Segments /></NudgeGate>
 */
export function NudgeGate({ nudge, feature, pending, children }: { nudge: Nudge; feature: string; pending?: ReactNode; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => mountGate(ref.current!, nudge, feature), [nudge, feature])
  return (
    <div ref={ref}>
      {children}
      {pending !== undefined && <span slot="pending">{pending}</span>}
    </div>
  )
}

/** @example <NudgeMeter nudge={nudge} metric="contacts" options={{ warnAt: 90 }} /> */
export function NudgeMeter({ nudge, metric, options }: { nudge: Nudge; metric: string; options?: MeterMountOptions }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => mountMeter(ref.current!, nudge, metric, options), [nudge, metric, valuesOf(options)])
  return <div ref={ref} />
}
