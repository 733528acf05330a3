// The shape every CLI command module default-exports.

export interface CliIO {
  out(text: string): void
  err(text: string): void
  env: Record<string, string | undefined>
  cwd: string
}

/** A command receives its own arguments (after the command name) and returns the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>
