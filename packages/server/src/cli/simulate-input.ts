// `nudgekit simulate` inputs: account, user, usage, gate hits, events and exposure state from flags, checked
// against the rules so a typo is a clear error rather than a trigger that silently does not match.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { suggest, type CompiledRules, type EvalAccount, type EvalContext, type EvalUser, type TriggerState } from '@nudgekit/rules'
import type { CliIO } from './command.ts'
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
  throw new UsageError(`Failed to simulate: ${reason}. ${fix}.`)
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
      fail(`${flag} '${value}' is neither JSON nor a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, `Pass a JSON object or the path of a .json file`)
    }
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    return fail(`${flag} is not valid JSON (${(error as Error).message.split(', "')[0]})`, `Quote it for the shell, e.g. ${flag} '{"id":"a1"}'`)
  }
}

function record(value: unknown, flag: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${flag} must be a JSON object`, `Pass e.g. ${flag} '{"id":"a1"}'`)
  return value as Record<string, unknown>
}

function known(kind: string, name: string, names: string[], flag: string): void {
  if (names.includes(name)) return
  const match = suggest(name, names)
  fail(`${flag} names unknown ${kind} '${name}'${match ? ` — did you mean '${match}'?` : ''}`, names.length ? `The rules have: ${names.join(', ')}` : `The rules declare no ${kind}s`)
}

function readAccount(value: unknown, rules: CompiledRules): EvalAccount {
  const raw = record(value, '--account')
  const plans = rules.plans.map((plan) => plan.id)
  if (typeof raw.plan !== 'string') fail('--account has no "plan"', `Add one of ${plans.join(', ')}`)
  known('plan', raw.plan as string, plans, '--account plan')
  const addons = raw.addons === undefined ? [] : raw.addons
  if (!Array.isArray(addons) || addons.some((addon) => typeof addon !== 'string')) fail('--account "addons" must be a list of add-on ids', 'Pass e.g. "addons": ["analytics"]')
  for (const addon of addons as string[]) known('add-on', addon, rules.addons.map((a) => a.id), '--account addons')
  if (raw.traits !== undefined) record(raw.traits, '--account traits')
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
  const raw = record(value, '--user')
  if (raw.role !== undefined && typeof raw.role !== 'string') fail('--user "role" must be text', 'Pass e.g. --user \'{"id":"u1","role":"member"}\'')
  return { id: raw.id === undefined ? 'simulated-user' : String(raw.id), ...(raw.role === undefined ? {} : { role: raw.role as string }) }
}

function pair(text: string, flag: string, example: string): [string, number] {
  const match = /^([^=]+)=(.+)$/.exec(text)
  const value = match ? Number(match[2]) : NaN
  if (!match || !Number.isFinite(value)) fail(`${flag} '${text}' is not name=number`, `Write it like ${flag} ${example}`)
  return [match![1]!.trim(), value]
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
const STATE_TIMES = ['lastShownAt', 'snoozedUntil', 'dismissedAt', 'acceptedAt'] as const

function readStates(value: unknown, rules: CompiledRules): Record<string, TriggerState> {
  const raw = record(value, '--state')
  const states: Record<string, TriggerState> = {}
  for (const [trigger, entry] of Object.entries(raw)) {
    known('trigger', trigger, rules.triggers.map((t) => t.id), '--state')
    const fields = record(entry, `--state ${trigger}`)
    const state: TriggerState = { impressions: 0, sessionImpressions: 0, dayImpressions: 0 }
    for (const [key, field] of Object.entries(fields)) {
      if ((STATE_COUNTS as readonly string[]).includes(key)) {
        if (!Number.isInteger(field) || (field as number) < 0) fail(`--state ${trigger}.${key} must be a whole number`, `Write e.g. "${key}": 2`)
        state[key as (typeof STATE_COUNTS)[number]] = field as number
      } else if ((STATE_TIMES as readonly string[]).includes(key)) {
        state[key as (typeof STATE_TIMES)[number]] = toTime(field, `--state ${trigger}.${key}`)
      } else if (key === 'showing') {
        state.showing = field === true
      } else {
        known('state field', key, [...STATE_COUNTS, ...STATE_TIMES, 'showing'], `--state ${trigger}`)
      }
    }
    states[trigger] = state
  }
  return states
}

/** An ISO date/time or epoch milliseconds. */
function toTime(value: unknown, what: string): number {
  const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN
  if (!Number.isFinite(time)) fail(`${what} '${String(value)}' is not a date`, 'Use an ISO date like 2026-01-31 or 2026-01-31T09:00:00Z, or epoch milliseconds')
  return time
}
