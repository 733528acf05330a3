// The widgets on the real SDK client (inline rules, fetch stubbed): what the user sees and what is sent.
import { act, within } from '@testing-library/preact'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { createNudge, memoryStorage, type Nudge } from '@nudgekit/sdk'
import { mount, mountGate } from '../src/mount.tsx'
import './helpers.tsx'
import { rules } from './rules.ts'

const sent: string[] = []
const clients: Nudge[] = []
const unmounts: Array<() => void> = []

async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (String(input).includes('/v1/events')) {
    const { events } = JSON.parse(String(init?.body)) as { events: Array<{ type: string }> }
    sent.push(...events.map((event) => event.type))
    return Response.json({ accepted: events.length, duplicates: 0, rejected: [] }, { status: 202 })
  }
  return Response.json({ triggers: {} })
}

function client(role: string): Nudge {
  const nudge = createNudge({
    endpoint: 'https://app.example.test/nudgekit',
    key: 'pk_test_1',
    account: { id: 'acct_1', plan: 'free' },
    user: { id: `user_${role}`, role },
    rules,
    storage: memoryStorage(),
    sessionStorage: memoryStorage(),
    fetch: fakeFetch,
  })
  clients.push(nudge)
  return nudge
}

afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount()
  for (const nudge of clients.splice(0)) nudge.destroy()
  sent.length = 0
  document.body.replaceChildren()
})

function shadow(): ReturnType<typeof within> {
  const root = document.querySelector('[data-nudgekit]')?.shadowRoot
  if (!root) throw new Error('expected the widgets shadow root')
  return within(root as unknown as HTMLElement)
}

describe('widgets on the real SDK', () => {
  it('shows the banner at 80 % usage, records its impression and removes it on dismiss', async () => {
    const nudge = client('admin')
    act(() => {
      unmounts.push(mount(nudge))
    })
    act(() => nudge.setUsage('contacts', 85))
    const banner = shadow().getByRole('region', { name: "You've used 85 of 100 contacts" })
    expect(within(banner).getByRole('link', { name: 'Upgrade to Pro' }).getAttribute('href')).toBe('/billing?plan=pro')
    await userEvent.click(within(banner).getByRole('button', { name: 'Dismiss' }))
    expect(shadow().queryByRole('region')).toBeNull()
    await nudge.flush()
    expect(sent).toEqual(expect.arrayContaining(['impression', 'dismiss']))
    expect(sent.filter((type) => type === 'impression')).toHaveLength(1)
  })

  it('gives a member "Ask your admin" and sends the upgrade request', async () => {
    const nudge = client('member')
    act(() => {
      unmounts.push(mount(nudge))
    })
    act(() => nudge.setUsage('contacts', 90))
    await userEvent.click(shadow().getByRole('button', { name: 'Ask your admin' }))
    expect(shadow().getByText('Request sent to your admin')).toBeTruthy()
    await nudge.flush()
    expect(sent).toContain('upgrade_requested')
  })

  it('locks a gated feature with the inline prompt and records the gate hit once', async () => {
    const element = document.createElement('div')
    element.innerHTML = '<button type="button">New segment</button>'
    document.body.append(element)
    const nudge = client('admin')
    act(() => {
      unmounts.push(mountGate(element, nudge, 'segmentation'))
    })
    const root = element.shadowRoot as unknown as HTMLElement
    expect(within(root).getByRole('group', { name: 'Segmentation is on Pro' })).toBeTruthy()
    expect(root.querySelector('slot')).toBeNull()
    await nudge.flush()
    expect(sent.filter((type) => type === 'gate_hit')).toHaveLength(1)
  })
})
