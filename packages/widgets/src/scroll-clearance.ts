// Keeps a fixed banner from hiding the host's focused element (WCAG 2.2 SC 2.4.11, technique C43): while
// it shows, the page's block-start scroll padding grows by the banner's height, so the browser scrolls
// focused content into view below it.
import type { RefObject } from 'preact'
import { useLayoutEffect } from 'preact/hooks'

const PROPERTY = 'scroll-padding-block-start'

/** Active only when the element is `position: fixed` (not with `--nudgekit-banner-position: static`). */
export function useScrollClearance(ref: RefObject<HTMLElement>, active: boolean): void {
  // A layout effect: its cleanup runs as the banner leaves the DOM on Preact 10 and 11 alike (Preact 11 runs
  // a plain effect's cleanup a frame later, when the page would keep clearance for a banner that is gone).
  useLayoutEffect(() => {
    const banner = ref.current
    if (!active || !banner || typeof ResizeObserver !== 'function' || getComputedStyle(banner).position !== 'fixed') return
    const page = document.documentElement
    const inline = page.style.getPropertyValue(PROPERTY)
    const base = getComputedStyle(page).getPropertyValue(PROPERTY)
    const host = base && base !== 'auto' ? base : '0px'
    const apply = () => page.style.setProperty(PROPERTY, `calc(${host} + ${banner.offsetHeight}px)`)
    const observer = new ResizeObserver(apply)
    observer.observe(banner)
    apply()
    return () => {
      observer.disconnect()
      page.style.setProperty(PROPERTY, inline)
    }
  }, [active])
}
