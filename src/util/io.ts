/**
 * The console, the environment and the clock, passed into `run()` so that commands stay
 * testable in-process (STYLE habit 1: `now` is passed in).
 */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  now: () => Date;
  /** Whether stdout is a terminal: decides the default report format and colour. */
  stdoutIsTTY: boolean;
  /** Whether stderr is a terminal: progress is only printed there (SPEC §2). */
  stderrIsTTY: boolean;
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
