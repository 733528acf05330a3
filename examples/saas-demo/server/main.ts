// `pnpm demo`: starts Acme CRM with nudgekit, prints where everything is, stops cleanly on Ctrl-C.
import { startDemo } from './demo-server.ts'

const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`[nudgekit] Failed to start the demo: PORT '${process.env.PORT}' is not a port number. Use e.g. PORT=3001.`)
  process.exit(1)
}

const demo = await startDemo({ port }).catch((error: NodeJS.ErrnoException) => {
  const reason = error.code === 'EADDRINUSE' ? `port ${port} is in use. Stop what uses it or run with PORT=3001` : error.message
  console.error(`[nudgekit] Failed to start the demo: ${reason}.`)
  process.exit(1)
})

console.log(`
  Acme CRM (nudgekit demo) is running.

  App          ${demo.url}/
  React host   ${demo.url}/react/
  Dashboard    ${demo.url}/nudgekit/dashboard   (sign in with the secret key)

  Publishable key  ${demo.keys.publishable}   (the browser's key)
  Secret key       ${demo.keys.secret}   (server-side only: conversions, stats, dashboard)

  Rules   examples/rules/acme-crm.yaml (edits are picked up live)
  Store   .nudgekit/demo.db (SQLite)

  Press Ctrl-C to stop.
`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  console.log('\n  Stopping…')
  await demo.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
