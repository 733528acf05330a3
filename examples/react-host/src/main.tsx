/** @jsxImportSource react */
// A React 19 host for the same prompts: nudgekit's widgets mounted from effects, the Acme demo's account behind it.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createNudge } from '@nudgekit/sdk'
import { loadState, userFor } from '../../saas-demo/app/api.ts'
import { createContext, nudgeAccount } from '../../saas-demo/app/context.ts'
import { App } from './app.tsx'

const state = await loadState()
const nudge = createNudge({
  endpoint: state.nudgekit.endpoint,
  key: state.nudgekit.publishableKey,
  account: nudgeAccount(state.account),
  user: userFor(state.account),
  locale: 'en-US',
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App context={createContext(nudge, state)} />
  </StrictMode>,
)
