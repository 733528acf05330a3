// Command dispatch, help text and the user-error boundary (no stack traces for user mistakes).
import { readFile } from 'node:fs/promises'
import { suggest } from '@nudgekit/rules'
import type { CliIO, Command } from './command.ts'

const commands: Record<string, () => Promise<{ default: Command }>> = {
  validate: () => import('./commands/validate.ts'),
  simulate: () => import('./commands/simulate.ts'),
  schema: () => import('./commands/schema.ts'),
  serve: () => import('./commands/serve.ts'),
  migrate: () => import('./commands/migrate.ts'),
  stats: () => import('./commands/stats.ts'),
  webhooks: () => import('./commands/webhooks.ts'),
}

const usage = `Usage: nudgekit <command> [options]

Commands:
  validate <file>     Check a rules file; prints every problem with file:line:column
  simulate <file>     Show which triggers fire for an account, and why others do not
  schema              Print the JSON Schema of the rules file (for editor autocomplete)
  serve               Run the nudgekit server (rules, events, stats, dashboard)
  migrate             Apply database migrations
  stats               Print acceptance by trigger (table, CSV or JSON)
  webhooks            List webhook dead letters; send them again or delete them

Run 'nudgekit <command> --help' for a command's options.`

const defaultIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  env: process.env,
  cwd: invocationDir(),
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const [name, ...rest] = argv
  // Asked for help: usage on stdout, exit 0. No command at all is a mistake: usage on stderr, exit 1.
  if (!name) {
    io.err(usage)
    return 1
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.out(usage)
    return 0
  }
  if (name === 'help') return run([rest[0]!, '--help'], io)
  if (name === '--version' || name === '-v') {
    io.out(await ownVersion())
    return 0
  }
  const load = commands[name]
  if (!load) {
    const match = suggest(name, Object.keys(commands))
    io.err(`[nudgekit] Failed to run '${name}': no such command. ${match ? `Did you mean 'nudgekit ${match}'?` : "Run 'nudgekit --help' for the commands."}`)
    return 1
  }
  const command = (await load()).default
  try {
    return await command(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`[nudgekit] ${error.message}`)
      return 1
    }
    throw error
  }
}

/** A mistake in how the command was called: printed as one line, exit code 1, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The version of @nudgekit/server, found by walking up from this file (works from src/ and from dist/). */
async function ownVersion(): Promise<string> {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const manifest = JSON.parse(await readFile(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string }
      if (manifest.name === '@nudgekit/server' && manifest.version) return manifest.version
    } catch {
      // no package.json at this level: keep walking up
    }
  }
  return 'unknown'
}

/**
 * Where the user typed the command. `pnpm nudgekit …` (the workspace's root script) runs at the workspace
 * root, and pnpm records the user's directory in INIT_CWD; anywhere else the process's own cwd is right.
 */
function invocationDir(): string {
  const viaRootScript = process.env.npm_lifecycle_event === 'nudgekit' && process.env.INIT_CWD
  return viaRootScript ? process.env.INIT_CWD! : process.cwd()
}
