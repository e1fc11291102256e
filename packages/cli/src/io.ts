/** Where the CLI writes; injectable so tests can run commands in process and read the output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Progress bars only when stderr is a terminal. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    env: process.env,
  };
}

/** A failure the CLI reports as a message (no stack) and a non-zero exit. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
