// JSON-lines logging: one object a line with time and level, so logs can be shipped and queried as data.

/** Where the server writes what happened. Compatible with the webhooks router's logger. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * A logger writing `{"time","level","msg",…fields}` lines to `write` (default: stdout).
 * @example const logger = jsonLinesLogger(); logger.info('listening', { port: 8787 })
 */
export function jsonLinesLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }) + '\n')
  }
  return { info: log('info'), warn: log('warn'), error: log('error') }
}
