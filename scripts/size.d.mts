// Types of scripts/size.mjs for the TypeScript benches that reuse its budgets.
export interface Budget {
  name: string
  entry: string
  /** The target. */
  goal: number
  /** What CI enforces. */
  limit: number
  external?: string[]
  format?: 'esm' | 'iife'
}
export declare const budgets: Budget[]
export declare function measure(budget: Budget): Promise<{ min: number; gzip: number }>
export declare function bundleSize(options: import('esbuild').BuildOptions): Promise<{ min: number; gzip: number }>
