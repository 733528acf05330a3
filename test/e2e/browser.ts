// Launches the machine's Chromium (found or installed by scripts/ensure-chromium.mjs) through playwright-core.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'

const ensureScript = fileURLToPath(new URL('../../scripts/ensure-chromium.mjs', import.meta.url))

/** Flags for a quiet, reproducible headless run in containers and CI. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

/** The Chromium binary path (`CHROMIUM_PATH`, the usual Debian paths, or Debian's package installed as root). */
export function chromiumPath(): string {
  const result = spawnSync(process.execPath, [ensureScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const path = result.stdout.trim().split('\n').at(-1)
  if (result.status !== 0 || !path) throw new Error('[nudgekit] Failed to find Chromium for the e2e tests. See the message above.')
  return path
}

/**
 * @example
 * const browser = await launchChromium()
 * const page = await browser.newPage()
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })
}
