/**
 * The entry point of `bin/dorametrics.js`: the only place that sets the process's exit code.
 * Unknown errors are re-thrown so that their stack reaches the user and the bug tracker.
 */
import { run } from './program.js';
import { processIo } from './util/io.js';

process.exitCode = await run(process.argv.slice(2), processIo());
