// Keyboard behaviour of a modal dialog: focus moves in, Tab cycles inside, Esc closes, focus returns.
import type { RefObject } from 'preact'
import { useLayoutEffect, useRef } from 'preact/hooks'

// The dialog holds only the widgets' own markup: links and buttons (never disabled) are all that takes Tab.
const TABBABLE = 'a[href],button'

/** The focused element, looking through open shadow roots (the host page may use web components too). */
function deepActive(): HTMLElement | null {
  let active = document.activeElement
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
  return active as HTMLElement | null
}

/** Moves Tab and Shift+Tab focus to the next tabbable element inside `dialog`, wrapping at either end. */
function trapTab(event: KeyboardEvent, dialog: HTMLElement): void {
  event.preventDefault()
  const items = [...dialog.querySelectorAll<HTMLElement>(TABBABLE)]
  // From outside the dialog (index -1), Tab goes to the first item and Shift+Tab to the last.
  const next = items.indexOf(deepActive() as HTMLElement) + (event.shiftKey ? -1 : 1)
  items[next < 0 ? items.length - 1 : next % items.length]?.focus()
}

/**
 * While mounted and `active`: focus is in `dialog`, Tab cannot leave it (even after a click on the backdrop moved
 * focus out), Esc calls `onClose`. On unmount focus returns to the element that had it before.
 */
export function useDialog(dialog: RefObject<HTMLElement>, onClose: () => void, active: boolean): void {
  const close = useRef(onClose)
  close.current = onClose
  // A layout effect: its cleanup runs as the dialog unmounts on Preact 10 and 11 alike, where 11 defers a
  // useEffect cleanup past the next paint (focus would sit on <body> and Esc dismiss again meanwhile).
  useLayoutEffect(() => {
    if (!active) return
    const previous = deepActive()
    dialog.current?.focus()
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close.current()
      else if (event.key === 'Tab' && dialog.current) trapTab(event, dialog.current)
    }
    document.addEventListener('keydown', onKeyDown)
    return () => {
      document.removeEventListener('keydown', onKeyDown)
      // An element no longer in the page ignores focus().
      previous?.focus()
    }
  }, [active])
}
