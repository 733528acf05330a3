// Reading a rules file for a CLI command: one clear line for a missing, unreadable or oversized file.
import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { MAX_RULES_BYTES } from '@nudgekit/rules'
import type { CliIO } from './command.ts'
import { UsageError } from './run.ts'

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
}

/**
 * Why a file could not be read, in words (`no such file`), from a Node file-system error.
 * @example fileReason(Object.assign(new Error('…'), { code: 'ENOENT' })) // 'no such file'
 */
export function fileReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  return REASONS[code] ?? (error as Error).message
}

/**
 * The text of the rules file at `path` (relative to the working directory). A missing, unreadable or non-regular
 * file, or one over the 1 MB limit, is a `UsageError` naming the reason (an oversized one is not read at all).
 * @example const text = await readRulesFile('nudgekit.yaml', io, 'validate')
 */
export async function readRulesFile(path: string, io: CliIO, action: string): Promise<string> {
  const absolute = resolve(io.cwd, path)
  try {
    const info = await stat(absolute)
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' })
    if (!info.isFile()) throw new UsageError(`Failed to ${action}: '${path}' is not a regular file. Pass the path of a .yaml or .json rules file.`)
    if (info.size > MAX_RULES_BYTES) {
      throw new UsageError(`Failed to ${action}: '${path}' is ${(info.size / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit for rules files. Keep the rules file to configuration.`)
    }
    return await readFile(absolute, 'utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`Failed to ${action}: cannot read '${path}' (${fileReason(error)}). Check the path.`)
  }
}

/** Whether to colour output: `--color`/`--no-color` win, then NO_COLOR / FORCE_COLOR, then a terminal. */
export function useColor(flag: boolean | undefined, io: CliIO, stream: NodeJS.WriteStream): boolean {
  if (flag !== undefined) return flag
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') return false
  if (io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '0') return true
  return stream.isTTY === true
}
