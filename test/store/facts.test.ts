import { describe, expect, it, vi } from 'vitest';
import type { Commit, Deployment, PullRequest } from '../../src/domain/types.js';
import {
  loadFacts,
  transaction,
  upsertCommits,
  upsertDeployments,
  upsertIncidents,
  upsertPullRequests,
  upsertRepositories,
  withStore,
} from '../../src/store/index.js';
import { seedStore, tempStorePath } from '../helpers/store.js';
import { commit, deployment, incident, pullRequest, repository, T0 } from './fixtures.js';

describe('loadFacts', () => {
  it('round-trips every field of every fact', () => {
    const file = tempStorePath();
    const facts = {
      repositories: [repository(), repository({ id: 'gitlab:acme/pay', forge: 'gitlab' as const, fullName: 'acme/pay', defaultBranch: null, webUrl: null })],
      commits: [commit(), commit({ sha: 'b'.repeat(40), authoredAt: null, committedAt: null, author: null, parents: [] })],
      pullRequests: [
        pullRequest(),
        pullRequest({
          id: 'gitlab:acme/pay:pr:3', repoId: 'gitlab:acme/pay', number: 3, author: null, isBot: true, labels: [],
          firstCommitAt: null, firstReviewAt: null, mergedAt: null, mergeCommitSha: null, squashCommitSha: null,
          headSha: null, baseBranch: null, state: 'open', isDraft: true, url: null, commits: [], body: '',
        }),
      ],
      deployments: [
        deployment(),
        deployment({ id: 'gitlab:acme/pay:deployment:7', repoId: 'gitlab:acme/pay', tier: null, finishedAt: null, statuses: [], url: null, status: 'running' }),
      ],
      incidents: [incident(), incident({ id: 'gitlab:acme/pay:incident:1', repoId: 'gitlab:acme/pay', resolvedAt: null, severity: null, url: null, body: '' })],
    };
    seedStore(file, facts);
    expect(withStore(file, loadFacts)).toEqual(facts);
  });

  it('returns every array in a deterministic order, whatever the insertion order', () => {
    const file = tempStorePath();
    const shas = ['f', '0', 'a', '5'].map((c) => c.repeat(40));
    seedStore(file, {
      commits: shas.map((sha) => commit({ sha })),
      pullRequests: [9, 1, 5].map((n) => pullRequest({ id: `github:acme/shop:pr:${n}`, number: n })),
      deployments: ['z', 'a'].map((k) => deployment({ id: `github:acme/shop:deployment:${k}` })),
      incidents: ['b', 'a'].map((k) => incident({ id: `github:acme/shop:incident:${k}` })),
    });
    const facts = withStore(file, loadFacts);
    expect(facts.commits.map((c) => c.sha)).toEqual([...shas].sort());
    expect(facts.pullRequests.map((p) => p.number)).toEqual([1, 5, 9]);
    expect(facts.deployments.map((d) => d.id.at(-1))).toEqual(['a', 'z']);
    expect(facts.incidents.map((i) => i.id.at(-1))).toEqual(['a', 'b']);
    // The PR's commits keep the forge's order, not sha order.
    expect(facts.pullRequests[0]!.commits.map((c) => c.sha[0])).toEqual(['1', '2']);
    expect(facts.repositories.map((r) => r.id)).toEqual(['github:acme/shop']);
  });

  it('loads 100k commits, 20k PRs (3 commits each) and 5k deployments with one read per table', () => {
    const file = tempStorePath();
    const hex = (n: number) => n.toString(16).padStart(40, '0');
    const commits: Commit[] = [];
    for (let i = 0; i < 100_000; i++) {
      commits.push(commit({ sha: hex(i), authoredAt: T0 + i, committedAt: T0 + i, parents: i === 0 ? [] : [hex(i - 1)] }));
    }
    const prs: PullRequest[] = [];
    for (let n = 1; n <= 20_000; n++) {
      prs.push(pullRequest({
        id: `github:acme/shop:pr:${n}`, number: n, mergeCommitSha: hex(n * 5),
        commits: [0, 1, 2].map((k) => ({ sha: hex(n * 5 - k), authoredAt: T0 + n })),
      }));
    }
    const deployments: Deployment[] = [];
    for (let k = 0; k < 5_000; k++) {
      deployments.push(deployment({ id: `github:acme/shop:deployment:${k}`, sha: hex(k * 20) }));
    }
    withStore(file, (store) => {
      transaction(store, () => {
        upsertRepositories(store, [repository()]);
        upsertCommits(store, commits);
        upsertPullRequests(store, prs);
        upsertDeployments(store, deployments);
        upsertIncidents(store, [incident()]);
      });
    });

    withStore(file, (store) => {
      // Count the reads that reach SQLite: one per table, however many rows there are (the
      // snapshot transaction's BEGIN and COMMIT are `run`s and not counted).
      const probe = store.db.prepare('SELECT 1');
      const runs = (['all', 'get', 'iterate'] as const).map((method) => vi.spyOn(Object.getPrototypeOf(probe), method));
      const facts = loadFacts(store);
      const executions = runs.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
      runs.forEach((spy) => spy.mockRestore());
      expect(executions).toBe(7);

      // Tests do not time things: `npm run bench` prints how long a report over such a store takes.
      expect(facts.commits).toHaveLength(100_000);
      expect(facts.pullRequests).toHaveLength(20_000);
      expect(facts.pullRequests.reduce((sum, pr) => sum + pr.commits.length, 0)).toBe(60_000);
      expect(facts.deployments).toHaveLength(5_000);
      expect(facts.deployments.every((d) => d.statuses.length === 3)).toBe(true);
    });
  });
});
