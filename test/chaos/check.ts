// Runs one chaos check in this process: `node --conditions=@nudgekit/source --expose-gc test/chaos/check.ts <name>`.
import { CHECKS } from './checks.ts'
import { createReport } from './report.ts'

const name = process.argv[2]
const check = CHECKS.find((candidate) => candidate.name === name)
if (!check) {
  console.error(`[nudgekit] Unknown chaos check '${name ?? ''}'. Choose one of: ${CHECKS.map((c) => c.name).join(', ')}.`)
  process.exit(2)
}

const report = createReport(check.name)
// Exit code 13: the event loop emptied while the check still awaited something (e.g. a close() that never settles).
process.on('exit', (code) => {
  if (code === 13) report.figure(check.name, 'never finished: it awaited a promise that can no longer settle', false)
})
try {
  const { default: run } = await check.load()
  await run(report)
} catch (error) {
  console.error(error)
  report.figure(check.name, `crashed: ${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)}`, false)
}
if (report.figures.length === 0) report.figure(check.name, 'recorded no figure', false)
// Servers, proxies and keep-alive sockets may still hold the event loop: exiting kills what the check started.
process.exit(report.failed ? 1 : 0)
