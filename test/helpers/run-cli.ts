import { run } from '../../src/program.js';
import type { Io } from '../../src/util/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fixed clock for every test: Sunday 2026-11-29 12:00 UTC. */
export const FIXED_NOW = new Date('2026-11-29T12:00:00Z');

/** Runs the CLI in-process with captured output, a fixed clock and no terminal. */
export async function runCli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; now?: Date; tty?: boolean; stderrTty?: boolean },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { TZ: 'UTC', ...options.env },
    cwd: options.cwd,
    now: () => options.now ?? FIXED_NOW,
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.stderrTty ?? false,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
