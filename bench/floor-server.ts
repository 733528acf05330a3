// The ingest floor: a bare node:http server that parses each JSON batch and answers 202, storing nothing.
import { createServer } from 'node:http'

let events = 0
const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    if (req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ events }))
      return
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: unknown[] }
    events += body.events.length
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: body.events.length, duplicates: 0, rejected: [] }))
  })
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'))
