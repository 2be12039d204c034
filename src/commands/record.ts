import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { deploymentId, incidentId, parseRepoId } from '../domain/ids.js';
import type { Deployment, Incident, RepoId } from '../domain/types.js';
import { resolveRepo, serviceMapOf } from '../importers/repos.js';
import {
  ensureRepository,
  getIncident,
  transaction,
  upsertDeployments,
  upsertIncidents,
  withStore,
} from '../store/index.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { isoUtc, parseInstant } from '../util/time.js';
import type { CommandContext } from './context.js';

/**
 * `record deployment` and `record incident` (SPEC §2): one event from a CI job or an on-call
 * tool. Every flag is validated before the store is opened, so bad usage writes nothing
 * (SPEC §2, exit 2). Recording the same id again updates the same row (SPEC §4).
 */

export interface RecordDeploymentOptions {
  repo: string;
  sha: string;
  env: string;
  status: string;
  at?: string;
  id?: string;
}

export interface RecordIncidentOptions {
  repo: string;
  id: string;
  opened?: string;
  resolved?: string;
  title?: string;
  body?: string;
  severity?: string;
  url?: string;
}

const SHA = /^[0-9a-f]{7,40}$/i;
const STATUS = /^[a-z][a-z_]*$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

export async function recordDeployment(options: RecordDeploymentOptions, ctx: CommandContext): Promise<number> {
  const repo = repoFlag(options.repo);
  const sha = options.sha.trim().toLowerCase();
  if (!SHA.test(sha)) {
    throw new UsageError(`--sha: "${options.sha}" is not a commit sha (7 to 40 hex characters)`);
  }
  const environment = requiredText('--env', options.env);
  const status = options.status.trim().toLowerCase();
  if (!STATUS.test(status)) {
    throw new UsageError(`--status: "${options.status}" is not a status such as success, failure, error or in_progress`);
  }
  const at = options.at === undefined ? ctx.io.now().getTime() : instantFlag('--at', options.at);
  // With --id the caller owns the identity (a pipeline id); without it, the same event
  // recorded twice (a retried CI step) still lands on one row.
  const key = options.id === undefined
    ? `record:${environment}:${sha}:${status}:${isoUtc(at)}`
    : `record:${requiredText('--id', options.id)}`;
  const deployment: Deployment = {
    id: deploymentId(repo, key),
    repoId: repo,
    environment,
    tier: null,
    sha,
    source: 'record',
    status,
    createdAt: at,
    finishedAt: at,
    statuses: [{ state: status, at }],
    url: null,
  };

  withStore(ctx.global.dbPath, (store) => {
    transaction(store, () => {
      ensureRepository(store, repo);
      upsertDeployments(store, [deployment]);
    });
  });
  if (!ctx.global.quiet) {
    ctx.io.stderr(
      `recorded deployment of ${sha.slice(0, 12)} to ${environment} (${status}, ${isoUtc(at)}) for ${repo} in ${displayPath(ctx, ctx.global.dbPath)}\n`,
    );
  }
  return ExitCode.ok;
}

export async function recordIncident(options: RecordIncidentOptions, ctx: CommandContext): Promise<number> {
  const repo = incidentRepoFlag(options.repo, ctx);
  const key = requiredText('--id', options.id);
  const opened = options.opened === undefined ? undefined : instantFlag('--opened', options.opened);
  const resolved = options.resolved === undefined ? undefined : instantFlag('--resolved', options.resolved);
  if (opened !== undefined && resolved !== undefined && resolved < opened) {
    throw new UsageError(`--resolved: ${isoUtc(resolved)} is before --opened ${isoUtc(opened)}`);
  }
  const url = options.url === undefined ? undefined : urlFlag(options.url);
  const id = incidentId(repo, key);
  // Without a store there is no incident to update: say so before creating an empty store.
  if (opened === undefined && !existsSync(ctx.global.dbPath)) throw missingOpened(key, repo);

  const { incident, created } = withStore(ctx.global.dbPath, (store) =>
    transaction(store, () => {
      // Read and write in one immediate transaction: a concurrent `record` of the same id
      // cannot slip in between.
      const existing = getIncident(store, id);
      if (!existing && opened === undefined) throw missingOpened(key, repo);
      const createdAt = opened ?? existing!.createdAt;
      const resolvedAt = resolved ?? existing?.resolvedAt ?? null;
      if (resolvedAt !== null && resolvedAt < createdAt) {
        throw new UsageError(
          `--resolved: ${isoUtc(resolvedAt)} is before the incident was opened (${isoUtc(createdAt)})`,
        );
      }
      // Flags not given keep what was recorded before (`--resolved` alone closes an incident).
      const next: Incident = {
        id,
        repoId: repo,
        title: options.title ?? existing?.title ?? '',
        body: options.body ?? existing?.body ?? '',
        source: existing?.source ?? 'record',
        createdAt,
        resolvedAt,
        severity: options.severity ?? existing?.severity ?? null,
        url: url ?? existing?.url ?? null,
      };
      ensureRepository(store, repo);
      upsertIncidents(store, [next]);
      return { incident: next, created: existing === null };
    }),
  );
  if (!ctx.global.quiet) {
    const state = incident.resolvedAt === null ? 'open' : `resolved ${isoUtc(incident.resolvedAt)}`;
    ctx.io.stderr(
      `${created ? 'recorded' : 'updated'} incident ${key} for ${repo} (${state}) in ${displayPath(ctx, ctx.global.dbPath)}\n`,
    );
  }
  return ExitCode.ok;
}

function repoFlag(value: string): RepoId {
  const repo = value.trim();
  if (!parseRepoId(repo)) {
    throw new UsageError(
      `--repo: "${value}" is not a repository id`,
      'write it as github:owner/repo or gitlab:group/project',
    );
  }
  return repo;
}

/** `record incident --repo` also takes a service name mapped in the config's `services`. */
function incidentRepoFlag(value: string, ctx: CommandContext): RepoId {
  if (parseRepoId(value.trim())) return value.trim();
  // The config is only read when it is needed, so a plain repository id works without one.
  const config = loadConfig(ctx.global.configPath, ctx.global.configExplicit);
  const repo = resolveRepo(value, serviceMapOf(config.services));
  if (!repo) {
    throw new UsageError(
      `--repo: "${value}" is neither a repository id nor a service named in the config's "services"`,
      'write it as github:owner/repo or gitlab:group/project, or map the service in "services"',
    );
  }
  return repo;
}

function requiredText(flag: string, value: string): string {
  const text = value.trim();
  if (text === '') throw new UsageError(`${flag}: must not be empty`);
  return text;
}

/**
 * An instant given on the command line: a time with `Z` or an offset, or a date (midnight
 * UTC). A time without a zone is refused rather than guessed, because a CI runner's and an
 * on-call tool's local zones differ and SPEC §5 measures UTC instants.
 */
function instantFlag(flag: string, value: string): number {
  const text = value.trim();
  if (!DATE_ONLY.test(text) && !HAS_ZONE.test(text) && parseInstant(text, 'UTC') !== null) {
    throw new UsageError(`${flag}: "${value}" has no time zone`, 'add Z or an offset, e.g. 2026-11-02T14:03:00Z');
  }
  const instant = parseInstant(text, 'UTC');
  if (instant === null) {
    throw new UsageError(`${flag}: "${value}" is not an ISO date or time`, 'e.g. 2026-11-02T14:03:00Z or 2026-11-02');
  }
  return instant;
}

function urlFlag(value: string): string {
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.trim();
  } catch {
    // Reported below.
  }
  throw new UsageError(`--url: "${value}" is not an http(s) URL`);
}

function missingOpened(key: string, repo: RepoId): UsageError {
  return new UsageError(
    `--opened: required for a new incident (no incident "${key}" is recorded for ${repo})`,
    'pass --opened with the time it was opened, e.g. --opened 2026-11-02T15:00:00Z',
  );
}

function displayPath(ctx: CommandContext, file: string): string {
  const relative = path.relative(ctx.io.cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
