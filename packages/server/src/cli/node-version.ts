// The Node.js versions the server runs on, checked before anything else so an old Node gets one clear line.

/**
 * What `engines.node` in package.json allows, as code: 22.20 or later on 22 (node:sqlite's numbered parameters
 * and statement reuse are fixed there), 24.7 or later from 24 on (23 is not supported).
 */
export const SUPPORTED_NODE = '^22.20.0 || >=24.7.0'

/**
 * Why this Node cannot run nudgekit's server, or undefined when it can.
 * @example nodeProblem('20.20.2') // "nudgekit needs Node.js 22.20 or later (24.7 or later from 24 on); this is Node.js 20.20.2"
 */
export function nodeProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const supported = major === 22 ? minor >= 20 : major === 24 ? minor >= 7 : major > 24
  return supported ? undefined : `nudgekit needs Node.js 22.20 or later (24.7 or later from 24 on); this is Node.js ${version}`
}
