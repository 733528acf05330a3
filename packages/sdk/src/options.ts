// Checks what `createNudge`, `identify` and `setAccount` receive, so mistakes surface as one clear message.
import { DEV, type NudgeIssue } from './errors.ts'
import { isCompiledRules } from './server.ts'
import type { AccountInput, NudgeOptions, UserInput } from './types.ts'

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

const invalid = (path: string, message: string, hint: string): NudgeIssue => ({ code: 'invalid_option', path, message, hint })

/** The first problem with an account or user (`kind` names it in hints), or `undefined`. */
export function identityIssue(value: AccountInput | UserInput | undefined, path: string, kind: 'account' | 'user'): NudgeIssue | undefined {
  const field = !value || typeof value !== 'object' ? '' : !isText(value.id) ? '.id' : kind === 'account' && !isText((value as AccountInput).plan) ? '.plan' : undefined
  return field === undefined
    ? undefined
    : invalid(path + field, field ? 'must be a non-empty string' : 'is missing', DEV ? `Pass the signed-in ${kind}: { id, ${kind === 'user' ? 'role' : 'plan'} }` : '')
}

/** The first problem with `createNudge` options, or `undefined`. */
export function optionsIssue(options: NudgeOptions): NudgeIssue | undefined {
  const { endpoint, key, rules } = options ?? {}
  const keyHint = DEV ? 'Pass your publishable key (pk_…); secret sk_ keys must never reach a browser' : ''
  if (!isText(endpoint)) return invalid('options.endpoint', 'is missing', DEV ? 'Pass the base URL of your nudgekit server, e.g. https://app.example.com/nudgekit' : '')
  if (!isText(key)) return invalid('options.key', 'is missing', keyHint)
  if (key.startsWith('sk_')) return invalid('options.key', 'is a secret key', keyHint)
  if (rules && !isCompiledRules(rules)) return invalid('options.rules', 'are not compiled rules', DEV ? 'Pass what GET /v1/rules returns, or leave rules out' : '')
  return identityIssue(options.account, 'options.account', 'account') ?? identityIssue(options.user, 'options.user', 'user')
}
