import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findRepositoryByForgeId,
  getRepository,
  getSyncState,
  loadFacts,
  moveRepository,
  saveSyncState,
  setForgeIdentity,
  upsertCommits,
  upsertDeployments,
  upsertIncidents,
  upsertPullRequests,
  upsertRepositories,
  withStore,
  type Store,
} from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { StoreError } from '../../src/util/errors.js';
import { tempDir, tempStorePath } from '../helpers/store.js';
import { commit, deployment, incident, pullRequest, repository, T0 } from './fixtures.js';

const OLD = 'gitlab:acme/payments';
const NEW = 'gitlab:acme/ledger';
const GITLAB = { forgeId: 42, apiBaseUrl: 'https://gitlab.com' };

/** A GitLab project's facts under `repo`: 2 commits, MR !7 (2 commits), deployment 9 (3 statuses), incident 5. */
function writeProject(store: Store, repo: string, title = 'Ledger export'): void {
  upsertRepositories(store, [repository({ id: repo, forge: 'gitlab', fullName: repo.slice('gitlab:'.length), webUrl: null })]);
  upsertCommits(store, [commit({ repoId: repo }), commit({ repoId: repo, sha: 'b'.repeat(40), parents: [] })]);
  upsertPullRequests(store, [pullRequest({ id: `${repo}:pr:7`, repoId: repo, number: 7, title })]);
  upsertDeployments(store, [deployment({ id: `${repo}:deployment:9`, repoId: repo })]);
  upsertIncidents(store, [incident({ id: `${repo}:incident:5`, repoId: repo })]);
  saveSyncState(store, { source: repo, resource: 'merge_requests', cursor: null, highWater: '2026-11-02T13:00:00.000Z', pendingHighWater: null, configHash: 'h', updatedAt: T0 });
}

function count(store: Store, sql: string): number {
  return store.db.prepare(sql).pluck().get() as number;
}

describe('moveRepository (a GitLab project renamed or moved keeps one history)', () => {
  it('re-keys the repository, its commits, MRs with their commits, deployments with their statuses, incidents and sync state', () => {
    withStore(tempStorePath(), (store) => {
      writeProject(store, OLD);
      setForgeIdentity(store, OLD, GITLAB);
      upsertCommits(store, [commit({ repoId: 'github:acme/shop' })]); // another repository: untouched

      expect(moveRepository(store, OLD, NEW)).toEqual({ commits: 2, pull_requests: 1, deployments: 1, incidents: 1, sync_state: 1 });

      const facts = loadFacts(store);
      expect(facts.repositories.map((repo) => repo.id).sort()).toEqual([NEW]);
      expect(facts.commits.filter((c) => c.repoId === NEW)).toHaveLength(2);
      expect(facts.commits.filter((c) => c.repoId === 'github:acme/shop')).toHaveLength(1);
      expect(facts.pullRequests.map((pr) => [pr.id, pr.repoId, pr.commits.length])).toEqual([[`${NEW}:pr:7`, NEW, 2]]);
      expect(facts.deployments.map((d) => [d.id, d.repoId, d.statuses.length])).toEqual([[`${NEW}:deployment:9`, NEW, 3]]);
      expect(facts.incidents.map((i) => [i.id, i.repoId])).toEqual([[`${NEW}:incident:5`, NEW]]);
      expect(getSyncState(store, NEW, 'merge_requests')?.highWater).toBe('2026-11-02T13:00:00.000Z');
      expect(getSyncState(store, OLD, 'merge_requests')).toBeNull();
      // The identity travels with the row, so the next sync finds the project under its new id.
      expect(findRepositoryByForgeId(store, 'gitlab', GITLAB)).toBe(NEW);
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      expect(count(store, `SELECT COUNT(*) FROM pull_request_commits WHERE pr_id LIKE '${OLD}%'`)).toBe(0);
      expect(count(store, `SELECT COUNT(*) FROM deployment_statuses WHERE deployment_id LIKE '${OLD}%'`)).toBe(0);
    });
  });

  it('keeps the copy already under the new id where both hold the same fact, and drops the old one with its children', () => {
    withStore(tempStorePath(), (store) => {
      writeProject(store, OLD, 'old title');
      writeProject(store, NEW, 'new title');
      // Only under the old id: MR !8 and its two commits, which move.
      upsertPullRequests(store, [pullRequest({ id: `${OLD}:pr:8`, repoId: OLD, number: 8 })]);

      // Each fact of the old id but !8 collides with the new id's copy and is dropped.
      expect(moveRepository(store, OLD, NEW)).toEqual({ commits: 0, pull_requests: 1, deployments: 0, incidents: 0, sync_state: 0 });
      const facts = loadFacts(store);
      expect(facts.pullRequests.map((pr) => [pr.id, pr.title, pr.commits.length])).toEqual([
        [`${NEW}:pr:7`, 'new title', 2],
        [`${NEW}:pr:8`, 'Speed up checkout', 2],
      ]);
      expect(facts.commits).toHaveLength(2);
      expect(facts.deployments).toHaveLength(1);
      expect(facts.incidents).toHaveLength(1);
      // 2 + 2 MR commit rows, 3 status rows: nothing orphaned, nothing left under the old id.
      expect(count(store, 'SELECT COUNT(*) FROM pull_request_commits')).toBe(4);
      expect(count(store, 'SELECT COUNT(*) FROM deployment_statuses')).toBe(3);
      expect(count(store, `SELECT COUNT(*) FROM repositories WHERE id = '${OLD}'`)).toBe(0);
      expect(count(store, `SELECT COUNT(*) FROM sync_state WHERE source = '${OLD}'`)).toBe(0);
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
    });
  });

  it('leaves an id that does not start with the repository prefix as it is', () => {
    withStore(tempStorePath(), (store) => {
      upsertRepositories(store, [repository({ id: OLD, forge: 'gitlab', fullName: 'acme/payments' })]);
      upsertIncidents(store, [incident({ id: 'pagerduty:P123', repoId: OLD })]);
      moveRepository(store, OLD, NEW);
      expect(loadFacts(store).incidents.map((i) => [i.id, i.repoId])).toEqual([['pagerduty:P123', NEW]]);
    });
  });

  it('refuses to move a repository onto itself', () => {
    withStore(tempStorePath(), (store) => {
      expect(() => moveRepository(store, OLD, OLD)).toThrow(StoreError);
    });
  });
});

describe('findRepositoryByForgeId', () => {
  it('finds a project by its id on the same API only, trailing slashes aside', () => {
    withStore(tempStorePath(), (store) => {
      upsertRepositories(store, [
        repository({ id: OLD, forge: 'gitlab', fullName: 'acme/payments' }),
        repository({ id: 'gitlab:other/thing', forge: 'gitlab', fullName: 'other/thing' }),
      ]);
      setForgeIdentity(store, OLD, { forgeId: 42, apiBaseUrl: 'https://gitlab.com/' });
      setForgeIdentity(store, 'gitlab:other/thing', { forgeId: 42, apiBaseUrl: 'https://gitlab.example.com' });
      expect(findRepositoryByForgeId(store, 'gitlab', { forgeId: 42, apiBaseUrl: 'https://gitlab.com' })).toBe(OLD);
      expect(findRepositoryByForgeId(store, 'gitlab', { forgeId: 42, apiBaseUrl: 'https://gitlab.example.com/' })).toBe('gitlab:other/thing');
      expect(findRepositoryByForgeId(store, 'gitlab', { forgeId: 43, apiBaseUrl: 'https://gitlab.com' })).toBeNull();
      expect(findRepositoryByForgeId(store, 'github', { forgeId: 42, apiBaseUrl: 'https://gitlab.com' })).toBeNull();
      expect(getRepository(store, OLD)?.fullName).toBe('acme/payments');
    });
  });
});

describe('migration 3', () => {
  it('upgrades a version 2 store in place: its repositories stay, with no forge identity until the next sync', () => {
    const file = path.join(tempDir(), 'v2.db');
    const v2 = new Database(file);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) v2.exec(migration.sql);
    v2.pragma('user_version = 2');
    v2.prepare("INSERT INTO repositories (id, forge, full_name) VALUES ('gitlab:acme/payments', 'gitlab', 'acme/payments')").run();
    v2.close();

    withStore(file, (store) => {
      expect(getRepository(store, OLD)).toMatchObject({ id: OLD, fullName: 'acme/payments' });
      expect(findRepositoryByForgeId(store, 'gitlab', GITLAB)).toBeNull();
      setForgeIdentity(store, OLD, GITLAB);
      expect(findRepositoryByForgeId(store, 'gitlab', GITLAB)).toBe(OLD);
    });
  });
});
