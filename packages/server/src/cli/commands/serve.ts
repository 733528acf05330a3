// `nudgekit serve`: run the HTTP API on Node with a rules file, a store and keys, until SIGINT/SIGTERM.
import { resolve } from 'node:path'
import { formatIssues, loadRules, type Route } from '@nudgekit/rules'
import { parseDuration } from '@nudgekit/rules/evaluator'
import { ListenError, serve } from '../../adapters/node.ts'
import { generateKeys, keyProblem, type KeyKind } from '../../keys.ts'
import { jsonLinesLogger } from '../../logger.ts'
import { ORIGIN_FIX, parseOrigin } from '../../middleware/cors/index.ts'
import { createRouter, DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_LEASE_MS } from '../../webhooks/index.ts'
import type { CliIO, Command } from '../command.ts'
import { DATABASE_OPTIONS, migrateOrExplain, openDatabase } from '../database.ts'
import { parseFlags } from '../flags.ts'
import { readRulesFile } from '../rules-file.ts'
import { UsageError } from '../run.ts'

const usage = `Usage: nudgekit serve --rules <file> [options]

Options:
  --rules <file>            Rules file (YAML or JSON); watched, valid edits are served at once
  --db <path>               SQLite file (default ./nudgekit.db)
  --database-url <url>      PostgreSQL URL (default: $NUDGEKIT_DATABASE_URL)
  --port <n>                Default 8787
  --host <address>          Default 127.0.0.1; 0.0.0.0 listens on every interface
  --publishable-key <pk_…>  Default: $NUDGEKIT_PUBLISHABLE_KEY. Repeat the flag or separate keys with commas
                            to accept several (roll a key: add the new one beside the old, then drop the old)
  --secret-key <sk_…>       Default: $NUDGEKIT_SECRET_KEY; several as for --publishable-key
  --cors <origin>           Allow browser calls from this origin, scheme://host[:port] (repeatable; no
                            wildcards: list each origin); default same origin only
  --trust-proxy             Behind one reverse proxy you run (never when clients reach the server directly):
                            rate-limit by the last X-Forwarded-For address, the one your proxy appended, and
                            let the dashboard take its host and https from X-Forwarded-Host/-Proto
  --rate-limit <n>          Requests a second per key and client address (default 20)
  --rate-burst <n>          Requests allowed in a burst (default 100)
  --webhook-timeout <time>  How long a webhook attempt may take before it is retried (default 10s)
  --webhook-lease <time>    How long an instance owns a webhook it attempts; if the instance dies, another
                            takes it over after this (default 60s; longer than --webhook-timeout)

Without keys, a key pair is generated and printed (for local use).`

function readFlags(argv: string[]) {
  const options = {
    rules: { type: 'string' },
    ...DATABASE_OPTIONS,
    port: { type: 'string' },
    host: { type: 'string' },
    'publishable-key': { type: 'string', multiple: true },
    'secret-key': { type: 'string', multiple: true },
    cors: { type: 'string', multiple: true },
    'trust-proxy': { type: 'boolean' },
    'rate-limit': { type: 'string' },
    'rate-burst': { type: 'string' },
    'webhook-timeout': { type: 'string' },
    'webhook-lease': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const
  return parseFlags(argv, options, 'serve', 'start the server', false).values
}

/** A positive number flag, or undefined when not given. */
function positive(flags: ReturnType<typeof readFlags>, name: 'rate-limit' | 'rate-burst'): number | undefined {
  const text = flags[name]
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`Failed to start the server: --${name} '${text}' is not a positive number. Pass e.g. --${name} 50.`)
  }
  return value
}

/** A positive duration flag (`90s`, `2m`) in milliseconds, or undefined when not given. */
function duration(flags: ReturnType<typeof readFlags>, name: 'webhook-timeout' | 'webhook-lease'): number | undefined {
  const text = flags[name]
  if (text === undefined) return undefined
  const ms = parseDuration(text)
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`Failed to start the server: --${name} '${text}' is not a positive duration. Pass e.g. --${name} ${name === 'webhook-lease' ? '90s' : '15s'}.`)
  }
  return ms
}

/** The webhook attempt timeout and lease; the lease must outlast an attempt, or two instances could send one delivery at once. */
function webhookTiming(flags: ReturnType<typeof readFlags>) {
  const timeoutMs = duration(flags, 'webhook-timeout') ?? DEFAULT_ATTEMPT_TIMEOUT_MS
  const leaseMs = duration(flags, 'webhook-lease') ?? DEFAULT_LEASE_MS
  if (leaseMs <= timeoutMs) {
    throw new UsageError(`Failed to start the server: the webhook lease (${leaseMs / 1000}s) is not longer than an attempt may take (--webhook-timeout ${timeoutMs / 1000}s), so another instance could take over a delivery still under way. Pass a longer --webhook-lease or a shorter --webhook-timeout.`)
  }
  return { timeoutMs, leaseMs }
}

/**
 * The keys of one kind from the flag (repeatable) or else the environment variable, each value split at commas
 * and trimmed, so several keys can be live while one is rolled. Empty when neither is given.
 */
function keyList(flags: ReturnType<typeof readFlags>, io: CliIO, kind: KeyKind): string[] {
  const flag = kind === 'publishable' ? '--publishable-key' : '--secret-key'
  const variable = kind === 'publishable' ? 'NUDGEKIT_PUBLISHABLE_KEY' : 'NUDGEKIT_SECRET_KEY'
  const given = flags[kind === 'publishable' ? 'publishable-key' : 'secret-key']
  const [values, source] = given === undefined ? [[io.env[variable] ?? ''], `$${variable}`] : [given, flag]
  const keys = values.flatMap((value) => value.split(',')).map((key) => key.trim()).filter((key) => key !== '')
  keys.forEach((key, index) => {
    const problem = keyProblem(kind, key)
    const which = keys.length > 1 ? ` (key ${index + 1} of ${keys.length})` : ''
    if (problem) throw new UsageError(`Failed to start the server: ${source}${which}: ${problem}. Pass a real key (or neither key, for a generated local pair).`)
  })
  return keys
}

/** The --cors origins, normalised as a browser sends them (see `parseOrigin`). */
function corsOrigins(flags: ReturnType<typeof readFlags>): string[] {
  return (flags.cors ?? []).map((value) => {
    const checked = parseOrigin(value)
    if (!checked.ok) throw new UsageError(`Failed to start the server: --cors ${checked.problem}. ${ORIGIN_FIX}.`)
    return checked.origin
  })
}

function keysFrom(flags: ReturnType<typeof readFlags>, io: CliIO) {
  const publishable = keyList(flags, io, 'publishable')
  const secret = keyList(flags, io, 'secret')
  if (publishable.length > 0 && secret.length > 0) return { keys: { publishable, secret }, generated: false }
  if (publishable.length > 0 || secret.length > 0) {
    throw new UsageError('Failed to start the server: only one key was given. Pass both --publishable-key and --secret-key (or neither, for generated local keys).')
  }
  const pair = generateKeys()
  return { keys: { publishable: [pair.publishable], secret: [pair.secret] }, generated: true }
}

/** A running `nudgekit serve`: where it listens, and how to stop it (server, webhooks, store). */
export interface StartedServer {
  url: string
  /** Every key accepted, of each kind (one each when generated). */
  keys: { publishable: string[]; secret: string[] }
  stop(): Promise<void>
}

/**
 * Starts what `nudgekit serve` runs, or returns undefined after printing help. Throws `UsageError` with a
 * one-line reason (or the formatted rules issues) when it cannot start.
 * @example const started = await startServer(['--rules', 'nudgekit.yaml', '--port', '0'], io)
 */
export async function startServer(argv: string[], io: CliIO): Promise<StartedServer | undefined> {
  const flags = readFlags(argv)
  if (flags.help) {
    io.out(usage)
    return undefined
  }
  if (!flags.rules) throw new UsageError("Failed to start the server: no rules file. Pass --rules <file>, e.g. --rules nudgekit.yaml.")
  const port = flags.port === undefined ? 8787 : Number(flags.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`Failed to start the server: --port '${flags.port}' is not a port number. Pass 0–65535.`)
  }
  const perSecond = positive(flags, 'rate-limit')
  const burst = positive(flags, 'rate-burst')
  const { timeoutMs, leaseMs } = webhookTiming(flags)
  const cors = corsOrigins(flags)
  const rulesPath = resolve(io.cwd, flags.rules)
  const text = await readRulesFile(flags.rules, io, 'start the server')
  const loaded = loadRules(text, { filename: flags.rules })
  if (!loaded.ok) {
    throw new UsageError(`Failed to start the server: the rules file has problems.\n${formatIssues(loaded.issues)}`)
  }
  const { keys, generated } = keysFrom(flags, io)
  const opened = await openDatabase(flags, io, 'start the server')
  await migrateOrExplain(opened, 'start the server')
  const { store, label } = opened

  const logger = jsonLinesLogger((line) => io.out(line))
  const webhooks = (routes: readonly Route[]) =>
    createRouter({ routes, store, logger, env: io.env, delivery: { timeoutMs }, leaseMs })
  let server
  try {
    server = await serve({
      port,
      host: flags.host ?? '127.0.0.1',
      rules: rulesPath,
      store,
      keys,
      cors,
      limits: {
        trustProxy: flags['trust-proxy'] ?? false,
        ...(perSecond === undefined ? {} : { perSecond }),
        ...(burst === undefined ? {} : { burst }),
      },
      logger,
      webhooks,
    })
  } catch (error) {
    await store.close()
    if (error instanceof ListenError) throw new UsageError(error.message)
    throw error
  }
  io.err(`[nudgekit] Serving ${flags.rules} (rules ${loaded.compiled.hash.slice(0, 8)}) on ${server.url} with ${label}`)
  io.err(`[nudgekit] Dashboard: ${server.url}/dashboard (sign in with the secret key)`)
  if (generated) {
    io.err(`[nudgekit] Generated keys for local use (pass --publishable-key/--secret-key or set NUDGEKIT_PUBLISHABLE_KEY/NUDGEKIT_SECRET_KEY to keep them):\n  publishable: ${keys.publishable[0]}\n  secret:      ${keys.secret[0]}`)
  }

  return {
    url: server.url,
    keys,
    async stop() {
      await server.close()
      await store.close()
    },
  }
}

const serveCommand: Command = async (argv, io) => {
  const started = await startServer(argv, io)
  if (!started) return 0
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolveStop()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await started.stop()
  io.err('[nudgekit] Stopped.')
  return 0
}

export default serveCommand
