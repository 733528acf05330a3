// Check: kill -9 the server while its webhooks are failing or mid-attempt → after a restart, every one is delivered.
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { verifySignature, SIGNATURE_HEADER } from '@nudgekit/server'
import { scratchDir, waitFor } from './processes.ts'
import { seconds, type Report } from './report.ts'
import { PUBLISHABLE_KEY, REPO_ROOT, RULES_FILE, startServer } from './server-process.ts'
import { uuidv7 } from './uuid.ts'

/** Upgrade requests, one account each: even accounts hang at the receiver (in flight at the kill), odd ones get 503. */
const ACCOUNTS = 20
const SECRET = 'whsec_chaos_webhook_crash'
/**
 * A delivery in flight at the kill is taken over when its lease ends: short leases (and attempt timeouts, which
 * a lease must outlast) keep the check to seconds instead of the default 60 s lease.
 */
const LEASE_SEC = 3
const TIMEOUT_SEC = 1

/** A receiver that fails every webhook until `heal()`, then answers 204; it keeps every delivery id it saw. */
async function flakyReceiver() {
  const attempts = new Map<string, number>()
  const delivered = new Map<string, number>()
  const hung: Array<{ res: ServerResponse; at: number }> = []
  let badSignatures = 0
  let healthy = false
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      const id = String(req.headers['x-nudgekit-delivery'])
      if (!verifySignature(body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, SECRET)) badSignatures++
      attempts.set(id, (attempts.get(id) ?? 0) + 1)
      if (healthy) {
        delivered.set(id, (delivered.get(id) ?? 0) + 1)
        res.writeHead(204).end()
      } else if (Number((JSON.parse(body) as { account: { id: string } }).account.id.split('_')[1]) % 2 === 0) hung.push({ res, at: Date.now() })
      else res.writeHead(503).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    attempts,
    delivered,
    badSignatures: () => badSignatures,
    /**
     * Requests held open now: attempts under way (an attempt that timed out closed its connection); with
     * `withinMs`, only those that arrived in the last `withinMs` ms, which have most of their timeout left.
     */
    inFlight: (withinMs = Infinity) => hung.filter(({ res, at }) => res.socket?.destroyed === false && Date.now() - at < withinMs).length,
    heal() {
      healthy = true
      for (const { res } of hung.splice(0)) res.destroy()
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Rows in the server's webhook_outbox, read beside it (WAL readers do not block its writes). */
function outboxRows(db: string): number {
  const database = new DatabaseSync(db, { readOnly: true })
  try {
    return (database.prepare('select count(*) as n from webhook_outbox').get() as { n: number }).n
  } finally {
    database.close()
  }
}

/** Runs the check; figures go to `report`. */
export default async function webhookCrash(report: Report): Promise<void> {
  const dir = scratchDir('webhook-crash')
  const db = join(dir.path, 'webhooks.db')
  const receiver = await flakyReceiver()
  const rules = join(dir.path, 'rules.yaml')
  writeFileSync(rules, readFileSync(join(REPO_ROOT, RULES_FILE), 'utf8').replace('https://hooks.acme-crm.example/nudgekit/upgrade-requests', receiver.url))
  const server = await startServer({
    rules, db, env: { ACME_NUDGEKIT_WEBHOOK_SECRET: SECRET },
    args: ['--webhook-timeout', `${TIMEOUT_SEC}s`, '--webhook-lease', `${LEASE_SEC}s`],
  })

  try {
    const events = Array.from({ length: ACCOUNTS }, (_, i) => ({
      id: uuidv7(), type: 'upgrade_requested', ts: Date.now(), account: `acct_${i}`, user: 'user_1', trigger: 'contacts-80', variant: 'control',
    }))
    const response = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PUBLISHABLE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    })
    report.expect(response.status === 202, 'upgrade requests accepted', `${response.status}`)
    // The receiver has delivered nothing yet: every routed request must already be in the outbox.
    const atAck = outboxRows(db)
    report.expect(atAck === ACCOUNTS, 'webhooks in webhook_outbox when the 202 is answered', `${atAck} of ${ACCOUNTS}`)
    await waitFor(async () => receiver.attempts.size === ACCOUNTS, `a first attempt of all ${ACCOUNTS} webhooks`)
    // The hung attempts of one lease all end at their timeout, within milliseconds of each other, and the last
    // first attempt can wait for a slot until then: so wait, too, for an attempt with half its timeout left (a
    // retry comes within the backoff), or the kill may land after every attempt ended, as it once did.
    await waitFor(async () => receiver.inFlight((TIMEOUT_SEC * 1000) / 2) > 0, 'an attempt under way with half its timeout left')
    const inFlight = receiver.inFlight()
    await server.kill9()
    const killedAt = Date.now()
    receiver.heal()
    await server.restart()
    await waitFor(async () => receiver.delivered.size === ACCOUNTS, `all ${ACCOUNTS} webhooks delivered after the restart`, LEASE_SEC * 1000 + 30_000, 200)
    const elapsed = Date.now() - killedAt
    await server.stop()

    const left = outboxRows(db)
    const twice = [...receiver.delivered.values()].filter((n) => n > 1).length
    report.figure(
      'webhooks across kill -9',
      `${ACCOUNTS} enqueued, ${receiver.delivered.size} delivered after the restart (${inFlight} were mid-attempt at the kill, the rest waiting for a retry; ${LEASE_SEC} s lease); all within ${seconds(elapsed)}; ${twice} accepted twice; ${left} left in webhook_outbox; ${receiver.badSignatures()} bad signatures`,
      inFlight > 0 && receiver.delivered.size === ACCOUNTS && twice === 0 && left === 0 && receiver.badSignatures() === 0,
    )
  } catch (error) {
    console.error(`server output (last lines):\n${server.output().slice(-3000)}`)
    throw error
  } finally {
    await server.stop()
    await receiver.close()
    dir.remove()
  }
}
