// `nudgekit webhooks`: the webhook outbox for operators: counts and dead letters; send dead letters again, or delete them.
import { parseDay } from '../../stats/days.ts'
import type { DeadLetter, WebhookCounts } from '../../store/types.ts'
import type { Command } from '../command.ts'
import { DATABASE_OPTIONS, withDatabase } from '../database.ts'
import { parseFlags } from '../flags.ts'
import { UsageError } from '../run.ts'
import { alignedTable, type Column } from '../table.ts'

const help = `Usage: nudgekit webhooks [--db <path> | --database-url <url>] [options]

Without an action, prints how many webhook deliveries are pending (and leased by a server now) and
the dead letters, newest first. Dead letters are deliveries a server gave up on; once the receiver
is fixed, send them again, or delete them.

Options:
  --db <path>              SQLite database file written by 'nudgekit serve' (default ./nudgekit.db)
  --database-url <url>     PostgreSQL connection URL (default: $NUDGEKIT_DATABASE_URL)
  --limit <n>              Dead letters to list (default 50)
  --route <id>             Only the dead letters of this route (listed, retried or purged)
  --retry <delivery id>    Send this dead letter again
  --retry-dead             Send every dead letter again (of --route, when given)
  --purge-dead             Delete dead letters (of --route, when given)
  --before <YYYY-MM-DD>    With --purge-dead: only those that died before this UTC day
  --format <format>        table (default) or json
  -h, --help               Show this help

A dead letter sent again is due at once: a running server sends it at its next poll, with the same
delivery id, and up to 6 attempts again, if its route is still in the rules it serves; a dead letter
of a route no longer in the rules is dead-lettered again until the route is restored. It takes back the claim on its account and trigger like a
new notification, so it is skipped when a later notification about them has been sent (or is on its
way) since, and of several dead letters of one account and trigger only the newest is sent.`

const OPTIONS = {
  ...DATABASE_OPTIONS,
  limit: { type: 'string' },
  route: { type: 'string' },
  retry: { type: 'string' },
  'retry-dead': { type: 'boolean' },
  'purge-dead': { type: 'boolean' },
  before: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

type Values = ReturnType<typeof parseFlags<typeof OPTIONS>>['values']
type Mode = 'list' | 'retry' | 'retry-dead' | 'purge-dead'

/** The flags besides the database's that each mode takes. */
const MODE_FLAGS: Record<Mode, ReadonlyArray<keyof Values>> = {
  list: ['limit', 'route', 'format'],
  retry: ['retry', 'format'],
  'retry-dead': ['retry-dead', 'route', 'format'],
  'purge-dead': ['purge-dead', 'route', 'before', 'format'],
}

/** What each mode does, for messages (`Failed to <action>: …`). */
const ACTIONS: Record<Exclude<Mode, 'retry'>, string> = {
  list: 'list webhooks',
  'retry-dead': 'retry dead letters',
  'purge-dead': 'purge dead letters',
}

const DEFAULT_LIMIT = 50

const webhooks: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(argv, OPTIONS, 'webhooks', 'read the webhook outbox')
  if (values.help) {
    io.out(help)
    return 0
  }
  const mode = modeOf(values)
  const action = mode === 'retry' ? `retry ${values.retry}` : ACTIONS[mode]
  if (positionals.length > 0) {
    throw new UsageError(`Failed to ${action}: unexpected argument '${positionals[0]}'. Pass a delivery id as --retry <id>.`)
  }
  const unused = (Object.keys(values) as Array<keyof Values>).filter((name) => !['db', 'database-url', ...MODE_FLAGS[mode]].includes(name))
  if (unused.length > 0) {
    throw new UsageError(`Failed to ${action}: --${unused[0]} does not apply here. Run 'nudgekit webhooks --help' for which options go together.`)
  }
  const format = values.format ?? 'table'
  if (format !== 'table' && format !== 'json') {
    throw new UsageError(`Failed to ${action}: unknown format '${format}'. Use --format table or json.`)
  }
  const json = format === 'json'

  if (mode === 'list') {
    const limit = readLimit(values.limit, action)
    const { counts, deadLetters } = await withDatabase(values, io, action, async (store) => ({
      counts: await store.webhookCounts(Date.now()),
      deadLetters: await store.listDeadWebhooks({ limit: limit + 1, ...routeOf(values) }),
    }))
    const truncated = deadLetters.length > limit
    const listed = deadLetters.slice(0, limit)
    if (json) io.out(JSON.stringify({ counts, dead_letters: listed.map(deadLetterJson), truncated }, null, 2))
    else io.out(renderList(counts, listed, truncated, values.route))
    return 0
  }

  if (mode === 'purge-dead') {
    const before = readBefore(values.before, action)
    const purged = await withDatabase(values, io, action, (store) => store.purgeDeadWebhooks({ ...routeOf(values), ...before }))
    const from = values.route === undefined ? '' : ` of route ${values.route}`
    const older = values.before === undefined ? '' : ` that died before ${values.before}`
    io.out(json ? JSON.stringify({ purged }) : `Deleted ${plural(purged, 'dead letter')}${from}${older}.`)
    return 0
  }

  const filter = mode === 'retry' ? { id: values.retry! } : routeOf(values)
  const revival = await withDatabase(values, io, action, (store) => store.reviveWebhooks({ ...filter, now: Date.now() }))
  if (mode === 'retry' && revival.revived.length === 0) {
    const reason = revival.superseded.length === 0
      ? `no dead letter has this id. Run 'nudgekit webhooks' to list them`
      : `a later notification about its account and trigger has been sent (or is on its way) since, so it would repeat that one. It stays a dead letter; 'nudgekit webhooks --purge-dead' deletes dead letters`
    throw new UsageError(`Failed to ${action}: ${reason}.`)
  }
  if (json) io.out(JSON.stringify(revival, null, 2))
  else io.out(renderRevival(revival.revived.length, revival.superseded.length))
  return 0
}

export default webhooks

function modeOf(values: Values): Mode {
  const modes = (['retry', 'retry-dead', 'purge-dead'] as const).filter((name) => values[name] !== undefined && values[name] !== false)
  if (modes.length > 1) {
    throw new UsageError(`Failed to read the webhook outbox: --${modes[0]} and --${modes[1]} were both given. Pass one of --retry, --retry-dead and --purge-dead.`)
  }
  return modes[0] ?? 'list'
}

function routeOf(values: Values): { route?: string } {
  return values.route === undefined ? {} : { route: values.route }
}

function readLimit(text: string | undefined, action: string): number {
  if (text === undefined) return DEFAULT_LIMIT
  const limit = Number(text)
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new UsageError(`Failed to ${action}: --limit '${text}' is not a positive whole number. Pass e.g. --limit 200.`)
  }
  return limit
}

/** `--before` as the start of its UTC day: dead letters that died before it are purged. */
function readBefore(text: string | undefined, action: string): { before?: number } {
  if (text === undefined) return {}
  const before = parseDay(text)
  if (before === undefined) {
    throw new UsageError(`Failed to ${action}: --before '${text}' is not a calendar date in the form YYYY-MM-DD. Use a UTC day such as 2026-01-31.`)
  }
  return { before }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function deadLetterJson(dead: DeadLetter) {
  return {
    id: dead.id, route: dead.route, account: dead.account, trigger: dead.trigger, attempts: dead.attempts,
    last_error: dead.lastError, dead_at: iso(dead.deadAt),
  }
}

const COLUMNS: Array<Column<DeadLetter>> = [
  { header: 'id', cell: (dead) => dead.id, left: true },
  { header: 'route', cell: (dead) => dead.route, left: true },
  { header: 'account', cell: (dead) => dead.account, left: true },
  { header: 'trigger', cell: (dead) => dead.trigger, left: true },
  { header: 'attempts', cell: (dead) => String(dead.attempts) },
  { header: 'dead_at', cell: (dead) => iso(dead.deadAt), left: true },
  { header: 'last_error', cell: (dead) => dead.lastError ?? '–', left: true },
]

function renderList(counts: WebhookCounts, listed: DeadLetter[], truncated: boolean, route: string | undefined): string {
  const summary = `Webhook outbox: ${counts.pending} pending (${counts.leased} leased now), ${plural(counts.dead, 'dead letter')}`
  const of = route === undefined ? '' : ` of route ${route}`
  if (listed.length === 0) return `${summary}\n\nNo dead letters${of}.`
  const newest = listed.length === 1 ? 'newest dead letter is' : `newest ${listed.length} are`
  const more = truncated ? [``, `Only the ${newest} listed; pass a larger --limit to see more.`] : []
  const next = `Send them again with --retry <id> or --retry-dead, once the receiver is fixed; delete them with --purge-dead.`
  return [summary, '', `Dead letters${of}, newest first:`, ...alignedTable(COLUMNS, listed), ...more, '', next].join('\n')
}

function renderRevival(revived: number, superseded: number): string {
  // The command does not read the rules, so it cannot tell whether a route is still served: say both outcomes.
  const [it, its] = revived === 1 ? ['it', 'its route is'] : ['them', 'their routes are']
  const lines = [revived === 0
    ? 'No dead letter to send again.'
    : `${plural(revived, 'dead letter')} due again now: a running server sends ${it} at its next poll if ${its} still in the rules; otherwise ${revived === 1 ? 'it is' : 'they are'} dead-lettered again until the route is restored.`]
  if (superseded > 0) {
    lines.push(`Left ${plural(superseded, 'dead letter')} as ${superseded === 1 ? 'it was' : 'they were'}: a later notification about the same account and trigger has been sent (or is on its way) since.`)
  }
  return lines.join('\n')
}
