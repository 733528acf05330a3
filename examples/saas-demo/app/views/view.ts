// The shape of one page of the demo app.
import type { AppContext } from '../context.ts'

export interface View {
  element: HTMLElement
  /** Unmounts widgets and listeners when the user leaves the page. */
  destroy(): void
}

export type ViewFactory = (context: AppContext) => View
