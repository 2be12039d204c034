import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../util/errors.js';
import { configSchema, defaultConfig, type Config } from './schema.js';

/**
 * Reads and validates the config file. A missing default file means "all defaults" (so
 * `record` and `report` work without one); a file named with `--config` must exist.
 */
export function loadConfig(filePath: string, explicit: boolean): Config {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return defaultConfig();
    throw new ConfigError(
      `cannot read config ${displayPath(filePath)}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      code === 'ENOENT' ? 'run "dorametrics init" to write a starter config' : undefined,
    );
  }
  return parseConfig(text, displayPath(filePath));
}

/** Validates config text; errors name the file and the key path (`sources[0].type`). */
export function parseConfig(text: string, name: string): Config {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config ${name} is not valid JSON: ${(error as Error).message}`);
  }
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`config ${name}: ${describeIssue(issue)}`);
  }
  return result.data;
}

/** One line per zod issue: `sources[0].deployments.from: expected one of …`. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => formatPath([...issue.path, key]));
    return `unknown key ${keys.join(', ')}`;
  }
  const where = issue.path.length > 0 ? formatPath(issue.path) : '(top level)';
  return `${where}: ${issue.message}`;
}

export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function displayPath(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative && !relative.startsWith('..') ? relative : filePath;
}
