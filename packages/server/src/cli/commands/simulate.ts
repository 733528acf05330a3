// `nudgekit simulate <file>`: which triggers would fire for an account, with the rendered copy, and why the others do not.
import { explainDecision, formatIssues, loadRules, type CompiledRules, type Decisions, type Prompt, type TriggerDecision } from '@nudgekit/rules'
import { createEvaluator } from '@nudgekit/rules/evaluator'
import type { Command } from '../command.ts'
import { parseFlags } from '../flags.ts'
import { readRulesFile, useColor } from '../rules-file.ts'
import { UsageError } from '../run.ts'
import { readSimulateInput, type SimulateInput } from '../simulate-input.ts'

const help = `Usage: nudgekit simulate <file> --account <json|file> [options]

Evaluates a rules file for one account and prints which triggers would show a prompt (with the copy
as it would render), which are held out or suppressed and why, and which do not match.

Options:
  --account <json|file>   The account: {"id","plan","addons","createdAt","renewsAt","traits"} (required)
  --user <json|file>      The user: {"id","role"}; no role counts as a buyer
  --usage <metric=value>  Current usage of a metric (repeatable), e.g. --usage contacts=45
  --gate <feature[=n]>    Hits on a gated feature, now (repeatable), e.g. --gate segmentation
  --event <name=n>        Tracked events, now (repeatable), e.g. --event report_viewed=5
  --state <json|file>     Exposure state per trigger, e.g. '{"contacts-80":{"impressions":5}}'
  --now <time>            The time to evaluate at: an ISO date/time or epoch ms (default: now)
  --format <format>       text (default) or json
  --color, --no-color     Colour the rules' warnings and errors (default: when stderr is a terminal)
  -h, --help              Show this help

Example:
  nudgekit simulate acme.yaml --account '{"id":"a1","plan":"free","createdAt":"2026-01-01"}' --usage contacts=45`

const OPTIONS = {
  account: { type: 'string' },
  user: { type: 'string' },
  usage: { type: 'string', multiple: true },
  gate: { type: 'string', multiple: true },
  event: { type: 'string', multiple: true },
  state: { type: 'string' },
  now: { type: 'string' },
  format: { type: 'string' },
  color: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const simulate: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(argv, OPTIONS, 'simulate')
  if (values.help) {
    io.out(help)
    return 0
  }
  const format = values.format ?? 'text'
  if (format !== 'text' && format !== 'json') throw new UsageError(`Failed to simulate: unknown format '${format}'. Use --format text or json.`)
  if (positionals.length !== 1) {
    throw new UsageError(`Failed to simulate: ${positionals.length === 0 ? 'no rules file given' : 'more than one file given'}. Run 'nudgekit simulate <file> --account <json>'.`)
  }
  const file = positionals[0]!
  const loaded = loadRules(await readRulesFile(file, io, 'simulate'), { filename: file })
  if (!loaded.ok) {
    io.err(formatIssues(loaded.issues, { color: useColor(values.color, io, process.stderr) }))
    io.err(`[nudgekit] Failed to simulate: ${file} has errors. Fix them (see 'nudgekit validate ${file}') and run it again.`)
    return 1
  }
  if (loaded.warnings.length > 0) io.err(formatIssues(loaded.warnings, { color: useColor(values.color, io, process.stderr) }))
  const rules = loaded.compiled
  const input = readSimulateInput(values, rules, io)
  const evaluator = createEvaluator(rules)
  const result = evaluator.decide(input.ctx, evaluator.match(input.ctx), (id) => input.states[id])
  const explain = (decision: TriggerDecision) => explainDecision(rules, decision, input.ctx, input.states[decision.trigger])
  for (const note of input.notes) io.err(`[nudgekit] Note: ${note}.`)
  if (format === 'json') {
    io.out(JSON.stringify(toJson(file, input, result, explain), null, 2))
    return 0
  }
  io.out(toText(file, rules, input, result, explain))
  return 0
}

function toJson(file: string, input: SimulateInput, result: Decisions, explain: (decision: TriggerDecision) => string) {
  return {
    file,
    now: new Date(input.ctx.now).toISOString(),
    account: input.ctx.account,
    user: input.ctx.user,
    decisions: result.decisions.map((decision) => ({ ...decision, explanation: explain(decision) })),
    prompts: result.prompts,
    inline: result.inline,
  }
}

function toText(file: string, rules: CompiledRules, input: SimulateInput, result: Decisions, explain: (decision: TriggerDecision) => string): string {
  const { account, user } = input.ctx
  const plan = rules.plans.find((candidate) => candidate.id === account.plan)
  const role = user.role === undefined ? 'no role, a buyer' : `${user.role}, ${rules.defaults.buyerRoles.includes(user.role) ? 'a buyer' : 'not a buyer'}`
  const lines = [`${file}: account ${account.id} on ${plan?.name ?? account.plan}, user ${user.id} (${role}), at ${new Date(input.ctx.now).toISOString()}`]
  const groups: [string, TriggerDecision[]][] = [
    ['Would show', result.decisions.filter((d) => d.status === 'show')],
    ['Held out', result.decisions.filter((d) => d.status === 'holdout')],
    ['Suppressed', result.decisions.filter((d) => d.status === 'suppressed')],
  ]
  for (const [title, decisions] of groups) {
    if (decisions.length === 0) continue
    lines.push('', `${title}:`)
    const width = Math.max(...decisions.map((d) => d.trigger.length))
    for (const decision of decisions) {
      const variant = decision.variant && decision.variant !== 'default' ? ` [variant ${decision.variant}]` : ''
      if (decision.status === 'show' && decision.prompt) lines.push(...promptLines(decision.trigger.padEnd(width), variant, decision.prompt))
      else lines.push(`  ${decision.trigger.padEnd(width)}  ${explain(decision)}${variant}`)
    }
  }
  const unmatched = result.decisions.filter((d) => d.status === 'not_matched').map((d) => d.trigger)
  if (unmatched.length > 0) lines.push('', `Not matched (condition false): ${unmatched.join(', ')}`)
  if (result.decisions.length === 0) lines.push('', 'The rules have no enabled triggers.')
  else if (!result.decisions.some((d) => d.status === 'show')) lines.push('', 'No prompt would show.')
  return lines.join('\n')
}

function promptLines(trigger: string, variant: string, prompt: Prompt): string[] {
  const where = prompt.placement === 'inline' && prompt.feature ? `inline at gate '${prompt.feature}'` : prompt.placement
  const audience = prompt.audience === 'non_buyer' ? ', non-buyer copy' : ''
  const target = prompt.target ? `, target ${prompt.target.kind} '${prompt.target.id}'` : ''
  const indent = ' '.repeat(trigger.length + 4)
  const lines = [`  ${trigger}  ${where}${variant}${audience}${target}`, `${indent}title: ${prompt.title}`]
  if (prompt.body) lines.push(`${indent}body:  ${prompt.body}`)
  lines.push(`${indent}cta:   ${prompt.cta.label}${prompt.cta.url ? ` → ${prompt.cta.url}` : ' (records an upgrade request)'}`)
  if (prompt.dismissLabel) lines.push(`${indent}dismiss: ${prompt.dismissLabel}`)
  return lines
}

export default simulate
