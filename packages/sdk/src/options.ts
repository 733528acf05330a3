// Checks what `createNudge`, `identify` and `setAccount` receive, so mistakes surface as one clear message.
import type { NudgeIssue } from './errors.ts'
import { isCompiledRules } from './rules-source.ts'
import type { AccountInput, NudgeOptions, UserInput } from './types.ts'

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

const issue = (path: string, message: string, hint: string): NudgeIssue => ({
  code: 'invalid_option',
  path,
  message: path + message,
  hint,
})

/** The first problem with an account or user (`kind` names it in hints), or `undefined`. */
export function identityIssue(value: AccountInput | UserInput | undefined, path: string, kind: 'account' | 'user'): NudgeIssue | undefined {
  if (typeof value !== 'object' || !value) return issue(path, ' is missing', `Pass the signed-in ${kind}: { id, ${kind === 'user' ? 'role' : 'plan'} }`)
  if (!isText(value.id)) return issue(path + '.id', ' must be a non-empty string', `Pass the ${kind}'s id`)
  if (kind === 'account' && !isText((value as AccountInput).plan)) {
    return issue(path + '.plan', ' must be a non-empty string', "Pass the account's plan id from the rules")
  }
  return undefined
}

/** The first problem with `createNudge` options, or `undefined`. */
export function optionsIssue(options: NudgeOptions): NudgeIssue | undefined {
  const { endpoint, key, rules } = options ?? {}
  if (!isText(endpoint)) return issue('options.endpoint', ' is missing', 'Pass the base URL of your nudgekit server, e.g. https://app.example.com/nudgekit')
  if (!isText(key)) return issue('options.key', ' is missing', 'Pass your publishable key (pk_…)')
  if (key.startsWith('sk_')) return issue('options.key', ' is a secret key', 'Pass the publishable key (pk_…); sk_ keys must never reach a browser')
  if (rules && !isCompiledRules(rules)) return issue('options.rules', ' are not compiled rules', 'Pass what GET /v1/rules returns, or leave rules out')
  return identityIssue(options.account, 'options.account', 'account') ?? identityIssue(options.user, 'options.user', 'user')
}
