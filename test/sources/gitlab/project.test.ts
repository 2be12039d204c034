import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../../src/config/schema.js';
import type { GitLabSourceConfig } from '../../../src/sources/gitlab/context.js';
import { harvestProject } from '../../../src/sources/gitlab/project.js';
import {
  findRepositoryByForgeId,
  getRepository,
  getSyncState,
  loadFacts,
  openStore,
  closeStore,
  saveSyncState,
  setForgeIdentity,
  upsertDeployments,
  upsertRepositories,
  withStore,
} from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { GITLAB_API_PATH, GITLAB_HOST, gitlabFixture, testGitLabClient, useNock } from '../../helpers/gitlab.js';
import { tempStorePath } from '../../helpers/store.js';
import { deployment, repository } from '../../store/fixtures.js';

useNock();

// GitLab's "Get a single project" answer for project 42, now at acme/finance/ledger.
const PROJECT = gitlabFixture('project-by-id', 'project.json');
const IDENTITY = { forgeId: 42, apiBaseUrl: GITLAB_HOST };

const source = (project: string | number) => sourceSchema.parse({ type: 'gitlab', project, baseUrl: GITLAB_HOST }) as GitLabSourceConfig;

async function harvest(project: string | number, storePath = tempStorePath()) {
  const store = openStore(storePath);
  const warnings: string[] = [];
  const client = testGitLabClient();
  try {
    const result = await harvestProject(client, store, source(project), (message) => warnings.push(message));
    return { result, warnings, requests: client.requests, storePath };
  } finally {
    closeStore(store);
  }
}

describe('harvestProject', () => {
  it('by numeric id: one request to /projects/42, stored under the path GitLab gives, with the id recorded', async () => {
    nock(GITLAB_HOST).get(`${GITLAB_API_PATH}/projects/42`).reply(200, PROJECT);
    const { result, warnings, requests, storePath } = await harvest(42);
    expect(requests).toBe(1);
    expect(warnings).toEqual([]);
    expect(result).toEqual({
      projectId: 42,
      repository: {
        id: 'gitlab:acme/finance/ledger',
        forge: 'gitlab',
        fullName: 'acme/finance/ledger',
        defaultBranch: 'trunk',
        webUrl: 'https://gitlab.example.com/acme/finance/ledger',
      },
    });
    withStore(storePath, (store) => {
      expect(getRepository(store, 'gitlab:acme/finance/ledger')).toEqual(result.repository);
      expect(findRepositoryByForgeId(store, 'gitlab', IDENTITY)).toBe('gitlab:acme/finance/ledger');
    });
  });

  it('by path: stored under the configured path; a path GitLab answers through a redirect gets a note', async () => {
    nock(GITLAB_HOST).get(`${GITLAB_API_PATH}/projects/acme%2Ffinance%2Fledger`).reply(200, PROJECT);
    const current = await harvest('acme/finance/ledger');
    expect(current.result.repository.id).toBe('gitlab:acme/finance/ledger');
    expect(current.warnings).toEqual([]);

    nock(GITLAB_HOST).get(`${GITLAB_API_PATH}/projects/acme%2Fpayments`).reply(200, PROJECT);
    const renamed = await harvest('acme/payments');
    expect(renamed.result.repository).toMatchObject({ id: 'gitlab:acme/payments', fullName: 'acme/payments', defaultBranch: 'trunk' });
    expect(renamed.warnings).toEqual([
      'gitlab:acme/payments: GitLab now names this project acme/finance/ledger (renamed or moved); ' +
        'set "project" to "acme/finance/ledger" or to its id 42, which survives moves',
    ]);
  });

  it('moves what the store holds under an earlier path of project 42 to its current one, and says so', async () => {
    const storePath = tempStorePath();
    withStore(storePath, (store) => {
      upsertRepositories(store, [repository({ id: 'gitlab:acme/payments', forge: 'gitlab', fullName: 'acme/payments' })]);
      setForgeIdentity(store, 'gitlab:acme/payments', IDENTITY);
      upsertDeployments(store, [deployment({ id: 'gitlab:acme/payments:deployment:9', repoId: 'gitlab:acme/payments' })]);
      saveSyncState(store, { source: 'gitlab:acme/payments', resource: 'deployments', cursor: null, highWater: '2026-03-01T00:00:00.000Z', pendingHighWater: null, configHash: 'h', updatedAt: 0 });
      // The same id on another GitLab is another project: left alone.
      upsertRepositories(store, [repository({ id: 'gitlab:acme/other', forge: 'gitlab', fullName: 'acme/other' })]);
      setForgeIdentity(store, 'gitlab:acme/other', { forgeId: 42, apiBaseUrl: 'https://gitlab.com' });
    });
    nock(GITLAB_HOST).get(`${GITLAB_API_PATH}/projects/42`).reply(200, PROJECT);
    const { warnings } = await harvest(42, storePath);
    expect(warnings).toEqual([
      'gitlab:acme/finance/ledger: project 42 was stored as gitlab:acme/payments before (renamed or moved); its history moved to ' +
        'gitlab:acme/finance/ledger (0 commits, 0 merge requests, 1 deployment, 0 incidents); "teams" and "services" entries ' +
        'that name gitlab:acme/payments should name gitlab:acme/finance/ledger now',
    ]);
    withStore(storePath, (store) => {
      expect(loadFacts(store).repositories.map((repo) => repo.id).sort()).toEqual(['gitlab:acme/finance/ledger', 'gitlab:acme/other']);
      expect(loadFacts(store).deployments.map((d) => d.id)).toEqual(['gitlab:acme/finance/ledger:deployment:9']);
      expect(getSyncState(store, 'gitlab:acme/finance/ledger', 'deployments')?.highWater).toBe('2026-03-01T00:00:00.000Z');
      expect(getRepository(store, 'gitlab:acme/finance/ledger')?.defaultBranch).toBe('trunk');
    });
  });

  it('an unknown id is a 404 naming the endpoint (exit 3), and nothing is written', async () => {
    nock(GITLAB_HOST).get(`${GITLAB_API_PATH}/projects/43`).reply(404, { message: '404 Project Not Found' });
    const storePath = tempStorePath();
    const error = await harvest(43, storePath).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toBe('GET /api/v4/projects/43 answered 404: 404 Project Not Found');
    expect((error as ForgeError).exitCode).toBe(3);
    withStore(storePath, (store) => expect(loadFacts(store).repositories).toEqual([]));
  });
});
