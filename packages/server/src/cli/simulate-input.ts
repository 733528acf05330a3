// `nudgekit simulate` inputs: account, user, usage, gate hits, events and exposure state from flags, checked
// against the rules so a typo is a clear error rather than a trigger that silently does not match.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { suggest, type CompiledRules, type EvalAccount, type EvalContext, type EvalUser, type TriggerState } from '@nudgekit/rules'
import type { CliIO } from './command.ts'
import { fileReason } from './rules-file.ts'
import { UsageError } from './run.ts'

export interface SimulateFlags {
  account?: string | undefined
  user?: string | undefined
  usage?: string[] | undefined
  gate?: string[] | undefined
  event?: string[] | undefined
  state?: string | undefined
  now?: string | undefined
}

export interface SimulateInput {
  ctx: EvalContext
  states: Record<string, TriggerState>
  /** Inputs that are valid but that no trigger reads, worth a note. */
  notes: string[]
}

const fail = (reason: string, fix: string): never => {
  throw new UsageError(`Failed to simulate: ${reason}. ${fix}${/[.?!]$/.test(fix) ? '' : '.'}`)
}

/** Builds the evaluation context from the command's flags. */
export function readSimulateInput(flags: SimulateFlags, rules: CompiledRules, io: CliIO): SimulateInput {
  const now = flags.now === undefined ? Date.now() : toTime(flags.now, '--now')
  if (flags.account === undefined) fail('--account is required', `Pass the account as JSON, e.g. --account '{"id":"a1","plan":"${rules.plans[0]?.id ?? 'free'}"}'`)
  const notes: string[] = []
  return {
    ctx: {
      now,
      account: readAccount(jsonFlag(flags.account!, '--account', io), rules),
      user: readUser(flags.user === undefined ? {} : jsonFlag(flags.user, '--user', io)),
      usage: readUsage(flags.usage ?? [], rules),
      gates: readHits(flags.gate ?? [], '--gate', now, rules, notes),
      events: readHits(flags.event ?? [], '--event', now, rules, notes),
    },
    states: flags.state === undefined ? {} : readStates(jsonFlag(flags.state, '--state', io), rules),
    notes,
  }
}

/** A flag holding JSON, or the path of a JSON file. */
function jsonFlag(value: string, flag: string, io: CliIO): unknown {
  const inline = /^\s*[{[]/.test(value)
  let text = value
  if (!inline) {
    try {
      text = readFileSync(resolve(io.cwd, value), 'utf8')
    } catch (error) {
      fail(`${flag} '${value}' is neither JSON nor a readable file (${fileReason(error)})`, `Pass a JSON object or the path of a .json file`)
    }
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    return fail(`${flag} is not valid JSON (${(error as Error).message.split(', "')[0]})`, `Quote it for the shell, e.g. ${flag} '{"id":"a1"}'`)
  }
}

function record(value: unknown, what: string, fix: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${what} must be a JSON object`, fix)
  return value as Record<string, unknown>
}

/** Refuses keys simulate would ignore: a misspelt key must not silently change the answer. */
function onlyKeys(raw: Record<string, unknown>, allowed: readonly string[], flag: string): void {
  for (const key of Object.keys(raw)) {
    if (allowed.includes(key)) continue
    const match = suggest(key, allowed)
    fail(`${flag} has unknown key '${key}' (it takes ${allowed.join(', ')})`, match ? `Did you mean '${match}'?` : 'Remove it')
  }
}

function known(kind: string, name: string, names: string[], flag: string): void {
  if (names.includes(name)) return
  const match = suggest(name, names)
  const rest = names.length ? `the rules have ${names.join(', ')}` : `the rules declare no ${kind}s`
  fail(`${flag} names unknown ${kind} '${name}' (${rest})`, match ? `Did you mean '${match}'?` : names.length ? 'Use one of those' : `Declare the ${kind} in the rules first`)
}

function readAccount(value: unknown, rules: CompiledRules): EvalAccount {
  const raw = record(value, '--account', `Pass e.g. --account '{"id":"a1","plan":"free"}'`)
  onlyKeys(raw, ['id', 'plan', 'addons', 'createdAt', 'renewsAt', 'traits'], '--account')
  const plans = rules.plans.map((plan) => plan.id)
  if (typeof raw.plan !== 'string') fail('--account has no "plan"', `Add one of ${plans.join(', ')}`)
  known('plan', raw.plan as string, plans, '--account plan')
  const addons = raw.addons === undefined ? [] : raw.addons
  if (!Array.isArray(addons) || addons.some((addon) => typeof addon !== 'string')) fail('--account "addons" must be a list of add-on ids', 'Pass e.g. "addons": ["analytics"]')
  for (const addon of addons as string[]) known('add-on', addon, rules.addons.map((a) => a.id), '--account addons')
  if (raw.traits !== undefined) record(raw.traits, '--account "traits"', `Pass e.g. --account '{"id":"a1","plan":"free","traits":{"industry":"retail"}}'`)
  return {
    id: raw.id === undefined ? 'simulated-account' : String(raw.id),
    plan: raw.plan as string,
    addons: addons as string[],
    ...(raw.createdAt === undefined ? {} : { createdAt: toTime(raw.createdAt, '--account createdAt') }),
    ...(raw.renewsAt === undefined ? {} : { renewsAt: toTime(raw.renewsAt, '--account renewsAt') }),
    ...(raw.traits === undefined ? {} : { traits: raw.traits as Record<string, unknown> }),
  }
}

function readUser(value: unknown): EvalUser {
  const raw = record(value, '--user', `Pass e.g. --user '{"id":"u1","role":"member"}'`)
  onlyKeys(raw, ['id', 'role'], '--user')
  if (raw.role !== undefined && typeof raw.role !== 'string') fail('--user "role" must be text', 'Pass e.g. --user \'{"id":"u1","role":"member"}\'')
  return { id: raw.id === undefined ? 'simulated-user' : String(raw.id), ...(raw.role === undefined ? {} : { role: raw.role as string }) }
}

function pair(text: string, flag: string, example: string): [string, number] {
  // Decimal only: Number() would also read 0x10, 1e3 and ' ', which nobody means as a usage count.
  const match = /^([^=]+)=(\d+(?:\.\d+)?)$/.exec(text.trim())
  if (!match) fail(`${flag} '${text}' is not name=number`, `Write it like ${flag} ${example} (a decimal number, not negative)`)
  return [match![1]!.trim(), Number(match![2])]
}

function readUsage(pairs: string[], rules: CompiledRules): Record<string, number> {
  const usage: Record<string, number> = {}
  for (const text of pairs) {
    const [metric, value] = pair(text, '--usage', 'contacts=45')
    known('metric', metric, Object.keys(rules.metrics), '--usage')
    usage[metric] = value
  }
  return usage
}

/** `--gate f`, `--gate f=3`, `--event e=5`: that many hits, all at `now` (inside every window). */
function readHits(items: string[], flag: '--gate' | '--event', now: number, rules: CompiledRules, notes: string[]): Record<string, number[]> {
  const hits: Record<string, number[]> = {}
  const read = readNames(rules, flag === '--gate' ? 'gate' : 'event')
  for (const text of items) {
    const [name, count] = text.includes('=') ? pair(text, flag, flag === '--gate' ? 'segmentation=2' : 'report_viewed=5') : [text.trim(), 1]
    if (!Number.isInteger(count) || count < 0 || count > 100_000) fail(`${flag} '${text}' needs a whole count from 0 to 100000`, `Write it like ${flag} ${name}=3`)
    if (flag === '--gate') known('feature', name, Object.keys(rules.features), '--gate')
    else if (!read.includes(name)) {
      const match = suggest(name, read)
      notes.push(`no trigger reads event '${name}'${match ? ` — did you mean '${match}'?` : ''}`)
    }
    hits[name] = Array.from({ length: count }, () => now)
  }
  return hits
}

function readNames(rules: CompiledRules, kind: 'gate' | 'event'): string[] {
  const names = new Set<string>()
  for (const trigger of rules.triggers) {
    for (const dep of trigger.deps) if (dep.startsWith(`${kind}:`)) names.add(dep.slice(kind.length + 1))
  }
  return [...names]
}

const STATE_COUNTS = ['impressions', 'sessionImpressions', 'dayImpressions'] as const
// dismissedAt is left out: the evaluator never reads it (a dismissal suppresses through snoozedUntil).
const STATE_TIMES = ['lastShownAt', 'snoozedUntil', 'acceptedAt'] as const

function readStates(value: unknown, rules: CompiledRules): Record<string, TriggerState> {
  const raw = record(value, '--state', `Pass e.g. --state '{"contacts-80":{"impressions":2}}'`)
  const states: Record<string, TriggerState> = {}
  for (const [trigger, entry] of Object.entries(raw)) {
    known('trigger', trigger, rules.triggers.map((t) => t.id), '--state')
    const fields = record(entry, `--state ${trigger}`, `Pass e.g. --state '{"${trigger}":{"impressions":2}}'`)
    const state: TriggerState = { impressions: 0, sessionImpressions: 0, dayImpressions: 0 }
    for (const [key, field] of Object.entries(fields)) {
      if ((STATE_COUNTS as readonly string[]).includes(key)) {
        if (!Number.isInteger(field) || (field as number) < 0) fail(`--state ${trigger}.${key} must be a whole number`, `Write e.g. "${key}": 2`)
        state[key as (typeof STATE_COUNTS)[number]] = field as number
      } else if ((STATE_TIMES as readonly string[]).includes(key)) {
        state[key as (typeof STATE_TIMES)[number]] = toTime(field, `--state ${trigger}.${key}`)
      } else if (key === 'showing') {
        if (typeof field !== 'boolean') fail(`--state ${trigger}.showing must be true or false, got ${JSON.stringify(field)}`, 'Write e.g. "showing": true')
        state.showing = field as boolean
      } else if (key === 'dismissedAt') {
        fail(`--state ${trigger}.dismissedAt is not read by the evaluator: a dismissal suppresses a prompt through its snooze`, `Pass "snoozedUntil" instead, e.g. "snoozedUntil": "2026-12-08" (the dismissal time plus snooze_on_dismiss)`)
      } else {
        known('state field', key, [...STATE_COUNTS, ...STATE_TIMES, 'showing'], `--state ${trigger}`)
      }
    }
    states[trigger] = state
  }
  return states
}

/** An ISO date/time or epoch milliseconds (a number, or digits in a flag's text). */
function toTime(value: unknown, what: string): number {
  const time = typeof value === 'number' ? value : typeof value === 'string' ? (/^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value)) : NaN
  if (!Number.isFinite(time)) fail(`${what} '${String(value)}' is not a date`, 'Use an ISO date like 2026-01-31 or 2026-01-31T09:00:00Z, or epoch milliseconds')
  return time
}
