import { describe, expect, it } from 'vitest';
import { deploymentId } from '../../../src/domain/ids.js';
import type { Deployment } from '../../../src/domain/types.js';
import {
  DEPLOYMENT_SOURCE_HARVESTERS,
  deploymentsFromMerges,
  harvestPipelines,
  harvestReleases,
  harvestTags,
} from '../../../src/sources/gitlab/deployment-sources.js';
import { getSyncState, loadFacts, upsertPullRequests, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { at, pullRequest } from '../../helpers/builders.js';
import { useNock } from '../../helpers/github.js';
import { GITLAB_REPO, gitlabFixture, gitlabGet, gitlabHarness, pageHeaders, sha } from '../../helpers/gitlab-commits.js';

useNock();

const REPO = GITLAB_REPO;
const WEB = 'https://gitlab.example.com/acme/payments';

function deploymentsOf(store: Store): Map<string, Deployment> {
  return new Map(loadFacts(store).deployments.map((deployment) => [deployment.id, deployment]));
}

/** What a non-API source writes: a final status at one instant, with a one-entry status history. */
function finished(key: string, source: string, commit: string, at_: string, extra: Partial<Deployment> = {}): Deployment {
  const status = extra.status ?? 'success';
  return {
    id: deploymentId(REPO, key),
    repoId: REPO,
    environment: 'production',
    tier: null,
    sha: commit,
    source,
    status,
    createdAt: at(at_),
    finishedAt: at(at_),
    statuses: [{ state: status, at: at(at_) }],
    url: null,
    ...extra,
  };
}

describe('DEPLOYMENT_SOURCE_HARVESTERS', () => {
  it('has a harvester for every deployments.from value but the deployments API', () => {
    expect(Object.keys(DEPLOYMENT_SOURCE_HARVESTERS).sort()).toEqual(['merges', 'pipelines', 'releases', 'tags']);
  });
});

describe('harvestReleases', () => {
  function releasesRequest(page: number) {
    return gitlabGet('/releases', { order_by: 'released_at', sort: 'desc', per_page: '100', page: String(page) });
  }

  it('writes released releases at their commit (the upcoming one skipped), reads two pages, and re-syncs with one request', async () => {
    releasesRequest(1).reply(200, gitlabFixture('releases-upcoming-skipped', 'page-1.json'), pageHeaders(1, 2));
    releasesRequest(2).reply(200, gitlabFixture('releases-upcoming-skipped', 'page-2.json'), pageHeaders(2, null));
    const { ctx, client, store, progress, warnings } = gitlabHarness({ deployments: { from: 'releases' } });

    expect(await harvestReleases(ctx)).toBe(3);
    expect(client.requests).toBe(2);
    expect(warnings).toEqual([]);
    expect(progress).toEqual([['releases', 1, 2], ['releases', 2, 3]]);
    const deployments = deploymentsOf(store);
    expect([...deployments.keys()].sort()).toEqual(
      ['release:v1.0.0', 'release:v1.1.0', 'release:v1.2.0'].map((key) => deploymentId(REPO, key)),
    );
    expect(deployments.get(deploymentId(REPO, 'release:v1.2.0'))).toEqual(
      finished('release:v1.2.0', 'releases', sha('92'), '2026-11-20T10:00:00Z', { url: `${WEB}/-/releases/v1.2.0` }),
    );
    // The upcoming release sorts first, so the mark is capped at the time of the sync.
    expect(getSyncState(store, REPO, 'releases')).toMatchObject({ cursor: null, highWater: '2026-11-28T00:00:00.000Z' });

    // Nothing new: page 1 reaches the mark.
    releasesRequest(1).reply(200, gitlabFixture('releases-upcoming-skipped', 'page-1.json'), pageHeaders(1, 2));
    const again = gitlabHarness({ store, deployments: { from: 'releases' } });
    // v1.1.0 and v1.0.0 on that page are read again, unchanged: nothing new or changed.
    expect(await harvestReleases(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(1);
    expect(deploymentsOf(store).size).toBe(3);

    // Once its date has passed, the upcoming release is a deployment.
    const released = gitlabFixture('releases-upcoming-skipped', 'page-1.json');
    released[0].upcoming_release = false;
    releasesRequest(1).reply(200, released, pageHeaders(1, 2));
    const later = gitlabHarness({ store, now: '2026-12-20T00:00:00Z', deployments: { from: 'releases' } });
    // v2.0.0 is new; v1.1.0 and v1.0.0, read again, are not.
    expect(await harvestReleases(later.ctx)).toBe(1);
    expect(later.client.requests).toBe(1);
    expect(deploymentsOf(store).get(deploymentId(REPO, 'release:v2.0.0'))).toMatchObject({
      sha: sha('93'),
      finishedAt: at('2026-12-15T09:00:00Z'),
    });
  });

  it('warns about a release that comes without its commit', async () => {
    const page = gitlabFixture('releases-upcoming-skipped', 'page-2.json');
    delete page[0].commit;
    releasesRequest(1).reply(200, page, pageHeaders(1, null));
    const { ctx, store, warnings } = gitlabHarness({ deployments: { from: 'releases' } });

    expect(await harvestReleases(ctx)).toBe(0);
    expect(deploymentsOf(store).size).toBe(0);
    expect(warnings).toEqual([
      `${REPO}: release v1.0.0 comes without its commit (the token cannot read the code?); not counted as a deployment`,
    ]);
  });
});

describe('harvestTags', () => {
  it('writes the tags matching tagPattern at the annotated tag\'s time, else the commit\'s, in one request', async () => {
    gitlabGet('/repository/tags', { order_by: 'updated', sort: 'desc', per_page: '100', page: '1' }).reply(
      200,
      gitlabFixture('tags-filtered-by-pattern', 'page-1.json'),
      pageHeaders(1, null),
    );
    const { ctx, client, store } = gitlabHarness({ deployments: { from: 'tags', tagPattern: '^v\\d+\\.\\d+\\.\\d+$' } });

    expect(await harvestTags(ctx)).toBe(2);
    expect(client.requests).toBe(1);
    expect([...deploymentsOf(store).values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      // Lightweight: its commit's committer date.
      finished('tag:v1.1.0', 'tags', sha('70'), '2026-11-10T15:00:00Z'),
      // Annotated (GitLab 16.11+): when the tag was made, not the commit (a day earlier).
      finished('tag:v1.2.0', 'tags', sha('71'), '2026-11-20T07:00:00Z'),
    ]);
    // The mark is the newest tag's time, whatever the pattern, so the next sync stops there.
    expect(getSyncState(store, REPO, 'tags')).toMatchObject({ cursor: null, highWater: '2026-11-20T09:00:00.000Z' });
  });

  it('writes every tag of a commit without a pattern', async () => {
    gitlabGet('/repository/tags', { order_by: 'updated', sort: 'desc', per_page: '100', page: '1' }).reply(
      200,
      gitlabFixture('tags-filtered-by-pattern', 'page-1.json'),
      pageHeaders(1, null),
    );
    const { ctx } = gitlabHarness({ deployments: { from: 'tags' } });
    // The tag of a tree names no commit.
    expect(await harvestTags(ctx)).toBe(3);
  });
});

describe('harvestPipelines', () => {
  const DEPLOY = { from: 'pipelines', jobPattern: '^deploy:production$' };

  function pipelinesRequest(updatedAfter?: string) {
    return gitlabGet('/pipelines', {
      ref: 'main',
      order_by: 'updated_at',
      sort: 'desc',
      per_page: '100',
      page: '1',
      ...(updatedAfter === undefined ? {} : { updated_after: updatedAfter }),
    });
  }

  function jobsRequest(pipelineId: number) {
    return gitlabGet(`/pipelines/${pipelineId}/jobs`, { per_page: '100', page: '1' }).reply(
      200,
      gitlabFixture('pipelines-deploy-job', `jobs-${pipelineId}.json`),
      pageHeaders(1, null),
    );
  }

  it('records the deploy job\'s success and failure, reads jobs only of finished pipelines, and on a re-sync only of new or changed ones', async () => {
    pipelinesRequest().reply(200, gitlabFixture('pipelines-deploy-job', 'pipelines-page-1.json'), pageHeaders(1, null));
    // 100 is still running: no jobs request until it finishes.
    for (const id of [101, 102, 103]) jobsRequest(id);
    const { ctx, client, store, progress } = gitlabHarness({ deployments: DEPLOY });

    expect(await harvestPipelines(ctx)).toBe(2);
    expect(client.requests).toBe(4);
    expect(progress).toEqual([['pipelines', 1, 2]]);
    const deployments = deploymentsOf(store);
    // 101's deploy job is manual and never ran; deploy:staging does not match the pattern.
    expect([...deployments.keys()].sort()).toEqual([deploymentId(REPO, 'pipeline:102'), deploymentId(REPO, 'pipeline:103')]);
    expect(deployments.get(deploymentId(REPO, 'pipeline:103'))).toEqual(
      finished('pipeline:103', 'pipelines', sha('a5'), '2026-11-20T09:24:00Z', {
        createdAt: at('2026-11-20T09:18:00Z'),
        url: `${WEB}/-/jobs/1035`,
      }),
    );
    expect(deployments.get(deploymentId(REPO, 'pipeline:102'))).toEqual(
      finished('pipeline:102', 'pipelines', sha('a4'), '2026-11-19T09:19:30Z', {
        status: 'failure',
        createdAt: at('2026-11-19T09:15:00Z'),
        url: `${WEB}/-/jobs/1024`,
      }),
    );
    expect(getSyncState(store, REPO, 'pipelines')).toMatchObject({ cursor: null, highWater: '2026-11-20T09:25:00.123Z' });

    // Re-sync: a new pipeline, the one that was running has finished, and the newest one of
    // the last sync again (its updated_at is the mark): jobs of the first two only.
    pipelinesRequest('2026-11-20T09:25:00.123Z').reply(200, gitlabFixture('pipelines-deploy-job', 'pipelines-resync.json'), pageHeaders(1, null));
    jobsRequest(104);
    jobsRequest(100);
    const again = gitlabHarness({ store, deployments: DEPLOY });

    expect(await harvestPipelines(again.ctx)).toBe(2);
    expect(again.client.requests).toBe(3);
    const after = deploymentsOf(store);
    expect(after.size).toBe(4);
    expect(after.get(deploymentId(REPO, 'pipeline:100'))).toMatchObject({ sha: sha('a1'), status: 'success', finishedAt: at('2026-11-21T07:58:00Z') });
    expect(after.get(deploymentId(REPO, 'pipeline:104'))).toMatchObject({ sha: sha('a7'), status: 'success', finishedAt: at('2026-11-22T09:29:00Z') });
    expect(getSyncState(store, REPO, 'pipelines')).toMatchObject({ highWater: '2026-11-22T09:30:00.000Z' });
  });

  it('bounds a first harvest by --since through updated_after', async () => {
    pipelinesRequest('2026-11-20T00:00:00.000Z').reply(200, [gitlabFixture('pipelines-deploy-job', 'pipelines-page-1.json')[0]], pageHeaders(1, null));
    jobsRequest(103);
    const { ctx, client } = gitlabHarness({ since: at('2026-11-20T00:00:00Z'), deployments: DEPLOY });

    expect(await harvestPipelines(ctx)).toBe(1);
    expect(client.requests).toBe(2);
  });

  it('fails with the endpoint and the field path on an unexpected jobs payload', async () => {
    pipelinesRequest().reply(200, [gitlabFixture('pipelines-deploy-job', 'pipelines-page-1.json')[0]], pageHeaders(1, null));
    const jobs = gitlabFixture('pipelines-deploy-job', 'jobs-103.json');
    jobs[0].status = null;
    gitlabGet('/pipelines/103/jobs', { per_page: '100', page: '1' }).reply(200, jobs, pageHeaders(1, null));
    const { ctx, store } = gitlabHarness({ deployments: DEPLOY });

    const error = await harvestPipelines(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toMatch(/^GET \/api\/v4\/projects\/42\/pipelines\/103\/jobs: unexpected payload at \[0\]\.status: /);
    expect(deploymentsOf(store).size).toBe(0);
    expect(getSyncState(store, REPO, 'pipelines')).toBeNull();
  });
});

describe('deploymentsFromMerges', () => {
  it('turns every MR merged into the default branch into a deployment of its merged commit, without a request', async () => {
    const { ctx, client, store, progress } = gitlabHarness({ deployments: { from: 'merges' } });
    const url = (iid: number) => `${WEB}/-/merge_requests/${iid}`;
    const mr = (iid: number, fields: Parameters<typeof pullRequest>[1]) => pullRequest(iid, { repoId: REPO, url: url(iid), ...fields });
    upsertPullRequests(store, [
      // A merge commit (also squashed: the merge commit is what lands on main).
      mr(10, { merged: '2026-11-02T10:00:00Z', mergeCommitSha: sha('53'), squashCommitSha: sha('51'), headSha: sha('5c') }),
      // Squashed and fast-forwarded: the squash commit.
      mr(11, { merged: '2026-11-03T10:00:00Z', squashCommitSha: sha('51'), headSha: sha('5a') }),
      // Fast-forwarded: the head itself.
      mr(12, { merged: '2026-11-04T10:00:00Z', headSha: sha('eb') }),
      // Into another branch, and still open: not deployments.
      mr(13, { merged: '2026-11-04T11:00:00Z', mergeCommitSha: sha('54'), baseBranch: 'release/1.x' }),
      mr(14, { headSha: sha('5d') }),
    ]);

    expect(await deploymentsFromMerges(ctx)).toBe(3);
    expect(client.requests).toBe(0);
    expect(progress).toEqual([['merges', 1, 3]]);
    expect([...deploymentsOf(store).values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      finished('merge:10', 'merges', sha('53'), '2026-11-02T10:00:00Z', { url: url(10) }),
      finished('merge:11', 'merges', sha('51'), '2026-11-03T10:00:00Z', { url: url(11) }),
      finished('merge:12', 'merges', sha('eb'), '2026-11-04T10:00:00Z', { url: url(12) }),
    ]);

    // Idempotent: the same three again, nothing new or changed.
    expect(await deploymentsFromMerges(ctx)).toBe(0);
    expect(deploymentsOf(store).size).toBe(3);
  });
});
