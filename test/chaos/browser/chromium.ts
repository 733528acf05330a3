// Launches Debian's Chromium headless through playwright-core for the browser checks (never a downloaded browser).
import { chromium, type Browser } from 'playwright-core'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

/**
 * A headless Chromium: `CHROMIUM_PATH`, else the system one (installed through apt by `ensureChromium` when
 * running as root on Debian/Ubuntu).
 * @example const browser = await launchChromium(); const page = await browser.newPage()
 */
export async function launchChromium(): Promise<Browser> {
  const finder = (await import(new URL('../../../scripts/ensure-chromium.mjs', import.meta.url).href)) as {
    ensureChromium(): string
  }
  return chromium.launch({ executablePath: finder.ensureChromium(), args: FLAGS, timeout: 30_000 })
}
