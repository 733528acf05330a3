// The chaos suite's checks, in the order the runner runs them, each with the time it may take at most.
import type { Report } from './report.ts'

export interface Check {
  name: string
  /** What the check proves, for `run.ts --list`. */
  title: string
  /** The runner kills the check (and everything it started) after this long. */
  budgetMs: number
  load(): Promise<{ default: (report: Report) => Promise<void> }>
}

export const CHECKS: readonly Check[] = [
  {
    name: 'delivery',
    title: 'SDK → fault proxy → server with reloads and a kill -9: nothing lost, nothing twice',
    budgetMs: 150_000,
    load: () => import('./delivery.ts'),
  },
  {
    name: 'durability',
    title: 'kill -9 during sustained ingest: every 202-acknowledged event survives',
    budgetMs: 45_000,
    load: () => import('./durability.ts'),
  },
  {
    name: 'webhook-crash',
    title: 'kill -9 while webhooks fail or hang: after a restart every one is delivered, once',
    budgetMs: 60_000,
    load: () => import('./webhook-crash.ts'),
  },
  {
    name: 'postgres-outage',
    title: 'PostgreSQL cut off during ingest: 503 + Retry-After, SDK retries, nothing lost',
    budgetMs: 60_000,
    load: () => import('./postgres-outage.ts'),
  },
  {
    name: 'bad-requests',
    title: '10,000 generated requests against every endpoint: no 5xx, still healthy, heap flat',
    budgetMs: 90_000,
    load: () => import('./bad-requests.ts'),
  },
  {
    name: 'bad-rules',
    title: '10,000 random and mutated rules files: loadRules never throws, never over 1 s',
    budgetMs: 90_000,
    load: () => import('./bad-rules.ts'),
  },
  {
    name: 'access',
    title: 'keys, CORS, body and rate limits, SQL injection, dashboard cookie, webhook signatures',
    budgetMs: 45_000,
    load: () => import('./access.ts'),
  },
  {
    name: 'xss',
    title: 'real Chromium: XSS payloads in every copy field inert, unsafe CTA URLs never links',
    budgetMs: 60_000,
    load: () => import('./browser/xss.ts'),
  },
  {
    name: 'csp',
    title: "real Chromium: every widget kind under Content-Security-Policy default-src 'self'",
    budgetMs: 60_000,
    load: () => import('./browser/csp.ts'),
  },
]
