import { describe, expect, it } from 'vitest';
import { run } from '../../src/program.js';
import type { Io } from '../../src/util/io.js';
import { tempDir } from '../helpers/store.js';

const TOKEN = 'ghp_SENTINELunexpectedErrorToken0001';

/** An Io whose clock fails like a bug would, with a message that happens to carry a token. */
function brokenIo(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
    env: { TZ: 'UTC', GITHUB_TOKEN: TOKEN },
    cwd: tempDir(),
    now: (): Date => {
      throw new TypeError(`cannot read the clock (while using ${TOKEN})`);
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  return io;
}

describe('an error nothing anticipated (a bug)', () => {
  it('exits 3, never 1 (which CI reads as a breached threshold), with one line and a hint, the token masked', async () => {
    const io = brokenIo();
    const code = await run(['report', '--since', '30d'], io);
    expect(code).toBe(3);
    expect(io.out).toBe('');
    expect(io.err).toBe(
      'dorametrics: unexpected error: TypeError: cannot read the clock (while using ***)\n' +
        '  hint: this is a bug in dorametrics; please report it with the command you ran (--verbose adds the stack trace)\n',
    );
  });

  it('prints the stack trace with --verbose, still masked', async () => {
    const io = brokenIo();
    expect(await run(['--verbose', 'report', '--since', '30d'], io)).toBe(3);
    expect(io.err).toMatch(/^dorametrics: unexpected error: TypeError: cannot read the clock \(while using \*\*\*\)\n\s+at /);
    expect(io.err).not.toContain(TOKEN);
  });
});
