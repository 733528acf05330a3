// What every route needs, built once by createHandler.
import type { Keyring } from '../keys.ts'
import type { Logger } from '../logger.ts'
import type { RulesSource } from '../rules-source.ts'
import type { Store } from '../store/types.ts'
import type { WebhookRouter } from '../webhooks/index.ts'

export interface RouteDeps {
  store: Store
  rules: RulesSource
  keyring: Keyring
  logger: Logger
  /** The router in service (it changes when an edit of the rules file changes the routes). */
  webhooks: () => WebhookRouter | undefined
  now: () => number
  limits: { maxEventsPerBatch: number; maxEventBytes: number }
}
