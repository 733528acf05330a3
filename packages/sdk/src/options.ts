// Checks what `createNudge`, `identify` and `setAccount` receive, so mistakes surface as one clear message.
import type { NudgeIssue } from './errors.ts'
import { isCompiledRules } from './rules-source.ts'
import type { AccountInput, NudgeOptions, UserInput } from './types.ts'

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

const issue = (path: string, message: string, hint: string): NudgeIssue => ({
  code: 'invalid_option',
  path,
  message: `${path} ${message}`,
  hint,
})

/** The first problem with an account, or `undefined`. */
export function accountIssue(account: AccountInput | undefined, path: string): NudgeIssue | undefined {
  if (!account || typeof account !== 'object') return issue(path, 'is missing', 'Pass { id, plan } of the signed-in account')
  if (!isText(account.id)) return issue(path + '.id', 'must be a non-empty string', "Pass the account's id")
  if (!isText(account.plan)) return issue(path + '.plan', 'must be a non-empty string', "Pass the account's plan id from the rules")
  if (account.addons !== undefined && !Array.isArray(account.addons)) {
    return issue(path + '.addons', 'must be an array of add-on ids', 'Pass [] when the account has none')
  }
  return undefined
}

/** The first problem with a user, or `undefined`. */
export function userIssue(user: UserInput | undefined, path: string): NudgeIssue | undefined {
  if (!user || typeof user !== 'object') return issue(path, 'is missing', 'Pass { id, role } of the signed-in user')
  if (!isText(user.id)) return issue(path + '.id', 'must be a non-empty string', "Pass the user's id")
  if (user.role !== undefined && typeof user.role !== 'string') {
    return issue(path + '.role', 'must be a string', 'Pass a role such as owner, admin or member')
  }
  return undefined
}

/** The first problem with `createNudge` options, or `undefined`. */
export function optionsIssue(options: NudgeOptions | undefined): NudgeIssue | undefined {
  if (!options || typeof options !== 'object') return issue('options', 'are missing', 'Call createNudge({ endpoint, key, account, user })')
  if (!isText(options.endpoint)) {
    return issue('options.endpoint', 'is missing', 'Pass the base URL of your nudgekit server, e.g. https://app.example.com/nudgekit')
  }
  if (!isText(options.key)) return issue('options.key', 'is missing', 'Pass your publishable key (pk_…)')
  if (options.key.startsWith('sk_')) {
    return issue('options.key', 'is a secret key', 'Never ship sk_ keys to browsers; pass the publishable key (pk_…)')
  }
  if (options.rules !== undefined && !isCompiledRules(options.rules)) {
    return issue('options.rules', 'are not compiled rules', 'Pass the JSON that GET /v1/rules returns, or leave rules out')
  }
  return accountIssue(options.account, 'options.account') ?? userIssue(options.user, 'options.user')
}
