import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/metrics/engine.js';
import { buildModel } from '../../src/metrics/model.js';
import { listRepositoryIds, loadFacts, loadMetricFacts, withStore } from '../../src/store/index.js';
import {
  NOVEMBER,
  at,
  chain,
  defaultOptions,
  deployment,
  incident,
  pullRequest,
  repository,
  sha,
} from '../helpers/builders.js';
import { seedStore, tempStorePath } from '../helpers/store.js';

const OTHER = 'gitlab:acme/payments';

function seed(path: string) {
  seedStore(path, {
    repositories: [repository(), repository({ id: OTHER, forge: 'gitlab', fullName: 'acme/payments', webUrl: null })],
    commits: [...chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z'), ...chain(['g1', 'g2'], '2026-11-01T00:00:00Z').map((c) => ({ ...c, repoId: OTHER }))],
    pullRequests: [
      pullRequest(1, {
        merged: '2026-11-02T12:00:00Z',
        mergeCommitSha: sha('c2'),
        body: 'A long description that mentions nothing special.',
        labels: ['hotfix'],
        commits: [
          { sha: sha('p2'), authoredAt: at('2026-11-02T05:00:00Z') },
          { sha: sha('p1'), authoredAt: at('2026-11-02T01:00:00Z') },
        ],
      }),
      pullRequest(2, { merged: '2026-11-03T12:00:00Z', mergeCommitSha: sha('c3'), body: 'Reverts acme/shop#1' }),
      pullRequest(3, { body: 'still open' }),
      pullRequest(4, { repoId: OTHER, merged: '2026-11-03T12:00:00Z', headSha: sha('g2'), url: null }),
    ],
    deployments: [
      deployment('1', 'c1', '2026-11-02T00:00:00Z'),
      deployment('2', 'c2', '2026-11-03T00:00:00Z'),
      deployment('3', 'c3', '2026-11-04T00:00:00Z'),
      deployment('g1', 'g1', '2026-11-02T00:00:00Z', { repoId: OTHER }),
      deployment('g2', 'g2', '2026-11-04T00:00:00Z', { repoId: OTHER }),
    ],
    incidents: [incident('I1', '2026-11-03T02:00:00Z', '2026-11-03T03:00:00Z', { body: 'root cause: #1' })],
  });
}

describe('loadMetricFacts', () => {
  it('loads only the repositories in scope, merged PRs, the earliest commit time and revert bodies', () => {
    const path = tempStorePath();
    seed(path);
    const facts = withStore(path, (store) => loadMetricFacts(store, { repoIds: ['github:acme/shop'], commitDetail: false }));
    expect(facts.repositories.map((r) => r.id)).toEqual(['github:acme/shop']);
    expect(facts.commits.map((c) => c.sha)).toEqual([sha('c1'), sha('c2'), sha('c3')].sort());
    expect(facts.commits.find((c) => c.sha === sha('c2'))!.parents).toEqual([sha('c1')]);
    expect(facts.commits.find((c) => c.sha === sha('c1'))!.parents).toEqual([]);
    expect(facts.pullRequests.map((p) => p.number)).toEqual([1, 2]);
    const [first, revert] = facts.pullRequests;
    // The minimum over all commits (the first listed is the later one).
    expect(first!.firstCommitAt).toBe(at('2026-11-02T01:00:00Z'));
    expect(first!.body).toBe('');
    expect(first!.labels).toEqual(['hotfix']);
    expect(revert!.body).toBe('Reverts acme/shop#1');
    expect(facts.deployments).toHaveLength(3);
    expect(facts.incidents).toHaveLength(1);
  });

  it('gives the same metrics as loading every fact', () => {
    const path = tempStorePath();
    seed(path);
    withStore(path, (store) => {
      const repoIds = listRepositoryIds(store);
      expect(repoIds).toEqual(['github:acme/shop', OTHER]);
      for (const leadTimeUnit of ['pr', 'commit'] as const) {
        const options = { ...defaultOptions, leadTimeUnit };
        const slim = loadMetricFacts(store, { repoIds, commitDetail: leadTimeUnit === 'commit' });
        const full = loadFacts(store);
        const metricsOf = (facts: typeof full) => computeMetrics(buildModel(facts, repoIds, options), NOVEMBER, repoIds);
        expect(metricsOf(slim)).toEqual(metricsOf(full));
      }
    });
  });
});
