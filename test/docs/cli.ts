// Checks a README's `nudgekit …` command against the CLI itself, in process: its command, flags and shown output.
import { run } from '../../packages/server/src/cli/run.ts'

/** Commands that only read files and print: run for real, their output compared with what the README shows. */
const RUN_FOR_REAL = new Set(['validate', 'simulate', 'schema'])

/**
 * The problems of `nudgekit <args>` as a README shows it (with `output`, the lines it says the command prints).
 * `validate`, `simulate` and `schema` run as written (from `root`) and must exit 0 and print every shown line,
 * in order (`...` or `…` stands for anything); every other command gets `--help` appended, so the CLI's own
 * parser checks the command and its flags without opening a database or starting a server.
 * @example await checkCli('/repo', 'README.md:296', ['validate', 'nope.yaml'], []) // ["README.md:296 nudgekit validate nope.yaml: exit 1: …"]
 */
export async function checkCli(root: string, where: string, args: string[], output: string[]): Promise<string[]> {
  const real = RUN_FOR_REAL.has(args[0] ?? '')
  const lines: string[] = []
  const io = { out: (text: string) => lines.push(...text.split('\n')), err: (text: string) => lines.push(...text.split('\n')), env: { NO_COLOR: '1' }, cwd: root }
  const code = await run(real ? args : [...args, '--help'], io)
  const shown = `nudgekit ${args.join(' ')}`
  if (code !== 0) return [`${where} ${shown}: exit ${code}: ${lines.join('\n').trim()}`]
  if (!real) return []
  const missing = firstMissing(output, lines)
  return missing === undefined ? [] : [`${where} ${shown}: the README shows '${missing}', the command printed:\n${lines.join('\n')}`]
}

/** The first of `expected` that does not match a line of `actual` after the previous match. */
function firstMissing(expected: string[], actual: string[]): string | undefined {
  let at = 0
  for (const line of expected.map((text) => text.trim()).filter((text) => !/^(\.\.\.|…)?$/.test(text))) {
    const pattern = new RegExp(`^${line.split(/\.\.\.|…/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
    const found = actual.findIndex((text, index) => index >= at && pattern.test(text.trim()))
    if (found < 0) return line
    at = found + 1
  }
  return undefined
}
