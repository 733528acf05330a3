// The <script>-tag build: SDK and widgets on `window.Nudgekit`.
import { createNudge } from '@nudgekit/sdk'
import { mount, mountGate, mountMeter } from './mount.tsx'

const api = { createNudge, mount, mountGate, mountMeter }

declare global {
  interface Window {
    /**
     * @example
     * const nudge = Nudgekit.createNudge({ endpoint: '/nudgekit', key: 'pk_live_…', account, user })
     * Nudgekit.mount(nudge)
     */
    Nudgekit: typeof api
  }
}

window.Nudgekit = api
