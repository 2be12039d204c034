import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { SourceConfig } from '../config/schema.js';
import { configuredSources, createHarvester, duplicateSources, isSourceName, sourceLabel, SOURCE_NAME_HINT, type ConfiguredSource } from '../sources/index.js';
import type { HarvestReport, ProgressEvent } from '../sources/types.js';
import { closeStore, openStore, withStore } from '../store/index.js';
import { ConfigError, ExitCode, UsageError } from '../util/errors.js';
import { plural } from '../util/text.js';
import { parseInstant, sinceStart } from '../util/time.js';
import type { CommandContext } from './context.js';
import { sourceToken } from './tokens.js';

export interface SyncFlags {
  full?: boolean;
  since?: string;
  repo?: string[];
}

/**
 * `dorametrics sync`: harvests every configured source into the store, incrementally.
 * Everything the user typed and every token is checked before the first request; a forge
 * failure stops with exit 3, and what was written before it stays (each page is its own
 * transaction), so the next `sync` resumes.
 */
export async function execute(flags: SyncFlags, ctx: CommandContext): Promise<number> {
  const config = loadConfig(ctx.global.configPath, ctx.global.configExplicit);
  if (config.sources.length === 0) {
    throw new UsageError(
      `config ${ctx.global.configExplicit ? ctx.global.configPath : 'dorametrics.config.json'} names no sources`,
      'add a github or gitlab source under "sources" (dorametrics init writes an example)',
    );
  }
  const now = ctx.io.now();
  const since = flags.since === undefined ? null : sinceFlag(flags.since, now, config.timezone);
  // What an existing store knows of the sources (the path of a project named by id, forge ids).
  const dbPath = ctx.global.dbPath;
  const configured = existsSync(dbPath) ? withStore(dbPath, (store) => configuredSources(config.sources, store)) : configuredSources(config.sources, null);
  rejectDuplicateSources(configured);
  const sources = selectSources(configured, flags.repo ?? []);

  const harvesters = sources.map((source) => ({ source, harvester: createHarvester(source, tokenFor(source, ctx.io.env)) }));

  const store = openStore(ctx.global.dbPath);
  const reports: HarvestReport[] = [];
  try {
    for (const { harvester } of harvesters) {
      const report = await harvester.harvest(store, {
        full: Boolean(flags.full),
        since,
        now,
        progress: progressPrinter(ctx),
      });
      reports.push(report);
      if (!ctx.global.quiet) ctx.io.stderr(`${clearLine(ctx)}${summary(report)}\n`);
      for (const warning of report.warnings) if (!ctx.global.quiet) ctx.io.stderr(`  note: ${warning}\n`);
    }
  } finally {
    closeStore(store);
  }
  return ExitCode.ok;
}

/** Two sources for one repository would hand its history back and forth on every sync. */
function rejectDuplicateSources(configured: readonly ConfiguredSource[]): void {
  const duplicate = duplicateSources(configured);
  if (duplicate === null) return;
  const [first, second] = duplicate.map((index) => `sources[${index}] (${configured[index]!.label})`);
  throw new ConfigError(`${first} and ${second} name the same repository`, 'keep one of them in the config');
}

/**
 * The sources `--repo` names, each by its label (its repository id, or `gitlab:<id>` for a
 * GitLab project configured by its numeric id) or by the repository id it is stored under.
 */
function selectSources(configured: readonly ConfiguredSource[], repos: string[]): SourceConfig[] {
  const all = configured.map(({ source }) => source);
  if (repos.length === 0) return all;
  for (const repo of repos) {
    if (!isSourceName(repo)) throw new UsageError(`--repo "${repo}" is not a repository id`, SOURCE_NAME_HINT);
  }
  const names = configured.map(({ label, repoId }) => new Set(repoId === null ? [label] : [label, repoId]));
  for (const repo of repos) {
    if (!names.some((known) => known.has(repo))) {
      throw new UsageError(`--repo "${repo}" is not a configured source`, `configured: ${configured.map(({ label }) => label).join(', ')}`);
    }
  }
  return all.filter((_, index) => repos.some((repo) => names[index]!.has(repo)));
}

/** The source's token (`sourceToken`), or a usage error naming the variable to set. */
function tokenFor(source: SourceConfig, env: Record<string, string | undefined>): { token: string; jobToken: boolean } {
  const found = sourceToken(source, env);
  if (found) return { token: found.token, jobToken: found.jobToken };
  throw new UsageError(
    `${sourceLabel(source)}: the environment variable ${source.tokenEnv} is not set`,
    `export ${source.tokenEnv}=<a token with read access>, or name another variable in the source's "tokenEnv"`,
  );
}

/** `--since 2026-01-01`, or a span back from now: `90d`, `12w`, `6m`. */
function sinceFlag(value: string, now: Date, timeZone: string): number {
  const instant = parseInstant(value, timeZone) ?? sinceStart(value, now.getTime(), timeZone);
  if (instant === null) throw new UsageError(`--since "${value}" is neither a date nor a span`, 'e.g. --since 2026-01-01 or --since 90d');
  return instant;
}

/**
 * Progress on stderr: on a terminal one line rewritten in place; elsewhere (a CI log) nothing,
 * unless `--verbose` asks for a line per page read.
 */
function progressPrinter(ctx: CommandContext): (event: ProgressEvent) => void {
  if (ctx.global.quiet || (!ctx.io.stderrIsTTY && !ctx.global.verbose)) return () => {};
  return (event) => {
    const rate = event.rateLimitRemaining === null ? '' : `, ${event.rateLimitRemaining} requests left`;
    const line = `${event.source} ${event.resource}: ${event.items} items, ${event.pages} pages${rate}`;
    ctx.io.stderr(ctx.io.stderrIsTTY ? `\r\u001b[2K${line}` : `${line}\n`);
  };
}

function clearLine(ctx: CommandContext): string {
  return ctx.io.stderrIsTTY ? '\r\u001b[2K' : '';
}

/** One line per harvested source: what was written and what it cost. */
export function summary(report: HarvestReport): string {
  // Resources are named in the plural (`pull_requests`): one item is `1 pull request`.
  const parts = Object.entries(report.items).map(([resource, count]) => plural(count, resource.replace(/_/g, ' ').replace(/s$/, '')));
  return `${report.source}: ${parts.join(', ')} (${plural(report.requests, 'request')})`;
}
