import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { SourceConfig } from '../config/schema.js';
import { createHarvester, duplicateSources, gitlabProjectId, isSourceName, sourceLabel, SOURCE_NAME_HINT, storedSourceRepoId } from '../sources/index.js';
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
  rejectDuplicateSources(config.sources, ctx.global.dbPath);
  const sources = selectSources(config.sources, flags.repo ?? [], ctx.global.dbPath);

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
function rejectDuplicateSources(sources: SourceConfig[], dbPath: string): void {
  const duplicate = existsSync(dbPath) ? withStore(dbPath, (store) => duplicateSources(sources, store)) : duplicateSources(sources, null);
  if (duplicate === null) return;
  const [first, second] = duplicate;
  throw new ConfigError(
    `sources[${first}] (${sourceLabel(sources[first]!)}) and sources[${second}] (${sourceLabel(sources[second]!)}) name the same repository`,
    'keep one of them in the config',
  );
}

/**
 * The sources `--repo` names, each by its repository id or, for a GitLab project configured
 * by its numeric id, by `gitlab:<id>` or by the path its last sync stored it under.
 */
function selectSources(sources: SourceConfig[], repos: string[], dbPath: string): SourceConfig[] {
  if (repos.length === 0) return sources;
  for (const repo of repos) {
    if (!isSourceName(repo)) throw new UsageError(`--repo "${repo}" is not a repository id`, SOURCE_NAME_HINT);
  }
  const names = sources.map((source) => new Set([sourceLabel(source)]));
  // Only a project configured by id has a second name, and only a store that synced it knows it.
  if (sources.some((source) => gitlabProjectId(source) !== null) && existsSync(dbPath)) {
    withStore(dbPath, (store) =>
      sources.forEach((source, index) => {
        const stored = gitlabProjectId(source) === null ? null : storedSourceRepoId(source, store);
        if (stored !== null) names[index]!.add(stored);
      }),
    );
  }
  for (const repo of repos) {
    if (!names.some((known) => known.has(repo))) {
      throw new UsageError(`--repo "${repo}" is not a configured source`, `configured: ${sources.map(sourceLabel).join(', ')}`);
    }
  }
  return sources.filter((_, index) => repos.some((repo) => names[index]!.has(repo)));
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
