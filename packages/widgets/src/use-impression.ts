// Records one impression per showing, once the prompt is actually on screen.
import type { RefObject } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import type { Prompt } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'

/** Share of the prompt that must be on screen to count as seen (the usual viewability bar). */
const VISIBLE = 0.5

/**
 * Calls `nudge.impression(prompt)` once for each prompt `key` the component shows: when at least half of
 * the element is first in the viewport, or on mount where IntersectionObserver is unavailable. Copy
 * updates that keep the key (usage numbers changing) are the same showing and record nothing more.
 */
export function useImpression(ref: RefObject<Element>, nudge: Nudge, prompt: Prompt): void {
  const latest = useRef(prompt)
  latest.current = prompt
  useEffect(() => {
    const element = ref.current
    const record = () => nudge.impression(latest.current)
    if (!element || typeof IntersectionObserver !== 'function') {
      record()
      return
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.intersectionRatio >= VISIBLE)) {
          observer.disconnect()
          record()
        }
      },
      { threshold: VISIBLE },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [nudge, prompt.key])
}
