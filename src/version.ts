import { createRequire } from 'node:module';

/** The package's version, read from package.json so that it has one source. */
const require = createRequire(import.meta.url);
export const TOOL_VERSION = (require('../package.json') as { version: string }).version;
