import type { Commit, Facts, PullRequest } from '../../src/domain/types.js';
import { at, commit, deployment, incident, pullRequest, repository, sha } from '../helpers/builders.js';

/**
 * The retro scenario of the Markdown golden files: two repositories over two four-week
 * windows (2026-10-01 → 2026-10-29, the previous one, and 2026-10-29 → 2026-11-26), so
 * every section of the report has something to show. In the current window:
 *
 * github:acme/shop (history a0 → a12, one commit per PR, baseline a0 on 09-01)
 *   - A3  10-30 11:00 a5: ships #4 and the bot PR #5 (renovate[bot], left out)
 *   - A4  11-03 16:00 a7: ships #6, #7; rolled back by A5; INC-1 names #7 ("root cause: #7")
 *   - A5  11-03 18:00 a5: the rollback (rework)
 *   - A6  11-10 10:00 a9: ships the hotfix #8 (rework) and #9 (a title full of Markdown);
 *         INC-2 opened 10 h later is attributed by window
 *   - INC-3 11-18 03:00: a week without deployments, not deployment-caused, still open
 *   - A7  11-24 09:00 a10: ships #10
 *   - #11 (11-20) and #12 (11-25) merged, not deployed by 11-26
 * gitlab:acme/payments (history b0 → b4, baseline b0 on 09-02)
 *   - B2  11-05 13:00 b2: ships !2; reverted by !3 ("This reverts merge request !2")
 *   - B3  11-12 10:00 b3: ships the revert !3 (rework)
 *   - B4  11-25 10:00 b4: ships !4
 *   - B5  11-25 15:00: a sha the commit graph does not know (a data note)
 * The previous window: A1 (10-06, #1 #2), A2 (10-20, #3, INC-0 by window), B1 (10-14, !1).
 */

export const SHOP = 'github:acme/shop';
export const PAYMENTS = 'gitlab:acme/payments';

export const RETRO_CONFIG = {
  timezone: 'UTC',
  teams: { checkout: [SHOP, PAYMENTS], storefront: [SHOP] },
};

const hours = (iso: string, delta: number) => new Date(at(iso) + delta * 3_600_000).toISOString();

interface PrSpec {
  number: number;
  /** Label of the merged commit on the default branch. */
  merged: string;
  mergedAt: string;
  /** Hours before the merge: first commit, PR opened, first review (null: none). */
  firstCommit: number;
  opened: number;
  review: number | null;
  title?: string;
  author?: string;
  labels?: string[];
  body?: string;
  isBot?: boolean;
}

function pr(repoId: string, spec: PrSpec): PullRequest {
  const gitlab = repoId.startsWith('gitlab:');
  const base = gitlab ? 'https://gitlab.com/acme/payments/-/merge_requests' : 'https://github.com/acme/shop/pull';
  const merged = at(spec.mergedAt);
  return pullRequest(spec.number, {
    id: `${repoId}:pr:${spec.number}`,
    repoId,
    merged: spec.mergedAt,
    title: spec.title ?? `Change ${spec.number}`,
    author: spec.author ?? 'alice',
    labels: spec.labels ?? [],
    body: spec.body ?? '',
    isBot: spec.isBot ?? false,
    createdAt: merged - spec.opened * 3_600_000,
    firstReviewAt: spec.review === null ? null : merged - spec.review * 3_600_000,
    mergeCommitSha: sha(spec.merged),
    url: `${base}/${spec.number}`,
    commits: [{ sha: sha(`${spec.merged}-work`), authoredAt: merged - spec.firstCommit * 3_600_000 }],
  });
}

/** A linear history with the given commit times. */
function history(repoId: string, times: Array<[string, string]>): Commit[] {
  return times.map(([label, time], index) =>
    commit(label, index === 0 ? [] : [times[index - 1]![0]], time, { repoId }),
  );
}

export function retroFacts(): Facts {
  const shopCommits = history(SHOP, [
    ['a0', '2026-08-31T12:00:00Z'],
    ['a1', '2026-10-02T12:00:00Z'],
    ['a2', '2026-10-05T12:00:00Z'],
    ['a3', '2026-10-19T12:00:00Z'],
    ['a4', '2026-10-28T09:00:00Z'],
    ['a5', '2026-10-29T15:00:00Z'],
    ['a6', '2026-11-02T10:00:00Z'],
    ['a7', '2026-11-03T09:00:00Z'],
    ['a8', '2026-11-09T17:00:00Z'],
    ['a9', '2026-11-10T08:00:00Z'],
    ['a10', '2026-11-19T15:00:00Z'],
    ['a11', '2026-11-20T11:00:00Z'],
    ['a12', '2026-11-25T12:00:00Z'],
  ]);
  const paymentsCommits = history(PAYMENTS, [
    ['b0', '2026-09-01T12:00:00Z'],
    ['b1', '2026-10-13T12:00:00Z'],
    ['b2', '2026-11-04T16:00:00Z'],
    ['b3', '2026-11-11T17:00:00Z'],
    ['b4', '2026-11-13T11:00:00Z'],
  ]);

  const shopPrs: PrSpec[] = [
    { number: 1, merged: 'a1', mergedAt: '2026-10-02T12:00:00Z', firstCommit: 30, opened: 20, review: 4 },
    { number: 2, merged: 'a2', mergedAt: '2026-10-05T12:00:00Z', firstCommit: 50, opened: 26, review: 2 },
    { number: 3, merged: 'a3', mergedAt: '2026-10-19T12:00:00Z', firstCommit: 72, opened: 30, review: 6 },
    { number: 4, merged: 'a4', mergedAt: '2026-10-28T09:00:00Z', firstCommit: 48, opened: 30, review: 3 },
    {
      number: 5, merged: 'a5', mergedAt: '2026-10-29T15:00:00Z', firstCommit: 1, opened: 1, review: null,
      title: 'Bump lodash from 4.17.20 to 4.17.21', author: 'renovate[bot]', isBot: true,
    },
    { number: 6, merged: 'a6', mergedAt: '2026-11-02T10:00:00Z', firstCommit: 20, opened: 12, review: 8 },
    { number: 7, merged: 'a7', mergedAt: '2026-11-03T09:00:00Z', firstCommit: 26, opened: 22, review: 1, title: 'New checkout flow', author: 'bo_rivera' },
    { number: 8, merged: 'a8', mergedAt: '2026-11-09T17:00:00Z', firstCommit: 3, opened: 2, review: 1, title: 'Hotfix: coupon rounding', labels: ['hotfix'] },
    {
      number: 9, merged: 'a9', mergedAt: '2026-11-10T08:00:00Z', firstCommit: 100, opened: 60, review: 30,
      title: 'Fix `price|total` for *sale* items <b>now</b> & [later]', author: 'chen',
    },
    { number: 10, merged: 'a10', mergedAt: '2026-11-19T15:00:00Z', firstCommit: 140, opened: 90, review: 70, author: 'chen' },
    { number: 11, merged: 'a11', mergedAt: '2026-11-20T11:00:00Z', firstCommit: 10, opened: 8, review: 4, title: 'Search filters', author: 'dana' },
    { number: 12, merged: 'a12', mergedAt: '2026-11-25T12:00:00Z', firstCommit: 6, opened: 5, review: 2, title: 'Wishlist', author: 'alice' },
  ];
  const paymentsPrs: PrSpec[] = [
    { number: 1, merged: 'b1', mergedAt: '2026-10-13T12:00:00Z', firstCommit: 40, opened: 24, review: 6, author: 'erin' },
    { number: 2, merged: 'b2', mergedAt: '2026-11-04T16:00:00Z', firstCommit: 60, opened: 36, review: 12, title: 'Retry card payments', author: 'erin' },
    {
      number: 3, merged: 'b3', mergedAt: '2026-11-11T17:00:00Z', firstCommit: 2, opened: 2, review: 1,
      title: 'Revert "Retry card payments"', author: 'erin', body: 'This reverts merge request !2',
    },
    { number: 4, merged: 'b4', mergedAt: '2026-11-13T11:00:00Z', firstCommit: 30, opened: 20, review: 18, title: 'Refund webhooks', author: 'farid' },
  ];

  const shopDeploy = (key: string, label: string, finished: string) => deployment(key, label, finished, { id: `${SHOP}:deployment:${key}`, repoId: SHOP });
  const payDeploy = (key: string, label: string, finished: string) =>
    deployment(key, label, finished, { id: `${PAYMENTS}:deployment:${key}`, repoId: PAYMENTS });

  return {
    repositories: [
      repository(),
      repository({ id: PAYMENTS, forge: 'gitlab', fullName: 'acme/payments', webUrl: 'https://gitlab.com/acme/payments' }),
    ],
    commits: [...shopCommits, ...paymentsCommits],
    pullRequests: [...shopPrs.map((spec) => pr(SHOP, spec)), ...paymentsPrs.map((spec) => pr(PAYMENTS, spec))],
    deployments: [
      shopDeploy('100', 'a0', '2026-09-01T10:00:00Z'),
      shopDeploy('101', 'a2', '2026-10-06T10:00:00Z'),
      shopDeploy('102', 'a3', '2026-10-20T15:00:00Z'),
      shopDeploy('103', 'a5', '2026-10-30T11:00:00Z'),
      shopDeploy('104', 'a7', '2026-11-03T16:00:00Z'),
      shopDeploy('105', 'a5', '2026-11-03T18:00:00Z'),
      shopDeploy('106', 'a9', '2026-11-10T10:00:00Z'),
      shopDeploy('107', 'a10', '2026-11-24T09:00:00Z'),
      { ...shopDeploy('108', 'a10', '2026-11-24T12:00:00Z'), environment: 'staging' },
      payDeploy('200', 'b0', '2026-09-02T10:00:00Z'),
      payDeploy('201', 'b1', '2026-10-14T10:00:00Z'),
      payDeploy('202', 'b2', '2026-11-05T13:00:00Z'),
      payDeploy('203', 'b3', '2026-11-12T10:00:00Z'),
      payDeploy('204', 'b4', '2026-11-25T10:00:00Z'),
      { ...payDeploy('205', 'b4', '2026-11-25T15:00:00Z'), sha: 'f00dfeed'.padEnd(40, '0') },
    ],
    incidents: [
      incident('INC-0', '2026-10-20T18:00:00Z', '2026-10-20T19:00:00Z', { id: `${SHOP}:incident:INC-0`, repoId: SHOP, title: 'Cart badge stale' }),
      incident('INC-1', '2026-11-04T09:00:00Z', hours('2026-11-04T09:00:00Z', 2.5), {
        id: `${SHOP}:incident:INC-1`, repoId: SHOP, title: 'Checkout 500s', body: 'root cause: #7',
        url: 'https://github.com/acme/shop/issues/301',
      }),
      incident('INC-2', '2026-11-10T20:00:00Z', '2026-11-11T08:00:00Z', { id: `${SHOP}:incident:INC-2`, repoId: SHOP, title: 'Coupons double-applied' }),
      incident('INC-3', '2026-11-18T03:00:00Z', null, { id: `${SHOP}:incident:INC-3`, repoId: SHOP, title: 'DB failover | replica lag' }),
    ],
  };
}
