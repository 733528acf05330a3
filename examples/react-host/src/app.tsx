/** @jsxImportSource react */
// The React host's page: the same account, usage and role as Acme CRM, with every nudgekit widget mounted by React.
import { useSyncExternalStore } from 'react'
import type { AppContext } from '../../saas-demo/app/context.ts'
import { NudgeGate, NudgeMeter, NudgePrompts } from './nudgekit.tsx'

export function App({ context }: { context: AppContext }) {
  const account = useSyncExternalStore(context.onChange, context.account)
  const { nudge } = context
  const addContacts = (count: number) => {
    const limit = nudge.$usage.get().contacts?.limit ?? null
    const next = limit === null ? account.contacts + count : Math.min(account.contacts + count, limit)
    if (next !== account.contacts) void context.update({ contacts: next })
  }

  return (
    <>
      <header className="topbar">
        <a className="brand" href="/">
          <span aria-hidden="true">◆</span> Acme CRM · React host
        </a>
        <div className="tools">
          <span className="badge">{account.plan} plan</span>
          <label htmlFor="role" className="visually-hidden">
            Signed in as
          </label>
          <select id="role" value={account.role} onChange={(event) => void context.update({ role: event.target.value === 'member' ? 'member' : 'admin' })}>
            <option value="admin">Alice (admin)</option>
            <option value="member">Bob (member)</option>
          </select>
          <a href="/">Plain DOM app</a>
          <a href={context.links.dashboard}>Dashboard</a>
        </div>
      </header>
      <NudgePrompts nudge={nudge} />
      <main>
        <section aria-labelledby="contacts-title">
          <div className="page-head">
            <h1 id="contacts-title">Contacts</h1>
            <div className="actions">
              <button type="button" className="btn" onClick={() => addContacts(1)}>
                Add contact
              </button>
              <button type="button" className="btn secondary" onClick={() => addContacts(10)}>
                Add 10 contacts
              </button>
            </div>
          </div>
          <NudgeMeter nudge={nudge} metric="contacts" />
          <p className="muted">{account.contacts} contacts</p>
        </section>
        <section aria-labelledby="segments-title">
          <h2 id="segments-title">Segmentation</h2>
          <NudgeGate nudge={nudge} feature="segmentation">
            <p className="card">Your segments: Enterprise leads, Churn risk, Champions.</p>
          </NudgeGate>
        </section>
        <section aria-labelledby="reports-title">
          <h2 id="reports-title">Reports</h2>
          <button type="button" className="btn secondary" onClick={() => nudge.track('report_viewed', { report: 'deals-by-weekday' })}>
            View report
          </button>
        </section>
      </main>
    </>
  )
}
