import type { CliIo } from '@archive/cli';
import { runCli } from '@archive/cli';

/** Runs the `archive` CLI in process, capturing what it prints, with an empty environment. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    interactive: false,
    env: {},
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}
