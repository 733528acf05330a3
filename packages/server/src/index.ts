// @nudgekit/server: the HTTP API as a web-standard handler, its Node adapters, the stores, stats and webhooks.
export { createHandler, type Handler, type HandlerOptions, type Limits } from './handler.ts'
export { serve, nodeMiddleware, ListenError, type ServeOptions, type RunningServer } from './adapters/node.ts'
export type { ConnectionInfo } from './http/env.ts'
export type { ErrorBody, RequestIssue } from './http/errors.ts'
export { createKeyring, generateKeys, type KeysOption, type KeyKind, type Keyring } from './keys.ts'
export { jsonLinesLogger, type Logger } from './logger.ts'
export { RulesLoadError } from './rules-source.ts'
export { sqlite, type SqliteOptions } from './store/sqlite.ts'
export { postgres, type PostgresOptions } from './store/postgres.ts'
export {
  StoreUnavailableError,
  EVENT_TYPES,
  type Store,
  type NudgeEvent,
  type EventType,
  type IngestResult,
  type IngestOptions,
  type RouteEvents,
  type AccountTriggerState,
  type ConversionInput,
  type ConversionResult,
  type Attribution,
  type EligibleCount,
  type WebhookEnqueue,
  type WebhookLease,
  type WebhookLeaseResult,
  type LeasedWebhook,
  type DeadWebhook,
  type UnroutedWebhooks,
  type WebhookCounts,
  type DeadLetter,
  type DeadLetterFilter,
  type WebhookRevival,
} from './store/types.ts'
export { buildForecast, forecastFrom, type Forecast } from './forecast.ts'
export { buildStats, parseStatsQuery } from './stats/build.ts'
export { toCsv } from './stats/csv.ts'
export type { FunnelCounts, StatsRow, StatsResult, DailyPoint, ForecastRow, TriggerAggregate, StatsFilter } from './stats/types.ts'
export {
  createRouter,
  verifySignature,
  signPayload,
  SIGNATURE_HEADER,
  type WebhookRouter,
  type WebhookRouterOptions,
  type WebhookOutbox,
  type WebhookPayload,
} from './webhooks/index.ts'
