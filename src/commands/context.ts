import path from 'node:path';
import type { Io } from '../util/io.js';

/** Options every command accepts (SPEC §2), resolved once by the program. */
export interface GlobalOptions {
  /** The config file path, and whether the user named it (a named file must exist). */
  configPath: string;
  configExplicit: boolean;
  /** The store path: `--db`, else `DORAMETRICS_DB`, else `./.dorametrics/dorametrics.db`. */
  dbPath: string;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

export interface CommandContext {
  io: Io;
  global: GlobalOptions;
}

export const DEFAULT_CONFIG_FILE = 'dorametrics.config.json';
export const DEFAULT_DB_FILE = path.join('.dorametrics', 'dorametrics.db');

export function resolveGlobalOptions(
  raw: { config?: string; db?: string; quiet?: boolean; verbose?: boolean; color?: boolean },
  io: Io,
): GlobalOptions {
  const envDb = io.env.DORAMETRICS_DB;
  return {
    configPath: path.resolve(io.cwd, raw.config ?? DEFAULT_CONFIG_FILE),
    configExplicit: raw.config !== undefined,
    dbPath: path.resolve(io.cwd, raw.db ?? (envDb ? envDb : DEFAULT_DB_FILE)),
    quiet: Boolean(raw.quiet),
    verbose: Boolean(raw.verbose),
    // chalk's own NO_COLOR detection reads process.env; we decide here so tests control it.
    color: raw.color !== false && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && io.stdoutIsTTY,
  };
}
