// Launches Debian's Chromium headless through playwright-core for the browser checks (never a downloaded browser).
import { chromium, type Browser } from 'playwright-core'
import { CHROMIUM_ARGS, ensureChromium } from '../../../scripts/ensure-chromium.mjs'

/**
 * A headless Chromium: `CHROMIUM_PATH`, else the system one (installed through apt by `ensureChromium` when
 * running as root on Debian/Ubuntu).
 * @example const browser = await launchChromium(); const page = await browser.newPage()
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, timeout: 30_000 })
}
