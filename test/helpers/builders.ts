import type { Commit, Deployment, Facts, Incident, PullRequest, Repository } from '../../src/domain/types.js';
import { buildModel, type ModelOptions } from '../../src/metrics/model.js';
import { computeMetrics } from '../../src/metrics/engine.js';
import type { MetricsResult, Window } from '../../src/metrics/types.js';

/** Small builders for metric tests: every fact with sensible defaults, overridable. */

export const REPO = 'github:acme/shop';
export const HOUR = 3_600;
export const DAY = 86_400;

/** Epoch ms of an ISO time. */
export const at = (iso: string): number => {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`bad time in test: ${iso}`);
  return value;
};

/** A readable, valid 40-hex sha: `sha('c1')` is the hex of "c1" padded with zeros. */
export const sha = (label: string): string => Buffer.from(label).toString('hex').padEnd(40, '0').slice(0, 40);

export function repository(overrides: Partial<Repository> = {}): Repository {
  return { id: REPO, forge: 'github', fullName: 'acme/shop', defaultBranch: 'main', webUrl: 'https://github.com/acme/shop', ...overrides };
}

export function commit(label: string, parents: string[], authored: string, overrides: Partial<Commit> = {}): Commit {
  return {
    repoId: REPO,
    sha: sha(label),
    authoredAt: at(authored),
    committedAt: at(authored),
    author: 'dev',
    parents: parents.map(sha),
    ...overrides,
  };
}

/** A linear history: each label's parent is the one before it. */
export function chain(labels: string[], start: string, stepHours = 1, parentOfFirst: string[] = []): Commit[] {
  return labels.map((label, index) =>
    commit(label, index === 0 ? parentOfFirst : [labels[index - 1]!], new Date(at(start) + index * stepHours * 3_600_000).toISOString()),
  );
}

export function pullRequest(number: number, overrides: Partial<PullRequest> & { merged?: string } = {}): PullRequest {
  const { merged, ...rest } = overrides;
  return {
    id: `${rest.repoId ?? REPO}:pr:${number}`,
    repoId: REPO,
    number,
    title: `PR ${number}`,
    body: '',
    author: 'alice',
    isBot: false,
    labels: [],
    createdAt: at('2026-11-01T00:00:00Z'),
    firstCommitAt: null,
    firstReviewAt: null,
    mergedAt: merged ? at(merged) : null,
    mergeCommitSha: null,
    squashCommitSha: null,
    headSha: null,
    baseBranch: 'main',
    state: merged ? 'merged' : 'open',
    isDraft: false,
    url: `https://github.com/acme/shop/pull/${number}`,
    commits: [],
    ...rest,
  };
}

export function deployment(key: string, commitLabel: string, finished: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: `${overrides.repoId ?? REPO}:deployment:${key}`,
    repoId: REPO,
    environment: 'production',
    tier: null,
    sha: sha(commitLabel),
    source: 'deployments',
    status: 'success',
    createdAt: at(finished) - 60_000,
    finishedAt: at(finished),
    statuses: [],
    url: null,
    ...overrides,
  };
}

export function incident(key: string, opened: string, resolved: string | null, overrides: Partial<Incident> = {}): Incident {
  return {
    id: `${overrides.repoId ?? REPO}:incident:${key}`,
    repoId: REPO,
    title: `Incident ${key}`,
    body: '',
    source: 'issues',
    createdAt: at(opened),
    resolvedAt: resolved === null ? null : at(resolved),
    severity: null,
    url: null,
    ...overrides,
  };
}

export function facts(partial: Partial<Facts>): Facts {
  return {
    repositories: partial.repositories ?? [repository()],
    commits: partial.commits ?? [],
    pullRequests: partial.pullRequests ?? [],
    deployments: partial.deployments ?? [],
    incidents: partial.incidents ?? [],
  };
}

export const defaultOptions: ModelOptions = {
  environment: 'production',
  configuredEnvironments: new Map(),
  excludedAuthors: ['renovate-bot', 'dependabot'],
  attributionWindowSeconds: 24 * HOUR,
  reworkLabels: ['hotfix'],
  leadTimeUnit: 'pr',
};

/** November 2026 from the 1st to the 29th: exactly four weeks. */
export const NOVEMBER: Window = { from: at('2026-11-01T00:00:00Z'), to: at('2026-11-29T00:00:00Z'), timeZone: 'UTC' };

/** Builds the model and computes the metrics over every repository of the facts. */
export function metricsFor(input: Facts, window: Window = NOVEMBER, options: Partial<ModelOptions> = {}): MetricsResult {
  const repoIds = [...new Set([...input.repositories.map((r) => r.id), ...input.deployments.map((d) => d.repoId)])];
  const model = buildModel(input, repoIds, { ...defaultOptions, ...options });
  return computeMetrics(model, window, repoIds);
}
