// The evaluator: rules compiled once into closures, a dependency index, matching and decisions.
import type {
  CompiledArm, CompiledRules, CompiledTrigger, Decisions, EvalAccount, EvalContext, FactKey, Prompt, ResolvedTarget,
  SuppressReason, TriggerDecision, TriggerState,
} from './types.ts'
import { compileAudience, isBuyer } from './audience.ts'
import { armOf } from './bucket.ts'
import { compileCondition, type Predicate } from './conditions.ts'
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
   */
  decide(
    ctx: EvalContext,
    matched: ReadonlyMap<string, boolean>,
    state: (trigger: string) => TriggerState | undefined,
  ): Decisions
}

/** A trigger compiled once. Its state lives in the closures, so re-evaluations allocate next to nothing. */
interface Prepared {
  id: string
  priority: number
  /** The `detail` of the triggers this one outranks, built once. */
  outranks: string
  when: Predicate
  /** The decision of an unmatched trigger never changes: one object, reused. */
  unmatched: TriggerDecision
  /** Audience, arm, target and frequency of a matched trigger: the slot its prompt competes for, if due. */
  check(ctx: EvalContext, state: (trigger: string) => TriggerState | undefined): string | undefined
  /**
   * The decision of a matched trigger, `outranked` unless it is its slot's `winner`, with its prompt when it
   * shows: the previous object while equal.
   */
  settle(ctx: EvalContext, buyer: boolean, winner: Prepared | undefined): TriggerDecision
}

/**
 * Compiles a trigger's condition and audience once, and renders its prompt (through the evaluator's shared
 * `render`) only when it shows and its inputs changed, so an unchanged prompt is the same object.
 */
function prepare(rules: CompiledRules, trigger: CompiledTrigger, render: Renderer): Prepared {
  const { id, priority, metric, feature } = trigger
  const { defaults } = rules
  const audience = compileAudience(rules, trigger.audience)
  const decision = (status: TriggerDecision['status'], reason?: SuppressReason, detail?: string, variant?: string, prompt?: Prompt): TriggerDecision =>
    ({ trigger: id, status, reason, detail, variant, prompt })
  // Worked out once per account object: the arm (none when held out), the target, the limit, the plan name.
  let account: EvalAccount | undefined
  let arm: CompiledArm | undefined
  let target: ResolvedTarget | undefined
  /** The arm's target name (the prompt's when held out) resolves to nothing: `no_target`. */
  let missing = false
  let limit: number | null = null
  let plan: string | undefined
  // This evaluation's outcome, the latest decision, and the latest prompt with what it was rendered from.
  let status: TriggerDecision['status']
  let reason: SuppressReason | undefined
  let variant: string | undefined
  let last = decision('not_matched')
  let inputs: unknown[] = []
  let prompt: Prompt
  let url: string | undefined
  let safe = false
  const self: Prepared = {
    id,
    priority,
    outranks: `outranked by ${id} (priority ${priority})`,
    when: compileCondition(rules, trigger.when),
    unmatched: last,
    check(ctx, state) {
      variant = undefined
      reason = audience(ctx)
      if (!reason) {
        if (ctx.account !== account) {
          account = ctx.account
          arm = armOf(trigger, account.id)
          // A held-out account is still checked against the prompt's own target.
          const name = arm ? arm.target : trigger.prompt.target
          target = name === undefined ? undefined : pickOffer(rules, trigger.targets[name], account, metric)
          missing = name !== undefined && !target
          limit = metric ? limitOf(rules, account, metric) : null
          plan = rules.plans[planIndex(rules, account.plan)]?.name
        }
        variant = arm?.name ?? 'holdout'
        reason = missing ? 'no_target' : arm ? frequencyBlock(trigger.frequency, state(id), ctx.now) : undefined
      }
      status = reason ? 'suppressed' : arm ? 'show' : 'holdout'
      return status === 'show' ? arm!.slot : undefined
    },
    settle(ctx, buyer, winner) {
      let detail: string | undefined
      let shown: Prompt | undefined
      if (winner && winner !== self) {
        status = 'suppressed'
        reason = 'outranked'
        detail = winner.outranks
      } else if (winner) shown = build(ctx, buyer)
      return last.status === status && last.reason === reason && last.variant === variant && last.prompt === shown && last.detail === detail
        ? last
        : (last = decision(status, reason, detail, variant, shown))
    },
  }

  /** The shown prompt: the previous object while the arm, audience, target and every variable are unchanged. */
  function build(ctx: EvalContext, buyer: boolean): Prompt {
    const { usage, now } = ctx
    const used = metric === undefined ? undefined : (usage[metric] ?? 0)
    const locale = ctx.locale ?? defaults.locale
    const days = account!.renewsAt === undefined ? undefined : Math.max(0, Math.ceil((account!.renewsAt - now) / 86_400_000))
    const next = [arm, buyer, used, target, account, locale, days]
    if (next.every((value, index) => value === inputs[index])) return prompt
    inputs = next
    const { name, placement, buyer: copy, nonBuyer } = arm!
    const { title, body, cta, dismissLabel } = buyer ? copy : nonBuyer
    const vars = {
      used,
      limit: limit ?? undefined,
      remaining: limit === null ? undefined : Math.max(0, limit - used!),
      percent: limit ? Math.floor((used! * 100) / limit) : undefined,
      metric: metric && (rules.metrics[metric]?.label ?? metric),
      feature: feature && (rules.features[feature]?.label ?? feature),
      'plan.id': account!.plan,
      'plan.name': plan,
      'target.id': target?.id,
      'target.name': target?.name,
      'target.limit': target?.limit ?? undefined,
      'target.price': target?.price.monthly,
      'target.annual_price': target?.price.annual,
      days_to_renewal: days,
    }
    const text = (value: string | undefined, encode?: boolean) => render(value, vars, locale, defaults.currency, encode)
    const href = text(cta.url, true)
    if (href !== url) (url = href), (safe = !!href && isSafeUrl(href))
    return (prompt = {
      key: `${id}:${name}`,
      trigger: id,
      variant: name,
      placement,
      audience: buyer ? 'buyer' : 'non_buyer',
      title: text(title)!,
      body: text(body),
      cta: { label: text(cta.label)!, url: safe ? href : undefined },
      dismissLabel: text(dismissLabel),
      target,
      feature,
      metric,
      priority,
    })
  }
  return self
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
  if (rules.version !== 2) {
    throw new Error(`[nudgekit] Failed to load rules: version ${rules.version} is not supported. Upgrade @nudgekit/rules.`)
  }
  const render = createRenderer()
  const entries = rules.triggers.map((trigger) => prepare(rules, trigger, render))
  const positions = new Map<string, number>()
  // fact → ids of the triggers reading it
  const readers = new Map<FactKey, string[]>()
  rules.triggers.forEach(({ id, deps }, index) => {
    positions.set(id, index)
    for (const fact of deps) readers.set(fact, [...(readers.get(fact) ?? []), id])
  })
  // The map last filled for every trigger, and what it holds by trigger position: Map reads and writes
  // would cost more than the conditions themselves.
  let view: Map<string, boolean> | undefined
  const values: boolean[] = []
  return {
    rules,
    affected(facts) {
      const ids = new Set<string>()
      for (const fact of facts) for (const id of readers.get(fact) ?? []) ids.add(id)
      return [...ids]
    },
    match(ctx, ids, into = new Map()) {
      const own = into === view
      const evaluate = (index: number | undefined) => {
        if (index === undefined) return
        const value = entries[index]!.when(ctx)
        if (!own || values[index] !== value) into.set(entries[index]!.id, value)
        if (own || !ids) values[index] = value
      }
      if (ids) for (const id of ids) evaluate(positions.get(id))
      else {
        for (let index = 0; index < entries.length; index++) evaluate(index)
        view = into
      }
      return into
    },
    decide(ctx, matched, state) {
      const known = matched === view
      const winners: Record<string, Prepared> = {}
      const due: number[] = []
      const slots: Array<string | undefined> = []
      const decisions: TriggerDecision[] = []
      const prompts: Decisions['prompts'] = {}
      const inline: Record<string, Prompt> = {}
      for (let index = 0; index < entries.length; index++) {
        const entry = entries[index]!
        decisions.push(entry.unmatched)
        if (!(known ? values[index] : matched.get(entry.id))) continue
        const slot = entry.check(ctx, state)
        const winner = slot && winners[slot]
        due.push(index)
        slots.push(slot)
        if (slot && !(winner && winner.priority >= entry.priority)) winners[slot] = entry
      }
      const buyer = isBuyer(rules, ctx.user.role)
      for (let at = 0; at < due.length; at++) {
        const index = due[at]!
        const slot = slots[at]
        const { prompt } = (decisions[index] = entries[index]!.settle(ctx, buyer, slot ? winners[slot] : undefined))
        if (prompt?.placement === 'inline') inline[slot!.slice(7)] = prompt
        else if (prompt) prompts[prompt.placement] = prompt
      }
      return { decisions, prompts, inline }
    },
  }
}
