/** @jsxImportSource react */
// A React 19 host for the same prompts: nudgekit's widgets mounted from effects, the Acme demo's account behind it.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { loadState } from '../../saas-demo/app/api.ts'
import { createContext, startNudge } from '../../saas-demo/app/context.ts'
import { App } from './app.tsx'

const state = await loadState()
const nudge = startNudge(state)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App context={createContext(nudge, state)} />
  </StrictMode>,
)
