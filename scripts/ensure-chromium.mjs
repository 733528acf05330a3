// Finds a Chromium for the browser tests; on a fresh Debian/Ubuntu machine run as root, installs Debian's package.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

/** Flags for headless Chromium here: without the background-networking ones it fights the closed network. */
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

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

/** Path of a Chromium binary, or undefined. `CHROMIUM_PATH` wins when set. */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined
  return candidates.find((path) => existsSync(path))
}

/** Returns the Chromium path, installing Debian's `chromium` package first when possible. */
export function ensureChromium() {
  const found = findChromium()
  if (found) return found
  const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (!canInstall) {
    throw new Error(
      '[nudgekit] Failed to find Chromium for the browser tests: none at CHROMIUM_PATH or ' +
        `${candidates.join(', ')}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
    )
  }
  console.log('[nudgekit] Chromium not found; installing Debian\'s chromium package for the browser tests…')
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (result.status !== 0) throw new Error(`[nudgekit] Failed to install Chromium: apt-get ${args.join(' ')} exited ${result.status}.`)
  }
  const installed = findChromium()
  if (!installed) throw new Error('[nudgekit] Failed to find Chromium after installing it. Set CHROMIUM_PATH.')
  return installed
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureChromium())
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
