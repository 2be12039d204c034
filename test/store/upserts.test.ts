import { describe, expect, it } from 'vitest';
import {
  clearSyncState,
  ensureRepository,
  getIncident,
  getSyncState,
  listSyncStates,
  loadFacts,
  saveSyncState,
  transaction,
  upsertCommits,
  upsertDeployments,
  upsertIncidents,
  upsertPullRequests,
  upsertRepositories,
  withStore,
  type Store,
} from '../../src/store/index.js';
import { tempStorePath } from '../helpers/store.js';
import { commit, deployment, incident, pullRequest, repository, T0 } from './fixtures.js';

function tableCounts(store: Store): Record<string, number> {
  const tables = ['repositories', 'commits', 'pull_requests', 'pull_request_commits', 'deployments',
    'deployment_statuses', 'incidents', 'sync_state'];
  return Object.fromEntries(
    tables.map((table) => [table, store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number]),
  );
}

function writeAll(store: Store): void {
  upsertRepositories(store, [repository(), repository({ id: 'gitlab:acme/pay', forge: 'gitlab', fullName: 'acme/pay' })]);
  upsertCommits(store, [commit(), commit({ sha: 'b'.repeat(40), parents: [] })]);
  upsertPullRequests(store, [pullRequest(), pullRequest({ id: 'github:acme/shop:pr:13', number: 13 })]);
  upsertDeployments(store, [deployment()]);
  upsertIncidents(store, [incident()]);
}

describe('upserts', () => {
  it('are idempotent: writing the same facts twice leaves the same rows', () => {
    withStore(tempStorePath(), (store) => {
      writeAll(store);
      const once = { counts: tableCounts(store), facts: loadFacts(store) };
      writeAll(store);
      expect(tableCounts(store)).toEqual(once.counts);
      expect(loadFacts(store)).toEqual(once.facts);
      expect(once.counts).toEqual({
        repositories: 2, commits: 2, pull_requests: 2, pull_request_commits: 4, deployments: 1,
        deployment_statuses: 3, incidents: 1, sync_state: 0,
      });
    });
  });

  it('replace a pull request\'s commit list and a deployment\'s status history', () => {
    withStore(tempStorePath(), (store) => {
      upsertPullRequests(store, [pullRequest()]);
      upsertDeployments(store, [deployment()]);
      const force = pullRequest({ title: 'Force-pushed', commits: [{ sha: '9'.repeat(40), authoredAt: T0 - 1 }] });
      upsertPullRequests(store, [force]);
      const redeployed = deployment({ status: 'failure', statuses: [{ state: 'failure', at: T0 }] });
      upsertDeployments(store, [redeployed]);
      const facts = loadFacts(store);
      expect(facts.pullRequests).toEqual([force]);
      expect(facts.deployments).toEqual([redeployed]);
      expect(tableCounts(store)).toMatchObject({ pull_request_commits: 1, deployment_statuses: 1 });
    });
  });

  it('keep what a thinner record of the same commit does not know', () => {
    withStore(tempStorePath(), (store) => {
      upsertCommits(store, [commit()]);
      upsertCommits(store, [commit({ authoredAt: null, committedAt: null, author: null, parents: [] })]);
      expect(loadFacts(store).commits).toEqual([commit()]);
    });
  });

  it('keep a pull request\'s updated_at and closed_at unless the caller sets them', () => {
    withStore(tempStorePath(), (store) => {
      upsertPullRequests(store, [{ ...pullRequest(), updatedAt: T0 + 1, closedAt: T0 + 2 }]);
      upsertPullRequests(store, [pullRequest()]);
      const row = () => store.db.prepare('SELECT updated_at, closed_at FROM pull_requests').get();
      expect(row()).toEqual({ updated_at: T0 + 1, closed_at: T0 + 2 });
      upsertPullRequests(store, [{ ...pullRequest(), updatedAt: T0 + 3, closedAt: null }]);
      expect(row()).toEqual({ updated_at: T0 + 3, closed_at: null });
    });
  });

  it('keep a deployment\'s ref unless the caller sets it', () => {
    withStore(tempStorePath(), (store) => {
      upsertDeployments(store, [{ ...deployment(), ref: 'v1.2.0' }]);
      upsertDeployments(store, [deployment()]);
      expect(store.db.prepare('SELECT ref FROM deployments').pluck().get()).toBe('v1.2.0');
    });
  });

  it('count what is new or changed, so a re-read of unchanged facts counts nothing (the sync summary)', () => {
    withStore(tempStorePath(), (store) => {
      expect(upsertDeployments(store, [deployment()])).toBe(1);
      expect(upsertDeployments(store, [deployment()])).toBe(0);
      // Without a ref the stored one stays: no change.
      expect(upsertDeployments(store, [{ ...deployment(), ref: undefined }])).toBe(0);
      expect(upsertDeployments(store, [{ ...deployment(), ref: 'v1.2.0' }])).toBe(1);
      // A status history that grew is a change, even when the row is the same.
      const later = deployment({ statuses: [...deployment().statuses, { state: 'destroyed', at: T0 + 10 * 3_600_000 }] });
      expect(upsertDeployments(store, [later, deployment({ id: 'github:acme/shop:deployment:43' })])).toBe(2);
      expect(loadFacts(store).deployments.find((d) => d.id === deployment().id)!.statuses).toHaveLength(4);
      expect(upsertDeployments(store, [later])).toBe(0);

      expect(upsertPullRequests(store, [pullRequest()])).toBe(1);
      expect(upsertPullRequests(store, [pullRequest()])).toBe(0);
      // Unknown updated_at and closed_at keep the stored ones: no change.
      expect(upsertPullRequests(store, [{ ...pullRequest(), updatedAt: undefined, closedAt: undefined }])).toBe(0);
      // A commit listed twice is stored once, and reading it so again is no change.
      const twice = pullRequest({ commits: [...pullRequest().commits, pullRequest().commits[0]!] });
      expect(upsertPullRequests(store, [twice])).toBe(0);
      // A force-push that dropped a commit is a change of the commit list alone.
      expect(upsertPullRequests(store, [pullRequest({ commits: pullRequest().commits.slice(0, 1) })])).toBe(1);
      expect(loadFacts(store).pullRequests[0]!.commits).toHaveLength(1);
      expect(upsertPullRequests(store, [pullRequest({ commits: pullRequest().commits.slice(0, 1), title: 'Renamed' })])).toBe(1);

      expect(upsertIncidents(store, [incident()])).toBe(1);
      expect(upsertIncidents(store, [incident()])).toBe(0);
      expect(upsertIncidents(store, [incident({ resolvedAt: null }), incident({ id: 'github:acme/shop:incident:INC-8' })])).toBe(2);
      expect(upsertIncidents(store, [])).toBe(0);
    });
  });

  it('ensureRepository inserts a bare row parsed from the id and never overwrites a full one', () => {
    withStore(tempStorePath(), (store) => {
      ensureRepository(store, 'gitlab:acme/platform/payments');
      upsertRepositories(store, [repository()]);
      ensureRepository(store, 'github:acme/shop');
      expect(loadFacts(store).repositories).toEqual([
        repository(),
        { id: 'gitlab:acme/platform/payments', forge: 'gitlab', fullName: 'acme/platform/payments', defaultBranch: null, webUrl: null },
      ]);
      expect(() => ensureRepository(store, 'acme/shop')).toThrow(/not a repository id/);
    });
  });

  it('roll back together inside one transaction', () => {
    withStore(tempStorePath(), (store) => {
      expect(() =>
        transaction(store, () => {
          upsertIncidents(store, [incident()]);
          upsertCommits(store, [commit()]);
          throw new Error('crash mid-page');
        }),
      ).toThrow('crash mid-page');
      expect(tableCounts(store)).toMatchObject({ incidents: 0, commits: 0 });
    });
  });

  it('getIncident reads one incident back', () => {
    withStore(tempStorePath(), (store) => {
      upsertIncidents(store, [incident()]);
      expect(getIncident(store, incident().id)).toEqual(incident());
      expect(getIncident(store, 'github:acme/shop:incident:nope')).toBeNull();
    });
  });
});

describe('sync state', () => {
  it('saves, reads, lists and clears the cursor and marks of each resource', () => {
    withStore(tempStorePath(), (store) => {
      const prs = {
        source: 'github:acme/shop', resource: 'pull_requests', cursor: 'Y3Vyc29yOjEwMA==',
        highWater: '2026-11-01T00:00:00Z', pendingHighWater: '2026-11-02T00:00:00Z', configHash: 'abc', etag: 'W/"a1b2"', updatedAt: T0,
      };
      const deployments = { ...prs, resource: 'deployments', cursor: null, pendingHighWater: null };
      saveSyncState(store, prs);
      saveSyncState(store, deployments);
      saveSyncState(store, { ...prs, cursor: null, highWater: prs.pendingHighWater, pendingHighWater: null });
      expect(getSyncState(store, 'github:acme/shop', 'pull_requests')).toEqual({
        ...prs, cursor: null, highWater: '2026-11-02T00:00:00Z', pendingHighWater: null,
      });
      expect(listSyncStates(store).map((s) => s.resource)).toEqual(['deployments', 'pull_requests']);
      clearSyncState(store, 'github:acme/shop', 'deployments');
      expect(getSyncState(store, 'github:acme/shop', 'deployments')).toBeNull();
      clearSyncState(store, 'github:acme/shop');
      expect(listSyncStates(store)).toEqual([]);
    });
  });
});
