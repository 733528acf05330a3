// The rules being served: loaded once from an object, or from a file that is watched and hot-reloaded.
import { readFileSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { formatIssues, loadRules, type Route } from '@nudgekit/rules'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { Logger } from './logger.ts'

export interface RulesSource {
  /** The last good compiled rules. */
  current(): CompiledRules
  /** The webhook `routes` of the last good rules file (none for compiled rules, which carry no routes). */
  routes(): readonly Route[]
  /** Calls `listener` after each valid edit has been put in service. */
  onReload(listener: () => void): void
  /** Stops watching the file. */
  close(): void
}

/** A rules file that could not be read or has errors; `message` holds the formatted issues. */
export class RulesLoadError extends Error {
  override name = 'RulesLoadError'
}

/**
 * Loads the rules and, for a path, watches the file: a valid edit is served at once (new hash, so a new
 * ETag); an invalid edit is logged with its formatted issues and the last good rules stay in service.
 * Throws `RulesLoadError` when the file is unreadable or invalid at start.
 * @example const source = createRulesSource('./nudgekit.yaml', logger); source.current().hash
 */
export function createRulesSource(rules: string | CompiledRules, logger: Logger, debounceMs = 30): RulesSource {
  if (typeof rules !== 'string') return { current: () => rules, routes: () => [], onReload: () => {}, close: () => {} }

  const path = resolve(rules)
  const read = (): { text: string } | { error: string } => {
    try {
      return { text: readFileSync(path, 'utf8') }
    } catch (error) {
      return { error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }
    }
  }
  const compile = (text: string) => loadRules(text, { filename: rules })

  const initial = read()
  if ('error' in initial) {
    throw new RulesLoadError(`Failed to load rules: ${initial.error}. Check the --rules path.`)
  }
  const first = compile(initial.text)
  if (!first.ok) {
    throw new RulesLoadError(`Failed to load rules from ${rules}:\n${formatIssues(first.issues)}`)
  }
  let current = first.compiled
  let routes: readonly Route[] = first.rules.routes ?? []
  let lastText = initial.text
  const listeners: (() => void)[] = []

  const reload = () => {
    const next = read()
    // Editors often replace a file by renaming: a moment without it is not an edit; the next event brings it.
    if ('error' in next || next.text === lastText) return
    lastText = next.text
    const result = compile(next.text)
    if (!result.ok) {
      logger.error('rules reload failed; still serving the last good rules', {
        file: rules,
        hash: current.hash,
        issues: formatIssues(result.issues),
      })
      return
    }
    // Routes are not part of the compiled payload (the hash), so they are swapped on every valid edit, and
    // an edit of routes alone is logged with their ids (the hash, and so the ETag, stays the same).
    const nextRoutes = result.rules.routes ?? []
    const routesChanged = JSON.stringify(nextRoutes) !== JSON.stringify(routes)
    routes = nextRoutes
    if (result.compiled.hash !== current.hash) {
      current = result.compiled
      logger.info('rules reloaded', { file: rules, hash: current.hash, ...(routesChanged ? { routes: routes.map((r) => r.id) } : {}) })
    } else if (routesChanged) {
      logger.info('routes reloaded', { file: rules, hash: current.hash, routes: routes.map((r) => r.id) })
    }
    for (const listener of listeners) listener()
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  const name = basename(path)
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed !== name) return
    clearTimeout(timer)
    timer = setTimeout(reload, debounceMs)
  })
  watcher.on('error', (error) => logger.error('rules watch failed', { file: rules, error: error.message }))

  return {
    current: () => current,
    routes: () => routes,
    onReload: (listener) => void listeners.push(listener),
    close() {
      clearTimeout(timer)
      watcher.close()
    },
  }
}
