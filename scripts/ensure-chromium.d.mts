// Types of scripts/ensure-chromium.mjs for the TypeScript browser suites.
export declare const CHROMIUM_ARGS: string[]
export declare function findChromium(): string | undefined
export declare function ensureChromium(): string
