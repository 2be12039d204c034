import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Facts, RepoId } from '../domain/types.js';
import { computeMetrics } from '../metrics/engine.js';
import { buildModel, type Model, type ModelOptions } from '../metrics/model.js';
import type { MetricsResult, Window } from '../metrics/types.js';
import { TOOL_VERSION } from '../version.js';
import { buildReportDocument, type ReportDocument } from '../report/document.js';
import { renderReport, type ReportFormat } from '../report/render.js';
import { periodWindows, type SeriesPeriod } from '../report/series.js';
import { formatThresholdActual } from '../report/format.js';
import { evaluateThresholds, parseThreshold, type Threshold, type ThresholdResult } from '../report/thresholds.js';
import { configuredSources, isProjectIdLabel, isSourceName, SOURCE_NAME_HINT, type ConfiguredSource } from '../sources/index.js';
import { closeStore, openStore } from '../store/db.js';
import { listRepositoryIds, loadMetricFacts } from '../store/facts.js';
import { listSyncStates, type SyncState } from '../store/sync-state.js';
import { ExitCode, StoreError, UsageError } from '../util/errors.js';
import { parseDuration } from '../util/time.js';
import type { CommandContext } from './context.js';
import { previousWindow, resolveWindow } from './window.js';

export interface ReportFlags {
  from?: string;
  to?: string;
  since?: string;
  tz?: string;
  repo?: string[];
  team?: string;
  env: string;
  format?: ReportFormat;
  output?: string;
  compare?: boolean;
  by?: SeriesPeriod;
  failOn?: string[];
}

/**
 * `dorametrics report`: everything the user typed is checked before the store is opened,
 * the facts are loaded once, and the full report is written before a breached threshold
 * turns into exit code 1 (SPEC §2).
 */
export async function execute(flags: ReportFlags, ctx: CommandContext): Promise<number> {
  const config = loadConfig(ctx.global.configPath, ctx.global.configExplicit);
  const window = resolveWindow(flags, ctx.io.now(), config.timezone);
  const thresholds: Threshold[] = [
    ...config.thresholds.map((expr, index) => parseThreshold(expr, `config thresholds[${index}]`)),
    ...(flags.failOn ?? []).map((expr) => parseThreshold(expr, '--fail-on')),
  ];
  const { document, thresholds: thresholdResults } = buildReport({
    dbPath: ctx.global.dbPath,
    config,
    flags,
    window,
    thresholds,
    now: ctx.io.now(),
    ...(ctx.global.verbose ? { log: (line: string) => ctx.io.stderr(`${line}\n`) } : {}),
  });
  writeReport(document, flags, ctx, 'json');

  const breached = thresholdResults.filter((threshold) => !threshold.passed);
  if (breached.length > 0) {
    if (!ctx.global.quiet) {
      for (const threshold of breached) ctx.io.stderr(`threshold breached: ${threshold.expr} (actual ${formatThresholdActual(threshold.expr, threshold.actual)})\n`);
    }
    return ExitCode.thresholdBreached;
  }
  return ExitCode.ok;
}

export interface StoreReportInput {
  dbPath: string;
  config: Config;
  flags: Pick<ReportFlags, 'repo' | 'team' | 'env' | 'compare' | 'by'>;
  window: Window;
  thresholds: Threshold[];
  /** The document's `generatedAt`. */
  now: Date;
  /** `--verbose`: how many facts were loaded, and the time it took. */
  log?: (line: string) => void;
}

/**
 * The report document of a store for a window: the facts are loaded once, and the metrics
 * computed for the scope, each repository and team, the previous window (`compare`) and
 * each period (`by`). Shared by `report` and `demo`; prints nothing.
 */
export function buildReport(input: StoreReportInput): { document: ReportDocument; thresholds: ThresholdResult[] } {
  const { config, flags, window } = input;
  const requestedRepos = (flags.repo ?? []).map(checkRepoFlag);
  const teamRepos = flags.team === undefined ? undefined : teamMembers(config, flags.team);

  // A report never creates a store: a missing one is a wrong --db or a store not filled yet.
  if (!existsSync(input.dbPath)) {
    throw new StoreError(
      `no store at ${input.dbPath}`,
      'run "dorametrics sync" or "dorametrics record" first, or point --db / DORAMETRICS_DB at your store',
    );
  }
  const started = performance.now();
  const store = openStore(input.dbPath);
  let facts: Facts;
  let scope: { repos: RepoId[]; warnings: string[] };
  let configured: ConfiguredSource[];
  try {
    configured = configuredSources(config.sources, store);
    scope = resolveScope(listRepositoryIds(store), configured, requestedRepos, teamRepos, flags.team);
    const narrowed = requestedRepos.length > 0 || teamRepos !== undefined;
    scope.warnings.push(...freshnessNotes(listSyncStates(store), configured, scope.repos, narrowed, window, input.now));
    facts = loadMetricFacts(store, { repoIds: scope.repos, commitDetail: config.leadTime.unit === 'commit' });
  } finally {
    closeStore(store);
  }
  const loaded = performance.now();
  const { repos, warnings: scopeWarnings } = scope;
  const model = buildModel(facts, repos, modelOptions(config, flags.env, configured));
  const result = computeMetrics(model, window, repos);
  result.warnings.unshift(...scopeWarnings);
  const byRepo: Record<string, MetricsResult> = {};
  for (const repo of repos) byRepo[repo] = computeMetrics(model, window, [repo]);
  const byTeam = teamBreakdown(config, model, window, repos);
  const previous = flags.compare
    ? { window: previousWindow(window), result: computeMetrics(model, previousWindow(window), repos) }
    : undefined;
  // SPEC §2 `--by`: the same model, each period a window of its own.
  const series = flags.by
    ? {
        by: flags.by,
        periods: periodWindows(window, flags.by).map((period) => ({ window: period, result: computeMetrics(model, period, repos) })),
      }
    : undefined;

  input.log?.(
    `loaded ${facts.commits.length} commits, ${facts.pullRequests.length} PRs, ${facts.deployments.length} deployments, ` +
      `${facts.incidents.length} incidents in ${Math.round(loaded - started)} ms; computed in ${Math.round(performance.now() - loaded)} ms`,
  );

  const thresholdResults = evaluateThresholds(input.thresholds, result.metrics);
  const document = buildReportDocument({
    window,
    scope: { repos, environment: flags.env, ...(flags.team === undefined ? {} : { team: flags.team }) },
    result,
    byRepo,
    ...(previous ? { previous } : {}),
    ...(series ? { series } : {}),
    ...(byTeam ? { byTeam } : {}),
    thresholds: thresholdResults,
    generatedAt: input.now,
    version: TOOL_VERSION,
  });
  return { document, thresholds: thresholdResults };
}

/**
 * Renders a report document to stdout or `--output`: `--format`, else a table on a
 * terminal and `otherwise` elsewhere (a file, a pipe); colour and the terminal's width only
 * when it goes to the terminal.
 */
export function writeReport(
  document: ReportDocument,
  flags: { format?: ReportFormat | undefined; output?: string | undefined },
  ctx: CommandContext,
  otherwise: ReportFormat,
): void {
  const format: ReportFormat = flags.format ?? (flags.output === undefined && ctx.io.stdoutIsTTY ? 'table' : otherwise);
  const toTerminal = flags.output === undefined && ctx.io.stdoutIsTTY;
  const width = toTerminal ? terminalWidth(ctx.io.env) : undefined;
  const text = renderReport(document, format, {
    color: flags.output === undefined && ctx.global.color,
    ...(width === undefined ? {} : { width }),
  });
  if (flags.output === undefined) {
    ctx.io.stdout(text);
  } else {
    writeOutput(path.resolve(ctx.io.cwd, flags.output), text);
    if (!ctx.global.quiet) ctx.io.stderr(`report written to ${flags.output}\n`);
  }
}

/**
 * The model's options from the config. `configured` says where each source's facts are
 * stored (a GitLab project named by id is known by its path only through the store).
 */
export function modelOptions(config: Config, environment: string, configured = configuredSources(config.sources, null)): ModelOptions {
  const configuredEnvironments = new Map<RepoId, string[]>();
  for (const { source, repoId } of configured) {
    if (repoId !== null && source.deployments.environments) configuredEnvironments.set(repoId, source.deployments.environments);
  }
  return {
    environment,
    configuredEnvironments,
    excludedAuthors: config.exclude.authors,
    attributionWindowSeconds: parseDuration(config.failure.attributionWindow)!,
    reworkLabels: config.failure.reworkLabels,
    leadTimeUnit: config.leadTime.unit,
  };
}

/**
 * The metrics of every configured team over its repositories within the scope (a team
 * none of whose repositories is in scope is left out); undefined when the config has no
 * teams, so the document has no `byTeam`.
 */
function teamBreakdown(config: Config, model: Model, window: Window, repos: readonly RepoId[]): Record<string, MetricsResult> | undefined {
  const teams = Object.entries(config.teams);
  if (teams.length === 0) return undefined;
  const inScope = new Set(repos);
  const byTeam: Record<string, MetricsResult> = {};
  for (const [team, members] of teams) {
    const teamRepos = [...new Set(members.filter((repo) => inScope.has(repo)))].sort();
    if (teamRepos.length > 0) byTeam[team] = computeMetrics(model, window, teamRepos);
  }
  return byTeam;
}

/**
 * The terminal's width for the table: `COLUMNS` when set (a shell may export it, and tests
 * pass it through the Io's environment), else what Node.js knows of the process's stdout
 * when that is a terminal. Only asked when the report goes to a terminal.
 */
function terminalWidth(env: Record<string, string | undefined>): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return typeof columns === 'number' && columns > 0 ? columns : undefined;
}

function checkRepoFlag(value: string): RepoId {
  if (!isSourceName(value)) throw new UsageError(`--repo "${value}" is not a repository id`, SOURCE_NAME_HINT);
  return value;
}

function teamMembers(config: Config, team: string): RepoId[] {
  const members = config.teams[team];
  if (!members) {
    const known = Object.keys(config.teams);
    throw new UsageError(
      `--team "${team}" is not in the config's "teams"`,
      known.length > 0 ? `known teams: ${known.join(', ')}` : 'define teams in dorametrics.config.json',
    );
  }
  return members;
}

/**
 * The repositories a report covers: those named by `--repo` and `--team` (both narrow, so
 * together they intersect), else every repository the store or the config knows.
 */
function resolveScope(
  storedRepos: readonly RepoId[],
  configured: readonly ConfiguredSource[],
  requestedNames: string[],
  teamRepos: RepoId[] | undefined,
  team: string | undefined,
): { repos: RepoId[]; warnings: string[] } {
  const stored = new Set<RepoId>(storedRepos);
  const known = new Set([...stored, ...configured.flatMap(({ repoId }) => (repoId === null ? [] : [repoId]))]);
  const requested = requestedNames.map((name) => (isProjectIdLabel(name) ? projectById(configured, name) : name));
  for (const repo of requested) {
    if (!known.has(repo)) {
      throw new UsageError(
        `--repo "${repo}" is neither in the store nor in the config`,
        known.size > 0 ? `known repositories: ${[...known].sort().join(', ')}` : 'record or sync something first',
      );
    }
  }
  let repos: RepoId[];
  if (requested.length > 0 && teamRepos) {
    repos = requested.filter((repo) => teamRepos.includes(repo));
    if (repos.length === 0) throw new UsageError(`none of the --repo values belongs to --team "${team}"`);
  } else {
    repos = requested.length > 0 ? requested : teamRepos ?? [...known];
  }
  repos = [...new Set(repos)].sort();
  const warnings = repos.filter((repo) => !stored.has(repo)).map((repo) => `${repo}: nothing stored yet (run "dorametrics sync" or "dorametrics record")`);
  return { repos, warnings };
}

/** The stored repository of a GitLab project `--repo gitlab:<id>` names by its configured id. */
function projectById(configured: readonly ConfiguredSource[], label: string): RepoId {
  const source = configured.find((candidate) => candidate.label === label);
  if (!source) {
    throw new UsageError(
      `--repo "${label}" names no configured source`,
      'a GitLab project is named by id only when its source says "project": <id>; otherwise use gitlab:group/project',
    );
  }
  if (source.repoId === null) throw new UsageError(`--repo "${label}": the project was never synced into this store`, 'run "dorametrics sync" first');
  return source.repoId;
}

function writeOutput(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`--output "${file}" cannot be written: ${(error as Error).message}`);
  }
}

/** How stale a source may be, against the window's end or now, before the report says so. */
const SYNC_GRACE_MS = 60 * 60 * 1000;

/**
 * Data notes for configured sources that were never synced, or last synced well before the
 * window ends (or before now, for a window still running): what happened since is missing.
 */
function freshnessNotes(
  states: readonly SyncState[],
  configured: readonly ConfiguredSource[],
  repos: readonly RepoId[],
  narrowed: boolean,
  window: Window,
  now: Date,
): string[] {
  const lastSync = new Map<string, number>();
  for (const state of states) lastSync.set(state.source, Math.max(lastSync.get(state.source) ?? 0, state.updatedAt));
  const horizon = Math.min(window.to, now.getTime()) - SYNC_GRACE_MS;
  const notes: string[] = [];
  for (const { label, repoId } of configured) {
    // A project configured by id and never synced has no repository id to be in scope with:
    // the whole-store report names it; a report narrowed by --repo or --team is not about it.
    if (repoId === null) {
      if (!narrowed) notes.push(`${label}: configured but never synced (run "dorametrics sync")`);
      continue;
    }
    if (!repos.includes(repoId)) continue;
    const last = lastSync.get(repoId);
    if (last === undefined) notes.push(`${repoId}: configured but never synced (run "dorametrics sync")`);
    else if (last < horizon) notes.push(`${repoId}: last synced ${new Date(last).toISOString()}; anything later is missing from this report`);
  }
  return notes;
}
