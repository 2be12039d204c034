import type { Commit, Deployment, Incident, PullRequest, Repository } from '../../src/domain/types.js';

/** Small builders for store tests: every field set, so a round trip checks every column. */

export const T0 = Date.parse('2026-11-02T09:00:00Z');
const HOUR = 3_600_000;

export function repository(overrides: Partial<Repository> = {}): Repository {
  return {
    id: 'github:acme/shop',
    forge: 'github',
    fullName: 'acme/shop',
    defaultBranch: 'main',
    webUrl: 'https://github.com/acme/shop',
    ...overrides,
  };
}

export function commit(overrides: Partial<Commit> = {}): Commit {
  return {
    repoId: 'github:acme/shop',
    sha: 'a'.repeat(40),
    authoredAt: T0,
    committedAt: T0 + HOUR,
    author: 'alice',
    parents: ['b'.repeat(40), 'c'.repeat(40)],
    ...overrides,
  };
}

export function pullRequest(overrides: Partial<PullRequest> = {}): PullRequest {
  return {
    id: 'github:acme/shop:pr:12',
    repoId: 'github:acme/shop',
    number: 12,
    title: 'Speed up checkout',
    body: 'Reverts acme/shop#9',
    author: 'alice',
    isBot: false,
    labels: ['hotfix', 'checkout'],
    createdAt: T0 + 2 * HOUR,
    firstCommitAt: T0,
    firstReviewAt: T0 + 3 * HOUR,
    mergedAt: T0 + 4 * HOUR,
    mergeCommitSha: 'd'.repeat(40),
    squashCommitSha: 'e'.repeat(40),
    headSha: 'f'.repeat(40),
    baseBranch: 'main',
    state: 'merged',
    isDraft: false,
    url: 'https://github.com/acme/shop/pull/12',
    commits: [
      { sha: '1'.repeat(40), authoredAt: T0 },
      { sha: '2'.repeat(40), authoredAt: null },
    ],
    ...overrides,
  };
}

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'github:acme/shop:deployment:42',
    repoId: 'github:acme/shop',
    environment: 'production',
    tier: 'production',
    sha: 'd'.repeat(40),
    source: 'deployments',
    status: 'inactive',
    createdAt: T0 + 5 * HOUR,
    finishedAt: T0 + 6 * HOUR,
    statuses: [
      { state: 'in_progress', at: T0 + 5 * HOUR },
      { state: 'success', at: T0 + 6 * HOUR },
      { state: 'inactive', at: T0 + 9 * HOUR },
    ],
    url: 'https://github.com/acme/shop/deployments/42',
    ...overrides,
  };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'github:acme/shop:incident:INC-7',
    repoId: 'github:acme/shop',
    title: 'Checkout 500s',
    body: 'root cause: dddddddd',
    source: 'record',
    createdAt: T0 + 7 * HOUR,
    resolvedAt: T0 + 8 * HOUR,
    severity: 'SEV2',
    url: 'https://status.acme.test/incidents/7',
    ...overrides,
  };
}
