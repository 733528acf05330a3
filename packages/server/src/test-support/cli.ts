// Runs the real `nudgekit` CLI in a child process, as a user would: from source, without NUDGEKIT_DATABASE_URL.
import { spawnSync } from 'node:child_process'

const main = new URL('../cli/main.ts', import.meta.url).pathname
const { NUDGEKIT_DATABASE_URL: _, ...withoutDatabaseUrl } = process.env

/**
 * The exit code and output of `nudgekit <args…>` run in `cwd`.
 * @example const { code, stdout, stderr } = runCli(['stats', '--db', 'nudgekit.db'], dir)
 */
export function runCli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const child = spawnSync(
    process.execPath,
    ['--conditions=@nudgekit/source', '--disable-warning=ExperimentalWarning', main, ...args],
    { cwd, encoding: 'utf8', env: withoutDatabaseUrl },
  )
  return { code: child.status, stdout: child.stdout, stderr: child.stderr }
}
