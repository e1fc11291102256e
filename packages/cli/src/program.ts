import { Command, CommanderError } from 'commander';
import { registerExportCommand } from './commands/export';
import { registerImportCommand } from './commands/import';
import { registerKeysCommands } from './commands/keys';
import { registerQuarantineCommand } from './commands/quarantine';
import { registerReindexCommand } from './commands/reindex';
import { CliError, type CliIo, processIo } from './io';

/** Builds the `archive` command line. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('archive')
    .description('Dispatch archive: import and export dispatches, manage ingest keys, rebuild the index')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  registerImportCommand(program, io, setExitCode);
  registerKeysCommands(program, io);
  registerReindexCommand(program, io);
  registerQuarantineCommand(program, io);
  registerExportCommand(program, io);
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.err(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
