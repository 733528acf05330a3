// The evaluator: rules compiled once into closures, a dependency index, matching and decisions.
import type {
  CompiledArm, CompiledRules, CompiledTrigger, Decisions, EvalAccount, EvalContext, FactKey, Prompt, ResolvedTarget,
  SuppressReason, TriggerDecision, TriggerState,
} from './types.ts'
import { armOf } from './bucket.ts'
import { compileAudience, compileCondition, isBuyer } from './conditions.ts'
import { frequencyBlock } from './frequency.ts'
import { limitOf, pickOffer, planIndex } from './targets.ts'
import { createRenderer, type Renderer } from './template.ts'
import { isSafeUrl } from './url.ts'

export interface Evaluator {
  readonly rules: CompiledRules
  /** Ids of triggers whose condition or audience reads any of these facts (dependency index). */
  affected(facts: Iterable<FactKey>): string[]
  /**
   * Evaluates `when` for the given triggers (all when omitted) into `into` (trigger id → matched). The map
   * most recently filled for all triggers stays the evaluator's: passed again, only the entries that changed
   * are written, and `decide` reads the evaluator's own copy of it, so do not write to that map yourself.
   */
  match(ctx: EvalContext, ids?: Iterable<string>, into?: Map<string, boolean>): Map<string, boolean>
  /**
   * Audience, target, experiment, frequency and priority → one decision per trigger and the prompts to show
   * (one per placement; inline prompts keyed by feature). `state` returns a trigger's exposure state.
   * `changed`, the facts changed since the previous call, makes it incremental: when they are only usage,
   * gates and events, a trigger matched then and now keeps its audience, target and frequency check, which
   * read none of them (priorities and copy are worked out again). A change to `account`, `user` or `time`
   * checks every trigger; so does omitting `changed`, as callers must after a change of exposure state (a
   * snooze, an impression in another tab): the check reads it.
   */
  decide(
    ctx: EvalContext,
    matched: ReadonlyMap<string, boolean>,
    state: (trigger: string) => TriggerState | undefined,
    changed?: Iterable<FactKey>,
  ): Decisions
}

/**
 * Decides a matched trigger in `decide` call number `round`; `winners` holds, per slot, the `detail` of the
 * prompt that already took it. With `keep`, the audience, target and frequency check of the previous round
 * stands, if the trigger had one there.
 */
type Decide = (
  ctx: EvalContext,
  state: (trigger: string) => TriggerState | undefined,
  audience: Prompt['audience'],
  winners: Record<string, string>,
  round: number,
  keep: boolean,
) => TriggerDecision

/**
 * Wraps `make` so that it runs again only when an argument differs from the previous call's: its read-only
 * result stays the same object while its inputs are unchanged, so subscribers can compare by identity.
 */
function memo<A extends unknown[], T>(make: (...args: A) => T): (...args: A) => T {
  let last: unknown[] | undefined
  let value: T
  return (...args) => {
    let index = last ? 0 : -1
    while (index >= 0 && index < args.length) index = args[index] === last![index] ? index + 1 : -1
    return index < 0 ? ((last = args), (value = make(...args))) : value
  }
}

/**
 * Compiles a trigger's audience once: audience → arm → target → frequency → slot. Per-account work (arm,
 * target, limit, plan name) is redone only for a new account object, copy only when its inputs changed.
 */
function prepare(rules: CompiledRules, trigger: CompiledTrigger, render: Renderer): Decide {
  const { id, priority, metric } = trigger
  const { defaults } = rules
  const excluded = compileAudience(rules, trigger.checks)
  const outranks = `outranked by ${id} (priority ${priority})`
  const decision = memo((status: TriggerDecision['status'], reason?: SuppressReason, variant?: string, detail?: string, prompt?: Prompt): TriggerDecision =>
    ({ trigger: id, status, reason, detail, variant, prompt }))
  // Worked out once per account object: the arm (none when held out) and the target (`null` when the arm's
  // target, or the prompt's when held out, offers nothing: `no_target`).
  let account: EvalAccount
  let arm: CompiledArm | undefined
  let target: ResolvedTarget | null | undefined
  let limit: number | null = null
  let plan: string | undefined
  let url: string | undefined
  let safe = false

  const build = memo((arm: CompiledArm, audience: Prompt['audience'], used: number | undefined, target: ResolvedTarget | undefined, account: EvalAccount, locale: string | undefined, days: number | undefined): Prompt => {
    const { title, body, cta, dismissLabel } = arm.copy[audience]
    const vars = {
      used,
      limit,
      remaining: limit === null ? limit : Math.max(0, limit - used!),
      percent: limit ? Math.floor((used! * 100) / limit) : undefined,
      // `metric` and `feature`: compile() filled them in.
      'plan.id': account.plan,
      'plan.name': plan,
      'target.id': target?.id,
      'target.name': target?.name,
      'target.limit': target?.limit,
      'target.price': target?.price.monthly,
      'target.annual_price': target?.price.annual,
      days_to_renewal: days,
    }
    const text = (value: string | undefined, encode?: boolean) => render(value, vars, locale, defaults.currency, encode)
    const href = text(cta.url, true)
    if (href !== url) (url = href), (safe = !!href && isSafeUrl(href))
    return {
      ...arm.prompt,
      audience,
      title: text(title)!,
      body: text(body),
      cta: { label: text(cta.label)!, url: safe ? href : undefined },
      dismissLabel: text(dismissLabel),
      target,
    }
  })

  // The last check's outcome (why the trigger is held back before priorities, and its variant), the `decide`
  // round after which it may be kept, and whether the trigger had a prompt since.
  let held: SuppressReason | undefined
  let variant: string | undefined
  let kept = 0
  let shown = false
  return (ctx, state, audience, winners, round, keep) => {
    if (!keep || kept !== round - 1) {
      variant = undefined
      shown = false
      if (!(held = excluded(ctx))) {
        if (ctx.account !== account) {
          account = ctx.account
          arm = armOf(trigger, account.id)
          // A held-out account is still checked against the prompt's own target.
          const name = arm ? arm.target : trigger.prompt.target
          target = name ? (pickOffer(rules, trigger.targets[name], account, metric) ?? null) : undefined
          limit = metric ? limitOf(rules, account, metric) : null
          plan = rules.plans[planIndex(rules, account.plan)]?.name
        }
        variant = arm ? arm.name : 'holdout'
        held = target === null ? 'no_target' : arm ? frequencyBlock(trigger, state(id), ctx.now) : undefined
      }
    }
    let reason = held
    let detail: string | undefined
    let prompt: Prompt | undefined
    // Triggers come by priority, so a slot's first due prompt wins it.
    if (!reason && arm) {
      detail = winners[arm.slot]
      if (detail) reason = 'outranked'
      else {
        winners[arm.slot] = outranks
        const { renewsAt } = account
        prompt = build(
          arm,
          audience,
          metric ? (ctx.usage[metric] ?? 0) : undefined,
          target!,
          account,
          ctx.locale ?? defaults.locale,
          renewsAt === undefined ? undefined : Math.max(0, Math.ceil((renewsAt - ctx.now) / 86_400_000)),
        )
      }
    }
    if (prompt) shown = true
    // Outranked after it had a prompt, the trigger may have left the screen, which lets its caps apply: checked anew.
    if (reason !== 'outranked' || !shown) kept = round
    return decision(reason ? 'suppressed' : arm ? 'show' : 'holdout', reason, variant, detail, prompt)
  }
}

/**
 * Compiles rules once for fast, repeated evaluation. Among due prompts of a placement (inline: of a feature,
 * or of a trigger without a gate) the highest priority wins, ties go to the earlier trigger, the rest are
 * `outranked` (`detail` names the winner). Only the winners' copy is rendered. Decisions and prompts are
 * read-only and reused between calls while their inputs are unchanged, so they can be compared by identity.
 * @example
 * const evaluator = createEvaluator(rules)
 * const matched = evaluator.match(ctx)
 * const { prompts } = evaluator.decide(ctx, matched, (id) => states[id])
 * // after setUsage('contacts', …): only the triggers that read it
 * evaluator.match(ctx, evaluator.affected(['usage:contacts']), matched)
 */
export function createEvaluator(rules: CompiledRules): Evaluator {
  const { triggers } = rules
  if (rules.version !== 2) {
    throw new Error(`[nudgekit] Failed to load rules: version ${rules.version} is not supported. Upgrade @nudgekit/rules.`)
  }
  const render = createRenderer()
  const whens = triggers.map((trigger) => compileCondition(rules, trigger.when))
  const decides = triggers.map((trigger) => prepare(rules, trigger, render))
  // The decision of an unmatched trigger never changes: one object each, reused.
  const unmatched = triggers.map(({ id }): TriggerDecision => ({ trigger: id, status: 'not_matched' }))
  // Trigger positions by priority, highest first, rules order among equals (the sort is stable).
  const order = [...triggers.keys()].sort((a, b) => triggers[b]!.priority - triggers[a]!.priority)
  const positions = new Map<string, number>()
  // fact → ids of the triggers reading it
  const readers = new Map<FactKey, string[]>()
  triggers.forEach(({ id, deps }, index) => {
    positions.set(id, index)
    for (const fact of deps) readers.set(fact, [...(readers.get(fact) ?? []), id])
  })
  // The map last filled for every trigger, and what it holds by trigger position: Map reads and writes
  // would cost more than the conditions themselves.
  let view: Map<string, boolean> | undefined
  const values: boolean[] = []
  let round = 0
  // The account and user of the previous `decide`: new objects are a change even when `changed` misses it.
  let account: EvalContext['account'] | undefined
  let user: EvalContext['user'] | undefined
  return {
    rules,
    affected(facts) {
      const found = new Set<string>()
      for (const fact of facts) for (const id of readers.get(fact) ?? []) found.add(id)
      return [...found]
    },
    match(ctx, only, into = new Map()) {
      const own = into === view
      const evaluate = (index: number | undefined) => {
        if (index === undefined) return
        const value = whens[index]!(ctx)
        if (!own || values[index] !== value) into.set(triggers[index]!.id, value)
        if (own || !only) values[index] = value
      }
      if (only) for (const id of only) evaluate(positions.get(id))
      else {
        for (let index = 0; index < triggers.length; index++) evaluate(index)
        view = into
      }
      return into
    },
    decide(ctx, matched, state, changed) {
      const known = matched === view
      // The check reads the account, the user, the clock and exposure state, never usage, gates or events.
      const keep = !!changed && ctx.account === account && ctx.user === user && ![...changed].some((fact) => fact === 'account' || fact === 'user' || fact === 'time')
      account = ctx.account
      user = ctx.user
      round++
      const winners: Record<string, string> = {}
      const decisions = unmatched.slice()
      const prompts: Decisions['prompts'] = {}
      const inline: Record<string, Prompt> = {}
      const audience = isBuyer(rules, ctx.user.role) ? 'buyer' : 'non_buyer'
      for (const index of order) {
        if (!(known ? values[index] : matched.get(triggers[index]!.id))) continue
        const { prompt } = (decisions[index] = decides[index]!(ctx, state, audience, winners, round, keep))
        if (prompt?.placement === 'inline') inline[prompt.feature ?? prompt.trigger] = prompt
        else if (prompt) prompts[prompt.placement] = prompt
      }
      return { decisions, prompts, inline }
    },
  }
}
