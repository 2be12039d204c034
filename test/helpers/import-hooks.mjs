// Module hooks for the --help test: append every resolved specifier to the file named by
// DORAMETRICS_IMPORT_LOG, so the test can see which packages a command loaded.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  if (process.env.DORAMETRICS_IMPORT_LOG) appendFileSync(process.env.DORAMETRICS_IMPORT_LOG, `${specifier}\n`);
  return nextResolve(specifier, context);
}
