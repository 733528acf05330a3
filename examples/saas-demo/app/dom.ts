// A tiny element builder for the demo's host UI: text is always set as text, never parsed as HTML.

type Child = Node | string | number | false | null | undefined
type Attributes = Record<string, string | number | boolean | EventListener | undefined>

/**
 * Creates an element; `on…` attributes become listeners, booleans toggle attributes.
 *
 * @example
 * h('button', { type: 'button', onclick: () => add(1) }, 'Add contact')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else element.setAttribute(name, String(value))
  }
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue
    element.append(typeof child === 'object' ? child : String(child))
  }
  return element
}

/** Formats a count the way the rest of the app does. */
export const formatNumber = (value: number): string => new Intl.NumberFormat('en-US').format(value)

/** Epoch milliseconds → `YYYY-MM-DD` for date inputs. */
export const toDateInput = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
