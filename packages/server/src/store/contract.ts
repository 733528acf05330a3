// The store contract: one suite every Store implementation must pass (run by sqlite.test.ts and postgres.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TriggerAggregate } from '../stats/types.ts'
import { enqueueWebhook, makeEvent } from './fixtures.ts'
import { dayOf } from './rollup.ts'
import { StoreUnavailableError, type LeasedWebhook, type NudgeEvent, type Store, type WebhookEnqueue } from './types.ts'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 2, 10, 12)
const WINDOW = 14 * DAY

/** Registers the contract tests for a store; `open` returns a fresh, migrated, empty store each time. */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store
    beforeEach(async () => {
      store = await open()
    })
    afterEach(async () => {
      await store.close()
    })

    it('reports no pending migrations once migrated', async () => {
      expect(await store.migrate()).toEqual([])
    })

    it('stores each (source, id) once: repeats within a batch and across batches are duplicates', async () => {
      const a = makeEvent({ type: 'impression', ts: T0, trigger: 't1' })
      const b = makeEvent({ type: 'click', ts: T0 + 1, trigger: 't1' })
      const first = await store.ingest('pk_one', [a, b, a])
      expect(first.accepted.map((e) => e.id).sort()).toEqual([a.id, b.id].sort())
      expect(first.duplicates).toBe(1)
      const again = await store.ingest('pk_one', [b, a])
      expect(again).toEqual({ accepted: [], duplicates: 2 })
      const otherSource = await store.ingest('pk_two', [a])
      expect(otherSource.accepted).toHaveLength(1)
      const [row] = await store.aggregates({ from: T0 - DAY, to: T0 + DAY })
      expect(row).toMatchObject({ trigger: 't1', variant: 'default', impressions: 2, clicks: 1, accounts_reached: 1 })
    })

    it('keeps rollups equal to counts computed from the raw events', async () => {
      const events = randomEvents(600)
      for (let i = 0; i < events.length; i += 97) await store.ingest('pk', events.slice(i, i + 97))
      await store.ingest('pk', events.slice(0, 150))
      const filter = { from: T0 + 2 * DAY, to: T0 + 7 * DAY }
      expect(await store.aggregates(filter)).toEqual(expectedAggregates(events, filter))
      expect(await store.aggregates({ ...filter, trigger: 'usage-80' })).toEqual(
        expectedAggregates(events, filter).filter((row) => row.trigger === 'usage-80'),
      )
      const daily = await store.daily(filter)
      const impressionsOnDay3 = events.filter(
        (e) => e.type === 'impression' && e.trigger === 'gate' && dayOf(e.ts) === dayOf(T0 + 3 * DAY),
      ).length
      expect(daily.find((p) => p.trigger === 'gate' && p.day === dayOf(T0 + 3 * DAY))?.impressions).toBe(impressionsOnDay3)
    })

    it('counts snoozes apart from dismissals per trigger × variant, on the days of the filter only', async () => {
      const midnight = T0 - DAY / 2
      const at = (type: 'snooze' | 'dismiss', day: number, trigger: string, variant?: string) =>
        makeEvent({ type, ts: T0 + day * DAY, trigger, ...(variant ? { variant } : {}) })
      await store.ingest('pk', [
        at('snooze', 0, 't1', 'a'), at('snooze', 0, 't1', 'a'), at('dismiss', 0, 't1', 'a'),
        at('snooze', 0, 't1', 'b'), at('snooze', 0, 't2'),
        at('snooze', -1, 't1', 'a'), at('snooze', 1, 't1', 'a'), at('dismiss', 1, 't1', 'b'),
      ])
      expect(await store.aggregates({ from: midnight, to: midnight + DAY })).toMatchObject([
        { trigger: 't1', variant: 'a', snoozes: 2, dismissals: 1, impressions: 0, accounts_reached: 0 },
        { trigger: 't1', variant: 'b', snoozes: 1, dismissals: 0 },
        { trigger: 't2', variant: 'default', snoozes: 1, dismissals: 0 },
      ])
      expect(await store.aggregates({ from: midnight - DAY, to: midnight + 2 * DAY, trigger: 't1' })).toMatchObject([
        { trigger: 't1', variant: 'a', snoozes: 4, dismissals: 1 },
        { trigger: 't1', variant: 'b', snoozes: 1, dismissals: 1 },
      ])
      expect(await store.aggregates({ from: midnight + DAY, to: midnight + 2 * DAY })).toMatchObject([
        { trigger: 't1', variant: 'a', snoozes: 1, dismissals: 0 },
        { trigger: 't1', variant: 'b', snoozes: 0, dismissals: 1 },
      ])
    })

    it('credits a conversion to the last exposure at or before it, up to the window edge inclusive', async () => {
      await store.ingest('pk', [
        makeEvent({ type: 'impression', ts: T0, trigger: 'older', account: 'a1' }),
        makeEvent({ type: 'impression', ts: T0 + DAY, trigger: 'newer', variant: 'b', account: 'a1' }),
        makeEvent({ type: 'impression', ts: T0 + 5 * DAY, trigger: 'later', account: 'a1' }),
        makeEvent({ type: 'impression', ts: T0, trigger: 'older', account: 'a2' }),
      ])
      const credited = await store.recordConversion({ id: 'c1', account: 'a1', to: 'pro', mrrDelta: 49, ts: T0 + 2 * DAY }, WINDOW)
      expect(credited.attribution).toEqual({ trigger: 'newer', variant: 'b', exposedAt: T0 + DAY })
      const atEdge = await store.recordConversion({ id: 'c2', account: 'a2', to: 'pro', mrrDelta: 49, ts: T0 + WINDOW }, WINDOW)
      expect(atEdge.attribution).toEqual({ trigger: 'older', variant: 'default', exposedAt: T0 })
      await store.ingest('pk', [makeEvent({ type: 'impression', ts: T0, trigger: 'older', account: 'a3' })])
      const pastEdge = await store.recordConversion({ id: 'c3', account: 'a3', to: 'pro', mrrDelta: 49, ts: T0 + WINDOW + 1 }, WINDOW)
      expect(pastEdge.attribution).toBeNull()
      const before = await store.recordConversion({ id: 'c4', account: 'a4', to: 'pro', mrrDelta: 49, ts: T0 }, WINDOW)
      expect(before.attribution).toBeNull()
    })

    it('credits a prompt the user saw over a holdout exposure at the same millisecond, then trigger ids in byte order', async () => {
      await store.ingest('pk', [
        makeEvent({ type: 'holdout', ts: T0, trigger: 'a-held', account: 'tie' }),
        makeEvent({ type: 'impression', ts: T0, trigger: 'b-shown', variant: 'x', account: 'tie' }),
        // Byte order puts 'Z' (0x5A) before '_' (0x5F) and 'a'; a language collation would not.
        makeEvent({ type: 'impression', ts: T0, trigger: 'seats_full', account: 'ids' }),
        makeEvent({ type: 'impression', ts: T0, trigger: 'seats-full', account: 'ids' }),
        makeEvent({ type: 'impression', ts: T0, trigger: 'seatsZ', account: 'ids' }),
        // The same tie read from the events (a late conversion: the prompt was shown again after it).
        makeEvent({ type: 'holdout', ts: T0, trigger: 'a-held', variant: 'default', account: 'late-tie' }),
        makeEvent({ type: 'impression', ts: T0, trigger: 'b-shown', variant: 'x', account: 'late-tie' }),
        makeEvent({ type: 'impression', ts: T0 + 2 * DAY, trigger: 'b-shown', variant: 'x', account: 'late-tie' }),
      ])
      const credit = async (account: string) =>
        (await store.recordConversion({ id: `tie-${account}`, account, to: 'pro', mrrDelta: 10, ts: T0 + DAY }, WINDOW)).attribution
      expect(await credit('tie')).toEqual({ trigger: 'b-shown', variant: 'x', exposedAt: T0 })
      expect(await credit('ids')).toEqual({ trigger: 'seats-full', variant: 'default', exposedAt: T0 })
      expect(await credit('late-tie')).toEqual({ trigger: 'b-shown', variant: 'x', exposedAt: T0 })
    })

    it('credits held-out accounts to the holdout and reports them on every variant row', async () => {
      await store.ingest('pk', [
        makeEvent({ type: 'impression', ts: T0, trigger: 't', variant: 'a', account: 'shown' }),
        makeEvent({ type: 'impression', ts: T0, trigger: 't', variant: 'b', account: 'shown-b' }),
        makeEvent({ type: 'holdout', ts: T0, trigger: 't', account: 'held-1' }),
        makeEvent({ type: 'holdout', ts: T0, trigger: 't', account: 'held-2' }),
      ])
      const result = await store.recordConversion({ id: 'h', account: 'held-1', to: 'pro', mrrDelta: 10, ts: T0 + DAY }, WINDOW)
      expect(result.attribution).toMatchObject({ trigger: 't', variant: 'holdout' })
      const rows = await store.aggregates({ from: T0 - DAY, to: T0 + DAY })
      expect(rows.map((r) => [r.variant, r.holdout_accounts, r.holdout_conversions, r.conversions])).toEqual([
        ['a', 2, 1, 0],
        ['b', 2, 1, 0],
      ])
    })

    it('counts a conversion for lift on every trigger × variant it follows within the window, whatever the credit', async () => {
      await store.ingest('pk', [
        // Held out of 'held', then shown 'other' in the free placement: the credit goes to 'other'.
        makeEvent({ type: 'holdout', ts: T0, trigger: 'held', account: 'h' }),
        makeEvent({ type: 'impression', ts: T0 + DAY, trigger: 'other', account: 'h' }),
        // Shown 'held' (arm a), then 'other': the credit goes to 'other' again.
        makeEvent({ type: 'impression', ts: T0, trigger: 'held', variant: 'a', account: 'r' }),
        makeEvent({ type: 'impression', ts: T0 + DAY, trigger: 'other', account: 'r' }),
        // Shown 'held' before the window: neither counted nor credited.
        makeEvent({ type: 'impression', ts: T0 - 20 * DAY, trigger: 'held', variant: 'a', account: 'old' }),
        // Shown 'held' after converting: the conversion came first.
        makeEvent({ type: 'impression', ts: T0 + 5 * DAY, trigger: 'held', variant: 'a', account: 'later' }),
      ])
      for (const account of ['h', 'r', 'old', 'later']) {
        const result = await store.recordConversion({ id: `w-${account}`, account, to: 'pro', mrrDelta: 10, ts: T0 + 2 * DAY }, WINDOW)
        expect(result.attribution?.trigger ?? null).toBe(account === 'h' || account === 'r' ? 'other' : null)
      }
      // A replay changes nothing; a later conversion of the same account adds its credit (MRR to the cent) only.
      await store.recordConversion({ id: 'w-r', account: 'r', to: 'pro', mrrDelta: 10, ts: T0 + 2 * DAY }, WINDOW)
      await store.recordConversion({ id: 'w-r2', account: 'r', to: 'team', mrrDelta: 19.99, ts: T0 + 3 * DAY }, WINDOW)
      const rows = await store.aggregates({ from: T0 - 30 * DAY, to: T0 + 10 * DAY })
      expect(rows.map((r) => [r.trigger, r.variant, r.accounts_reached, r.conversions, r.reached_conversions, r.holdout_accounts, r.holdout_conversions]))
        .toEqual([
          ['held', 'a', 3, 0, 1, 1, 1],
          ['other', 'default', 2, 2, 2, 0, 0],
        ])
      expect(rows[1]!.expansion_mrr).toBeCloseTo(39.99, 9)
      // The partial days at a range's ends are read from the exposures themselves, and agree.
      const edges = await store.aggregates({ from: T0 - DAY / 24, to: T0 + DAY / 24 })
      expect(edges.map((r) => [r.trigger, r.variant, r.accounts_reached, r.reached_conversions, r.holdout_conversions]))
        .toEqual([['held', 'a', 1, 1, 1]])
      // A late, earlier exposure moves the account to its day's cohort, still counted.
      await store.ingest('pk', [makeEvent({ type: 'impression', ts: T0 - DAY, trigger: 'held', variant: 'a', account: 'r' })])
      expect((await store.aggregates({ from: T0 - DAY, to: T0, trigger: 'held' })).map((r) => [r.accounts_reached, r.reached_conversions])).toEqual([[1, 1]])
      expect((await store.aggregates({ from: T0, to: T0 + DAY, trigger: 'held' })).map((r) => [r.accounts_reached, r.reached_conversions])).toEqual([[0, 0]])
    })

    // Exposures of a late conversion: the account saw the prompt again after the conversion's time, so the
    // rollup's last exposure is after it and the credited one is read from the events.
    const C = T0 + 30 * DAY
    const MINUTE = 60_000
    const exposed = (account: string, trigger: string, times: number[], extra: Partial<NudgeEvent> = {}) =>
      times.map((ts) => makeEvent({ type: 'impression', ts, trigger, account, ...extra }))
    const convert = async (account: string, ts = C) =>
      (await store.recordConversion({ id: `conv-${account}`, account, to: 'pro', mrrDelta: 10, ts }, WINDOW)).attribution

    it('credits the latest exposure before a conversion when the account was exposed again after it', async () => {
      await store.ingest('pk', exposed('late', 't', [C - 20 * DAY, C - 2 * DAY, C + 30 * MINUTE]))
      expect(await convert('late')).toEqual({ trigger: 't', variant: 'default', exposedAt: C - 2 * DAY })
      // The credit lands on that exposure's row, like any other conversion.
      expect(await store.aggregates({ from: C - 21 * DAY, to: C + DAY })).toMatchObject([{ trigger: 't', conversions: 1, expansion_mrr: 10 }])
      expect(await store.accountState('late')).toMatchObject([{ trigger: 't', acceptedAt: C }])
      await store.ingest('pk', exposed('after-only', 't', [C + 1, C + DAY]))
      expect(await convert('after-only')).toBeNull()
    })

    it('credits the latest exposure before a late conversion across triggers and variants', async () => {
      await store.ingest('pk', [
        ...exposed('multi', 'a', [C - 10 * DAY, C - DAY, C + 60 * MINUTE], { variant: 'x' }),
        ...exposed('multi', 'a', [C - 5 * DAY, C + 120 * MINUTE], { variant: 'y' }),
        ...exposed('multi', 'b', [C - 3 * DAY]),
        ...exposed('multi', 'c', [C + DAY]),
        // The trigger exposed again after the conversion was last seen before it earlier than another trigger.
        ...exposed('exact-wins', 'a', [C - 10 * DAY, C + 60 * MINUTE]),
        ...exposed('exact-wins', 'b', [C - 3 * DAY], { variant: 'v' }),
      ])
      expect(await convert('multi')).toEqual({ trigger: 'a', variant: 'x', exposedAt: C - DAY })
      expect(await convert('exact-wins')).toEqual({ trigger: 'b', variant: 'v', exposedAt: C - 3 * DAY })
    })

    it('credits the holdout when the latest exposure before a late conversion was a holdout exposure', async () => {
      await store.ingest('pk', [
        // A holdout exposure counts as the holdout arm whatever variant the event names.
        ...exposed('held', 't', [C - 6 * DAY, C - 4 * DAY, C + 60 * MINUTE], { type: 'holdout', variant: 'a' }),
        ...exposed('held', 'u', [C - 5 * DAY, C + 30 * MINUTE]),
      ])
      expect(await convert('held')).toEqual({ trigger: 't', variant: 'holdout', exposedAt: C - 4 * DAY })
    })

    it('keeps the window edges for a late conversion: its start and the conversion time are inclusive', async () => {
      await store.ingest('pk', [
        ...exposed('edge-in', 't', [C - WINDOW, C + 1]),
        ...exposed('edge-out', 't', [C - WINDOW - 1, C + 1]),
        ...exposed('at-conversion', 't', [C - DAY, C, C + 1]),
        ...exposed('inside', 't', [C - 20 * DAY, C - WINDOW + 1, C + 1]),
      ])
      expect(await convert('edge-in')).toEqual({ trigger: 't', variant: 'default', exposedAt: C - WINDOW })
      expect(await convert('edge-out')).toBeNull()
      expect(await convert('at-conversion')).toEqual({ trigger: 't', variant: 'default', exposedAt: C })
      expect(await convert('inside')).toEqual({ trigger: 't', variant: 'default', exposedAt: C - WINDOW + 1 })
    })

    it('records a conversion id once: a replay returns the stored credit and changes nothing', async () => {
      await store.ingest('pk', [makeEvent({ type: 'impression', ts: T0, trigger: 't', account: 'a1' })])
      const input = { id: 'inv_1', account: 'a1', to: 'pro', mrrDelta: 49, ts: T0 + DAY }
      const first = await store.recordConversion(input, WINDOW)
      const replay = await store.recordConversion({ ...input, mrrDelta: 999 }, WINDOW)
      expect(first.duplicate).toBe(false)
      expect(replay).toEqual({ ...first, duplicate: true })
      const [row] = await store.aggregates({ from: T0 - DAY, to: T0 + DAY })
      expect(row).toMatchObject({ conversions: 1, expansion_mrr: 49, days_to_convert: [1] })
      const daily = await store.daily({ from: T0, to: T0 + 2 * DAY })
      expect(daily.map((p) => [p.day, p.impressions, p.conversions])).toEqual([
        [dayOf(T0), 1, 0],
        [dayOf(T0 + DAY), 0, 1],
      ])
    })

    it('moves a converted account to the cohort of an earlier first exposure that arrives late', async () => {
      const day = (n: number) => ({ from: Date.UTC(2026, 2, 10 + n), to: Date.UTC(2026, 2, 11 + n) })
      await store.ingest('pk', [
        makeEvent({ type: 'impression', ts: T0 + 2 * DAY, trigger: 't', account: 'late' }),
        makeEvent({ type: 'impression', ts: T0 + 2 * DAY, trigger: 't', account: 'steady' }),
      ])
      await store.recordConversion({ id: 'c', account: 'late', to: 'pro', mrrDelta: 30, ts: T0 + 3 * DAY }, WINDOW)
      expect(await store.aggregates(day(2))).toMatchObject([{ accounts_reached: 2, conversions: 1, expansion_mrr: 30 }])
      await store.ingest('pk', [makeEvent({ type: 'impression', ts: T0, trigger: 't', account: 'late' })])
      expect(await store.aggregates(day(2))).toMatchObject([{ accounts_reached: 1, conversions: 0, expansion_mrr: 0 }])
      expect(await store.aggregates(day(0))).toMatchObject([{ accounts_reached: 1, conversions: 1, expansion_mrr: 30, days_to_convert: [3] }])
      expect(await store.aggregates({ from: day(0).from, to: day(2).to })).toMatchObject([
        { impressions: 3, accounts_reached: 2, conversions: 1, expansion_mrr: 30 },
      ])
    })

    it('keeps account state per trigger across users', async () => {
      await store.ingest('pk', [
        makeEvent({ type: 'impression', ts: T0, trigger: 't', account: 'a', user: 'u1' }),
        makeEvent({ type: 'impression', ts: T0 + 5, trigger: 't', account: 'a', user: 'u2' }),
        makeEvent({ type: 'dismiss', ts: T0 + 6, trigger: 't', account: 'a', user: 'u2' }),
        makeEvent({ type: 'snooze', ts: T0 + 7, trigger: 'other', account: 'a', user: 'u1' }),
        makeEvent({ type: 'impression', ts: T0, trigger: 't', account: 'someone-else' }),
      ])
      await store.recordConversion({ id: 'c', account: 'a', to: 'pro', mrrDelta: 1, ts: T0 + 10 }, WINDOW)
      expect(await store.accountState('a')).toEqual([
        { trigger: 'other', impressions: 0, lastShownAt: null, dismissedAt: null, snoozedAt: T0 + 7, acceptedAt: null },
        { trigger: 't', impressions: 2, lastShownAt: T0 + 5, dismissedAt: T0 + 6, snoozedAt: null, acceptedAt: T0 + 10 },
      ])
      expect(await store.accountState('nobody')).toEqual([])
    })

    it('counts eligible accounts that have not converted since becoming eligible', async () => {
      await store.ingest('pk', [
        makeEvent({ type: 'eligible', ts: T0, trigger: 't', account: 'a' }),
        makeEvent({ type: 'eligible', ts: T0, trigger: 't', account: 'b' }),
        makeEvent({ type: 'eligible', ts: T0 - 40 * DAY, trigger: 't', account: 'stale' }),
        makeEvent({ type: 'eligible', ts: T0, trigger: 'u', account: 'a' }),
      ])
      await store.recordConversion({ id: 'c', account: 'b', to: 'pro', mrrDelta: 1, ts: T0 + 1 }, WINDOW)
      expect(await store.eligibleAccounts(T0 - 30 * DAY)).toEqual([
        { trigger: 't', accounts: 1 },
        { trigger: 'u', accounts: 1 },
      ])
    })

    it('counts an account converted before it became eligible as eligible, and one converted after as not', async () => {
      await store.recordConversion({ id: 'early', account: 'a', to: 'pro', mrrDelta: 1, ts: T0 - 5 * DAY }, WINDOW)
      await store.ingest('pk', [
        makeEvent({ type: 'eligible', ts: T0 - 2 * DAY, trigger: 't', account: 'a' }),
        makeEvent({ type: 'eligible', ts: T0 - 2 * DAY, trigger: 'u', account: 'a' }),
        makeEvent({ type: 'eligible', ts: T0 - 2 * DAY, trigger: 't', account: 'b' }),
        makeEvent({ type: 'eligible', ts: T0, trigger: 't', account: 'b' }),
        makeEvent({ type: 'eligible', ts: T0 - 2 * DAY, trigger: 'v', account: 'c' }),
      ])
      // b converted between its two eligible events: converted since it first became eligible.
      await store.recordConversion({ id: 'b1', account: 'b', to: 'pro', mrrDelta: 1, ts: T0 - DAY }, WINDOW)
      await store.recordConversion({ id: 'c1', account: 'c', to: 'pro', mrrDelta: 1, ts: T0 - DAY }, WINDOW)
      await store.recordConversion({ id: 'c0', account: 'c', to: 'pro', mrrDelta: 1, ts: T0 - 9 * DAY }, WINDOW)
      expect(await store.eligibleAccounts(T0 - 30 * DAY)).toEqual([
        { trigger: 't', accounts: 1 },
        { trigger: 'u', accounts: 1 },
      ])
      // Since T0 - 1 day only b was eligible on t, and it has converted: no trigger is listed.
      expect(await store.eligibleAccounts(T0 - DAY)).toEqual([])
    })

    it('lists each trigger × variant exposures were stored for, the holdout only where an account was held out', async () => {
      expect(await store.recordedArms()).toEqual([])
      const at = (type: NudgeEvent['type'], trigger: string, variant: string | undefined, account: string) =>
        makeEvent({ type, ts: T0, trigger, account, ...(variant ? { variant } : {}) })
      await store.ingest('pk', [
        at('impression', 't1', 'a', 'x'), at('impression', 't1', 'a', 'y'), at('impression', 't1', 'b', 'x'),
        at('holdout', 't1', 'holdout', 'z'),
        // Events of other kinds store no exposure: their arms are not listed, nor the holdout an eligible event names.
        at('click', 't2', 'only-clicked', 'x'), at('eligible', 't3', 'holdout', 'x'), at('impression', 't3', undefined, 'y'),
        // A holdout exposure counts in the holdout arm, whatever variant it names.
        at('holdout', 't4', 'default', 'x'),
      ])
      const arms = (await store.recordedArms()).map(({ trigger, variant }) => `${trigger}/${variant}`).sort()
      expect(arms).toEqual(['t1/a', 't1/b', 't1/holdout', 't3/default', 't4/holdout'])
    })

    const delivery = (id: string, overrides: Partial<WebhookEnqueue> = {}): WebhookEnqueue => ({
      id, route: 'cs', account: 'a', key: 't', payload: `{"id":"${id}"}`, now: T0, renotifyMs: DAY, ...overrides,
    })
    const leaseAll = (owner: string, now: number, routes = ['cs'], limit = 10, maxAttempts = 6) =>
      store.leaseWebhooks({ routes, owner, now, leaseMs: 60_000, limit, maxAttempts })
    const lease = async (owner: string, now: number, routes = ['cs'], limit = 10) => (await leaseAll(owner, now, routes, limit)).leased
    const ids = (leased: LeasedWebhook[]) => leased.map((w) => w.id).sort()

    it('enqueues exactly one webhook per route, account and key until the re-notify delay passes', async () => {
      const claims = await Promise.all(['cs:1', 'cs:2', 'cs:3'].map((id) => enqueueWebhook(store, delivery(id))))
      expect(claims.filter(Boolean)).toHaveLength(1)
      expect(await enqueueWebhook(store, delivery('cs:4', { now: T0 + DAY - 1 }))).toBe(false)
      expect(await enqueueWebhook(store, delivery('sales:1', { route: 'sales' }))).toBe(true)
      expect(await enqueueWebhook(store, delivery('cs:5', { key: 'upgrade_requested:t' }))).toBe(true)
      expect(await enqueueWebhook(store, delivery('cs:6', { now: T0 + DAY }))).toBe(true)
      expect(await store.webhookCounts(T0)).toEqual({ pending: 4, leased: 0, dead: 0 })
    })

    it('enqueues a delivery id once, so an event id seen under another key never sends twice', async () => {
      expect(await enqueueWebhook(store, delivery('cs:1'))).toBe(true)
      expect(await enqueueWebhook(store, delivery('cs:1', { now: T0 + 2 * DAY }))).toBe(false)
      expect(await store.webhookCounts(T0)).toEqual({ pending: 1, leased: 0, dead: 0 })
      // The claim stands: the repeat did not take a new one either.
      expect(await enqueueWebhook(store, delivery('cs:2', { now: T0 + DAY - 1 }))).toBe(false)
    })

    // What a router's deliveriesFor builds: one delivery per upgrade request, on route cs.
    const routeUpgrades = (events: readonly NudgeEvent[]) =>
      events.filter((e) => e.type === 'upgrade_requested').map((e) => delivery(`cs:${e.id}`, { account: e.account }))

    it('enqueues the routed webhooks of newly stored events in the ingest, and none for duplicates', async () => {
      const upgrade = makeEvent({ type: 'upgrade_requested', ts: T0, trigger: 't', account: 'a' })
      const click = makeEvent({ type: 'click', ts: T0, trigger: 't', account: 'a' })
      const routed: string[][] = []
      const route = (events: readonly NudgeEvent[]) => (routed.push(events.map((e) => e.id)), routeUpgrades(events))
      expect(await store.ingest('pk', [upgrade, click, upgrade], { route })).toMatchObject({ duplicates: 1, enqueued: 1 })
      expect(ids(await lease('o1', T0))).toEqual([`cs:${upgrade.id}`])
      expect(await store.ingest('pk', [click, upgrade], { route })).toEqual({ accepted: [], duplicates: 2, enqueued: 0 })
      // A new request within the re-notify delay is stored, but its claim is lost: nothing more to send.
      const later = makeEvent({ type: 'upgrade_requested', ts: T0 + 1, trigger: 't', account: 'a' })
      expect(await store.ingest('pk', [later], { route })).toMatchObject({ accepted: [later], enqueued: 0 })
      expect(routed).toEqual([[upgrade.id, click.id].sort(), [later.id]])
      expect(await store.webhookCounts(T0)).toEqual({ pending: 1, leased: 1, dead: 0 })
    })

    it('commits the events and their webhooks together: a failing delivery rolls back both', async () => {
      const upgrade = makeEvent({ type: 'upgrade_requested', ts: T0, trigger: 't', account: 'a' })
      await expect(store.ingest('pk', [upgrade], { route: () => { throw new Error('no payload') } })).rejects.toThrow(/no payload/)
      // The second delivery breaks a NOT NULL constraint after the first took its claim and row.
      const broken = (events: readonly NudgeEvent[]) => [...routeUpgrades(events), delivery('cs:x', { payload: null as unknown as string })]
      await expect(store.ingest('pk', [upgrade], { route: broken })).rejects.toThrow()
      expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })
      expect(await store.aggregates({ from: T0 - DAY, to: T0 + DAY })).toEqual([])
      // Neither the events nor the claim were kept: the retry stores the event and enqueues its webhook.
      expect(await store.ingest('pk', [upgrade], { route: routeUpgrades })).toMatchObject({ accepted: [upgrade], enqueued: 1 })
      expect(ids(await lease('o1', T0))).toEqual([`cs:${upgrade.id}`])
    })

    it('stores the other batches of a failed turn: only a batch that fails on its own is refused', async () => {
      const good = [1, 2].map((i) => makeEvent({ type: 'upgrade_requested', ts: T0 + i, trigger: 't', account: `good-${i}` }))
      const unserialisable = makeEvent({ type: 'impression', ts: T0, trigger: 't', account: 'bigint', props: { n: 1n } as never })
      const throwing = makeEvent({ type: 'upgrade_requested', ts: T0, trigger: 't', account: 'throwing' })
      const refused = makeEvent({ type: 'upgrade_requested', ts: T0, trigger: 't', account: 'refused' })
      // The database refuses this delivery (NOT NULL payload) after the batch's events were inserted.
      const nullPayload = (events: readonly NudgeEvent[]) => routeUpgrades(events).map((d) => ({ ...d, payload: null as unknown as string }))
      // Called in one go, so the five batches share one turn's transaction until it fails.
      const outcomes = await Promise.allSettled([
        store.ingest('pk', [good[0]!], { route: routeUpgrades }),
        store.ingest('pk', [unserialisable]),
        store.ingest('pk', [throwing], { route: () => { throw new Error('no payload') } }),
        store.ingest('pk', [refused], { route: nullPayload }),
        store.ingest('pk', [good[1]!], { route: routeUpgrades }),
      ])
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled'])
      expect((outcomes[0] as PromiseFulfilledResult<unknown>).value).toEqual({ accepted: [good[0]], duplicates: 0, enqueued: 1 })
      expect((outcomes[4] as PromiseFulfilledResult<unknown>).value).toEqual({ accepted: [good[1]], duplicates: 0, enqueued: 1 })
      for (const outcome of outcomes.slice(1, 4)) {
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError)
      }
      expect(ids(await lease('o1', T0 + 2))).toEqual(good.map((e) => `cs:${e.id}`).sort())
      expect(await store.aggregates({ from: T0 - DAY, to: T0 + DAY })).toMatchObject([
        { trigger: 't', impressions: 0, accounts_reached: 0, upgrade_requests: 2 },
      ])
      // Nothing of a refused batch was kept: sent again with a working route, it is stored and routed.
      expect(await store.ingest('pk', [throwing, refused], { route: routeUpgrades })).toMatchObject({ duplicates: 0, enqueued: 2 })
    })

    it("leases the given routes' due deliveries to one owner until the lease ends", async () => {
      await enqueueWebhook(store, delivery('cs:1'))
      await enqueueWebhook(store, delivery('cs:2', { account: 'b', now: T0 + 10 }))
      await enqueueWebhook(store, delivery('sales:1', { route: 'sales' }))
      expect(await leaseAll('one', T0)).toEqual({ leased: [{ id: 'cs:1', route: 'cs', payload: '{"id":"cs:1"}', attempts: 1 }], deadLettered: [] })
      expect(ids(await lease('two', T0 + 10))).toEqual(['cs:2'])
      expect(await lease('three', T0 + 60_000 - 1)).toEqual([])
      expect(ids(await lease('three', T0 + 60_000))).toEqual(['cs:1'])
      expect(ids(await lease('three', T0 + 60_010, ['cs', 'sales']))).toEqual(['cs:2', 'sales:1'])
    })

    it('never leases one delivery to two owners at once', async () => {
      for (let i = 0; i < 60; i++) await enqueueWebhook(store, delivery(`cs:${i}`, { account: `a${i}` }))
      const leases = await Promise.all(['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((owner) => lease(owner, T0, ['cs'], 10)))
      const leased = leases.flat().map((w) => w.id)
      expect(new Set(leased).size).toBe(leased.length)
      expect(leased).toHaveLength(60)
    })

    it('reschedules a failed attempt for the owner of its lease only', async () => {
      await enqueueWebhook(store, delivery('cs:1'))
      await lease('one', T0)
      expect(await store.retryWebhook('cs:1', 'two', T0 + 500, 'the receiver answered 503')).toBe(false)
      expect(await store.retryWebhook('cs:1', 'one', T0 + 500, 'the receiver answered 503')).toBe(true)
      expect(await lease('two', T0 + 499)).toEqual([])
      expect(await lease('two', T0 + 500)).toEqual([expect.objectContaining({ id: 'cs:1', attempts: 2 })])
    })

    it('counts an attempt when leased, so attempts whose instance stopped before recording an outcome count', async () => {
      await enqueueWebhook(store, delivery('cs:1'))
      expect(await lease('one', T0)).toEqual([expect.objectContaining({ attempts: 1 })])
      expect(await lease('two', T0 + 60_000)).toEqual([expect.objectContaining({ attempts: 2 })])
      expect(await store.retryWebhook('cs:1', 'two', T0 + 60_500, 'the receiver answered 503')).toBe(true)
      expect(await lease('three', T0 + 60_500)).toEqual([expect.objectContaining({ attempts: 3 })])
    })

    it('dead-letters a delivery whose every lease ended without an outcome, instead of leasing it again', async () => {
      await enqueueWebhook(store, delivery('cs:1'))
      await enqueueWebhook(store, delivery('cs:2', { account: 'b', now: T0 + 60_000 }))
      expect(ids((await leaseAll('one', T0, ['cs'], 10, 2)).leased)).toEqual(['cs:1'])
      expect(ids((await leaseAll('two', T0 + 60_000, ['cs'], 10, 2)).leased)).toEqual(['cs:1', 'cs:2'])
      // Both leases ended without an outcome: cs:1 has used up its two attempts, cs:2 has one left.
      expect(await leaseAll('three', T0 + 120_000, ['cs'], 10, 2)).toEqual({
        leased: [{ id: 'cs:2', route: 'cs', payload: '{"id":"cs:2"}', attempts: 2 }],
        deadLettered: [{
          id: 'cs:1', route: 'cs', payload: '{"id":"cs:1"}', attempts: 2,
          error: 'no outcome recorded after 2 attempts (the instance stopped mid-attempt)',
        }],
      })
      expect(await store.webhookCounts(T0 + 120_000)).toEqual({ pending: 1, leased: 1, dead: 1 })
      expect(await store.retryWebhook('cs:1', 'two', T0 + 120_001, 'late')).toBe(false)
      // Its claim was given back.
      expect(await enqueueWebhook(store, delivery('cs:3', { now: T0 + 120_001 }))).toBe(true)
    })

    it('removes a delivered webhook, even when its lease has passed to another owner', async () => {
      await enqueueWebhook(store, delivery('cs:1'))
      await lease('one', T0)
      await lease('two', T0 + 60_000)
      await store.completeWebhook('cs:1')
      expect(await store.webhookCounts(T0 + 60_000)).toEqual({ pending: 0, leased: 0, dead: 0 })
      expect(await lease('three', T0 + 10 * 60_000)).toEqual([])
    })

    it('keeps a delivery that used up its attempts as a dead letter and gives back its claim', async () => {
      await enqueueWebhook(store, delivery('cs:1'))
      await lease('one', T0)
      expect(await store.deadLetterWebhook('cs:1', 'two', 'the receiver answered 500', T0 + 1)).toBe(false)
      expect(await store.deadLetterWebhook('cs:1', 'one', 'the receiver answered 500', T0 + 1)).toBe(true)
      expect(await store.webhookCounts(T0 + 1)).toEqual({ pending: 0, leased: 0, dead: 1 })
      expect(await lease('one', T0 + 10 * 60_000)).toEqual([])
      expect(await store.retryWebhook('cs:1', 'one', T0 + 2, 'late')).toBe(false)
      expect(await enqueueWebhook(store, delivery('cs:2', { now: T0 + 2 }))).toBe(true)
    })

    it("gives back only the dead letter's own claim, not a later one", async () => {
      await enqueueWebhook(store, delivery('cs:1'))
      await lease('one', T0)
      expect(await enqueueWebhook(store, delivery('cs:2', { now: T0 + DAY }))).toBe(true)
      await store.deadLetterWebhook('cs:1', 'one', 'the receiver answered 500', T0 + DAY)
      expect(await enqueueWebhook(store, delivery('cs:3', { now: T0 + DAY + 1 }))).toBe(false)
    })

    it('dead-letters deliveries of routes no longer served once older than the grace period, unless leased', async () => {
      await enqueueWebhook(store, delivery('old:1', { route: 'old' }))
      await enqueueWebhook(store, delivery('old:2', { route: 'old', account: 'leased', now: T0 - 1_000 }))
      await enqueueWebhook(store, delivery('old:3', { route: 'old', account: 'young', now: T0 + 30_000 }))
      await enqueueWebhook(store, delivery('cs:1'))
      // Another instance, still on the rules with 'old', is attempting old:2.
      await leaseAll('old-rules', T0 + 50_000, ['old'], 1)
      expect(await store.deadLetterUnroutedWebhooks({ routes: ['cs'], enqueuedBefore: T0 - 1, now: T0 + 50_000 })).toBe(0)
      expect(await store.deadLetterUnroutedWebhooks({ routes: ['cs'], enqueuedBefore: T0, now: T0 + 60_000 })).toBe(1)
      expect(await store.webhookCounts(T0 + 60_000)).toEqual({ pending: 3, leased: 1, dead: 1 })
      // Its claim was given back; the young delivery and the leased one stay.
      expect(await enqueueWebhook(store, delivery('old:4', { route: 'old', now: T0 + 60_001 }))).toBe(true)
      expect(ids((await leaseAll('new-rules', T0 + 60_001, ['old'])).leased)).toEqual(['old:3', 'old:4'])
      expect(await store.deadLetterUnroutedWebhooks({ routes: [], enqueuedBefore: T0 + DAY, now: T0 + DAY })).toBe(4)
      expect(await store.webhookCounts(T0 + DAY)).toEqual({ pending: 0, leased: 0, dead: 5 })
    })

    /** Enqueues a delivery at `now`, leases it and dead-letters it at `now + 1` (which gives its claim back). */
    const deadLetter = async (id: string, now: number, overrides: Partial<WebhookEnqueue> = {}) => {
      expect(await enqueueWebhook(store, delivery(id, { now, ...overrides }))).toBe(true)
      await leaseAll(id, now, [overrides.route ?? 'cs'])
      expect(await store.deadLetterWebhook(id, id, `the receiver answered 500 (${id})`, now + 1)).toBe(true)
    }

    it('lists dead letters newest first, bounded, of one route or one id, and not pending deliveries', async () => {
      await deadLetter('cs:1', T0)
      await deadLetter('sales:1', T0 + 10, { route: 'sales' })
      await deadLetter('cs:2', T0 + 20, { account: 'b' })
      await enqueueWebhook(store, delivery('cs:3', { account: 'c', now: T0 + 30 }))
      expect(await store.listDeadWebhooks({ limit: 10 })).toEqual([
        { id: 'cs:2', route: 'cs', account: 'b', trigger: 't', attempts: 1, lastError: 'the receiver answered 500 (cs:2)', deadAt: T0 + 21 },
        { id: 'sales:1', route: 'sales', account: 'a', trigger: 't', attempts: 1, lastError: 'the receiver answered 500 (sales:1)', deadAt: T0 + 11 },
        { id: 'cs:1', route: 'cs', account: 'a', trigger: 't', attempts: 1, lastError: 'the receiver answered 500 (cs:1)', deadAt: T0 + 1 },
      ])
      expect((await store.listDeadWebhooks({ limit: 2 })).map((d) => d.id)).toEqual(['cs:2', 'sales:1'])
      expect((await store.listDeadWebhooks({ limit: 10, route: 'cs' })).map((d) => d.id)).toEqual(['cs:2', 'cs:1'])
      expect((await store.listDeadWebhooks({ limit: 10, id: 'cs:3' }))).toEqual([])
    })

    it('revives a dead letter as if enqueued now: due at once, attempts from 0, its claim taken back', async () => {
      await deadLetter('cs:1', T0)
      const now = T0 + 2 * DAY
      expect(await store.reviveWebhooks({ id: 'cs:1', now })).toEqual({ revived: ['cs:1'], superseded: [] })
      expect(await store.webhookCounts(now)).toEqual({ pending: 1, leased: 0, dead: 0 })
      expect(await store.listDeadWebhooks({ limit: 10 })).toEqual([])
      expect(await lease('one', now)).toEqual([{ id: 'cs:1', route: 'cs', payload: '{"id":"cs:1"}', attempts: 1 }])
      // Its claim stands, as for any enqueued delivery: no second notification within the re-notify delay.
      expect(await enqueueWebhook(store, delivery('cs:2', { now: now + 1 }))).toBe(false)
      // Dead-lettered again, it gives the claim back again.
      expect(await store.deadLetterWebhook('cs:1', 'one', 'the receiver answered 500', now + 2)).toBe(true)
      expect(await enqueueWebhook(store, delivery('cs:3', { now: now + 3 }))).toBe(true)
      expect(await store.reviveWebhooks({ id: 'cs:404', now })).toEqual({ revived: [], superseded: [] })
    })

    it('revives only the newest dead letter of a route, account and trigger, and none whose notification was claimed since', async () => {
      await deadLetter('cs:1', T0)
      await deadLetter('cs:2', T0 + 10)
      await deadLetter('cs:3', T0, { account: 'b' })
      await deadLetter('sales:1', T0, { route: 'sales' })
      // A later notification about b went out (or is on its way): cs:3 says nothing new.
      expect(await enqueueWebhook(store, delivery('cs:4', { account: 'b', now: T0 + 20 }))).toBe(true)
      const revival = await store.reviveWebhooks({ route: 'cs', now: T0 + DAY })
      expect(revival.revived).toEqual(['cs:2'])
      expect(revival.superseded.sort()).toEqual(['cs:1', 'cs:3'])
      expect(await store.webhookCounts(T0 + DAY)).toEqual({ pending: 2, leased: 0, dead: 3 })
      expect(await store.reviveWebhooks({ id: 'cs:3', now: T0 + DAY })).toEqual({ revived: [], superseded: ['cs:3'] })
    })

    it('purges dead letters, of a route, one id or dead before a time, never a pending delivery', async () => {
      await deadLetter('cs:1', T0)
      await deadLetter('cs:2', T0 + 10, { account: 'b' })
      await deadLetter('cs:3', T0 + 20, { account: 'c' })
      await deadLetter('sales:1', T0 + 30, { route: 'sales' })
      await enqueueWebhook(store, delivery('cs:5', { account: 'd', now: T0 + 40 }))
      expect(await store.purgeDeadWebhooks({ before: T0 + 11 })).toBe(1)
      expect(await store.purgeDeadWebhooks({ id: 'cs:5' })).toBe(0)
      expect(await store.purgeDeadWebhooks({ id: 'cs:2' })).toBe(1)
      expect(await store.purgeDeadWebhooks({ route: 'cs' })).toBe(1)
      expect(await store.webhookCounts(T0 + 40)).toEqual({ pending: 1, leased: 0, dead: 1 })
      expect(await store.purgeDeadWebhooks({})).toBe(1)
      expect(await store.webhookCounts(T0 + 40)).toEqual({ pending: 1, leased: 0, dead: 0 })
    })
  })
}

/** Deterministic pseudo-random events over 10 days, several triggers, variants, holdouts and accounts. */
function randomEvents(count: number): NudgeEvent[] {
  let seed = 42
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return Math.floor((seed / 2 ** 31) * n)
  }
  const types = ['impression', 'impression', 'click', 'dismiss', 'snooze', 'upgrade_requested', 'holdout', 'eligible', 'track'] as const
  const triggers = ['usage-80', 'gate']
  return Array.from({ length: count }, () => {
    const type = types[next(types.length)]!
    return makeEvent({
      type,
      ts: T0 + next(10 * DAY),
      account: `acct_${next(40)}`,
      ...(type === 'track' ? {} : { trigger: triggers[next(2)]! }),
      ...(type === 'holdout' || type === 'track' ? {} : { variant: ['a', 'b'][next(2)]! }),
    })
  })
}

/** The aggregates computed directly from raw events, independently of the rollups. */
function expectedAggregates(events: NudgeEvent[], filter: { from: number; to: number }): TriggerAggregate[] {
  const inDays = (ts: number) => dayOf(ts) >= dayOf(filter.from) && dayOf(ts) <= dayOf(filter.to - 1)
  const rows = new Map<string, TriggerAggregate>()
  const firstExposure = new Map<string, number>()
  for (const e of events) {
    if (e.type === 'impression' || e.type === 'holdout') {
      const key = `${e.trigger}|${e.type === 'holdout' ? 'holdout' : e.variant}|${e.account}`
      firstExposure.set(key, Math.min(firstExposure.get(key) ?? Infinity, e.ts))
    }
  }
  const row = (trigger: string, variant: string) => {
    const key = `${trigger}|${variant}`
    if (!rows.has(key)) {
      rows.set(key, {
        trigger, variant, impressions: 0, accounts_reached: 0, clicks: 0, dismissals: 0, snoozes: 0, upgrade_requests: 0,
        conversions: 0, reached_conversions: 0, expansion_mrr: 0, days_to_convert: [], holdout_accounts: 0, holdout_conversions: 0,
      })
    }
    return rows.get(key)!
  }
  const column = {
    impression: 'impressions', click: 'clicks', dismiss: 'dismissals', snooze: 'snoozes', upgrade_requested: 'upgrade_requests',
  } as const
  for (const e of events) {
    if (e.type in column && inDays(e.ts)) row(e.trigger!, e.variant!)[column[e.type as keyof typeof column]] += 1
  }
  const holdouts = new Map<string, number>()
  for (const [key, ts] of firstExposure) {
    if (ts < filter.from || ts >= filter.to) continue
    const [trigger, variant] = key.split('|') as [string, string]
    if (variant === 'holdout') holdouts.set(trigger, (holdouts.get(trigger) ?? 0) + 1)
    else row(trigger, variant).accounts_reached += 1
  }
  for (const r of rows.values()) r.holdout_accounts = holdouts.get(r.trigger) ?? 0
  return [...rows.values()].sort((a, b) => `${a.trigger}|${a.variant}`.localeCompare(`${b.trigger}|${b.variant}`))
}
