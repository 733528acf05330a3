// Public entry of the webhooks module: routing expansion signals and verifying their signatures.
export { createRouter, DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_LEASE_MS, DEFAULT_RENOTIFY_MS } from './router.ts'
export type { WebhookOutbox, WebhookRouter, WebhookRouterOptions, WebhookLogger, WebhookPayload } from './router.ts'
export { signPayload, verifySignature, SIGNATURE_HEADER, DEFAULT_TOLERANCE_SEC } from './signature.ts'
