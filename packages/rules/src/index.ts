// @nudgekit/rules: the rules file (schema, parsing, validation, JSON Schema, compiler) plus the evaluator entry.
export * from './evaluator/index.ts'
export { explainDecision } from './evaluator/explain.ts'
export {
  rulesSchema,
  conditionSchema,
  CONDITION_KINDS,
  TRAIT_OPERATORS,
  type Rules,
  type Condition as RulesCondition,
  type Metric,
  type Feature,
  type Plan,
  type Addon,
  type Trigger,
  type TriggerPrompt,
  type TriggerFrequency,
  type Route,
} from './schema.ts'
export { loadRules, loadRulesOrThrow, type LoadResult } from './load.ts'
export { parseRulesText, MAX_RULES_BYTES, type ParsedRules, type ParseOptions, type SourcePosition } from './parse.ts'
export { validateRules, type ValidateOptions } from './validate.ts'
export { compile, hashPayload, DEFAULT_BUYER_ROLES, DEFAULT_NON_BUYER_CTA, DEFAULT_ATTRIBUTION_WINDOW } from './compile.ts'
export { formatIssues, summarizeIssues, RulesError, type RulesIssue, type RulesIssueCode } from './issues.ts'
export { rulesJsonSchema, formatJsonSchema } from './json-schema.ts'
export { suggest } from './suggest.ts'
export { TARGET_KEYWORDS } from './check-triggers.ts'
