import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { configSchema } from '../config/schema.js';
import { ExitCode, UsageError } from '../util/errors.js';
import type { CommandContext } from './context.js';

/**
 * `dorametrics init` (SPEC §2): writes a starter config with a `$schema` reference so that
 * editors complete and check it. JSON has no comments, so the starter explains itself by
 * example: every value is a sensible default spelled out, ready to be edited.
 */

/** Where the JSON Schema of the config lands when dorametrics is a dependency of the project. */
export const CONFIG_SCHEMA_REF = './node_modules/dorametrics/schemas/config.schema.json';

/**
 * The starter config. Typed as the schema's input so the compiler checks its shape; the
 * tests check the refinements (time zone, durations, patterns) with `configSchema` itself.
 */
export function starterConfig(schemaRef: string = CONFIG_SCHEMA_REF): z.input<typeof configSchema> {
  return {
    $schema: schemaRef,
    timezone: 'UTC',
    sources: [
      {
        type: 'github',
        repo: 'your-org/your-repo',
        tokenEnv: 'GITHUB_TOKEN',
        deployments: { from: 'deployments', environments: ['production'] },
        incidents: { from: 'issues', labels: ['incident'] },
      },
    ],
    teams: { 'your-team': ['github:your-org/your-repo'] },
    exclude: { authors: ['renovate-bot', 'dependabot'] },
    failure: { attributionWindow: '24h', reworkLabels: ['hotfix'] },
    thresholds: ['changeFailureRate.rate>15%'],
  };
}

export async function execute(options: { force?: boolean }, ctx: CommandContext): Promise<number> {
  const file = ctx.global.configPath;
  const shown = displayPath(file, ctx.io.cwd);
  const text = `${JSON.stringify(starterConfig(schemaRefFor(file, ctx.io.cwd)), null, 2)}\n`;

  const replacing = Boolean(options.force) && existsSync(file);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot write ${shown}: ${reason(error, `cannot create its folder`)}`);
  }
  try {
    // `wx` fails if the file exists, so the check and the write are one step (no race).
    writeFileSync(file, text, { encoding: 'utf8', flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(
        `${shown} already exists; run "dorametrics init --force" to overwrite it`,
        'or pass --config FILE to write the starter somewhere else',
      );
    }
    throw new UsageError(`cannot write ${shown}: ${reason(error)}`);
  }

  if (!ctx.global.quiet) {
    ctx.io.stderr(
      [
        `wrote ${shown}${replacing ? ' (replaced the existing file)' : ''}`,
        '',
        'next steps:',
        `  1. edit ${shown}: name your repositories in "sources" and "teams", set "timezone"`,
        '  2. export GITHUB_TOKEN with read access to those repositories (it never goes in the file)',
        '  3. npx dorametrics sync',
        '  4. npx dorametrics report --since 30d',
        `  "thresholds" gate every report (exit 1 when breached); remove what you do not want`,
        '',
      ].join('\n'),
    );
  }
  return ExitCode.ok;
}

function reason(error: unknown, fallback?: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a parent of it is a file';
    default:
      return fallback ?? (error as Error).message;
  }
}

/**
 * `$schema` is resolved relative to the config file, so a config written elsewhere with
 * `--config ci/dora.json` points back to the project's node_modules (`../node_modules/…`).
 */
function schemaRefFor(file: string, cwd: string): string {
  const target = path.join(cwd, CONFIG_SCHEMA_REF);
  const relative = path.relative(path.dirname(file), target).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
