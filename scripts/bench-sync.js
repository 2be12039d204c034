// The request cost of a GitHub sync (issue 3): a first sync and a no-change re-sync of a
// generated repository, against the fake GitHub API (scripts/fake-github.js), printed next
// to the lower bound: one request for the repository, ⌈PRs/100⌉ plus the extra commit pages
// of PRs with more than 100 commits, ⌈deployments/100⌉, ⌈new default-branch commits/100⌉,
// ⌈incident issues/100⌉, and one compare per deployed sha outside the default branch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createFakeGitHub } from './fake-github.js';
import { configSchema } from '../dist/config/schema.js';
import { createGitHubHarvester } from '../dist/sources/github/index.js';
import { openStore, closeStore } from '../dist/store/index.js';

const COMMITS = 2_500;
const PULL_REQUESTS = 1_200;
const DEPLOYMENTS = 450;
const INCIDENTS = 140;
const BIG_PR_COMMITS = 250; // one PR with 250 commits: two extra commit pages
const HOTFIX_DEPLOYMENTS = 3; // deployed shas outside the default branch

const sha = (kind, n) => createHash('sha1').update(`${kind}${n}`).digest('hex');
const iso = (minutes) => new Date(Date.parse('2025-06-01T00:00:00Z') + minutes * 60_000).toISOString().replace('.000', '');

function repository() {
  const commits = [];
  for (let i = 0; i < COMMITS; i++) {
    commits.push({ oid: sha('c', i), parents: i === 0 ? [] : [sha('c', i - 1)], authoredDate: iso(i * 60), committedDate: iso(i * 60) });
  }
  const hotfixes = [];
  for (let h = 0; h < HOTFIX_DEPLOYMENTS; h++) {
    const oid = sha('h', h);
    commits.push({ oid, parents: [sha('c', 500 * (h + 1))], authoredDate: iso(500 * (h + 1) * 60 + 30), committedDate: iso(500 * (h + 1) * 60 + 30) });
    hotfixes.push(oid);
  }
  const pullRequests = [];
  for (let n = 1; n <= PULL_REQUESTS; n++) {
    const at = Math.floor((n * (COMMITS - 1)) / PULL_REQUESTS);
    const count = n === 7 ? BIG_PR_COMMITS : 2;
    pullRequests.push({
      number: n, author: n % 20 === 0 ? 'renovate' : `dev${n % 13}`, bot: n % 20 === 0,
      createdAt: iso(at * 60 - 120), updatedAt: iso(at * 60), mergedAt: iso(at * 60), mergeCommit: sha('c', at),
      commits: Array.from({ length: count }, (_, k) => ({ oid: sha(`p${n}-`, k), authoredDate: iso(at * 60 - 180 + k) })),
      reviews: [{ login: 'reviewer', submittedAt: iso(at * 60 - 60) }],
    });
  }
  const deployments = [];
  for (let d = 0; d < DEPLOYMENTS; d++) {
    const at = Math.floor(((d + 1) * (COMMITS - 1)) / DEPLOYMENTS);
    const target = d < HOTFIX_DEPLOYMENTS ? hotfixes[d] : sha('c', at);
    deployments.push({
      databaseId: d + 1, sha: target, environment: 'production', createdAt: iso(at * 60 + 10),
      statuses: [{ state: 'in_progress', createdAt: iso(at * 60 + 10) }, { state: 'success', createdAt: iso(at * 60 + 15) }],
    });
  }
  const issues = [];
  for (let i = 0; i < INCIDENTS; i++) {
    issues.push({ number: 5000 + i, title: `Incident ${i}`, labels: ['incident'], createdAt: iso(i * 1000), updatedAt: iso(i * 1000 + 30), closedAt: iso(i * 1000 + 30) });
  }
  return { head: sha('c', COMMITS - 1), commits, pullRequests, deployments, issues };
}

const config = configSchema.parse({
  sources: [{ type: 'github', repo: 'acme/monolith', incidents: { from: 'issues', labels: ['incident'] } }],
}).sources[0];
const options = { full: false, since: null, now: new Date(), progress: () => {} };

const dir = mkdtempSync(path.join(tmpdir(), 'dorametrics-bench-sync-'));
try {
  const fake = createFakeGitHub({ 'acme/monolith': repository() });
  const store = openStore(path.join(dir, 'sync.db'));
  const harvester = createGitHubHarvester(config, { token: 'bench-token', fetch: fake.fetch, retryUnitMs: 1 });
  const first = await harvester.harvest(store, options);
  const bigPrPages = Math.ceil(BIG_PR_COMMITS / 100) - 1;
  const lowerBound = 1 + Math.ceil(PULL_REQUESTS / 100) + bigPrPages + Math.ceil(DEPLOYMENTS / 100) + Math.ceil(COMMITS / 100) + Math.ceil(INCIDENTS / 100) + HOTFIX_DEPLOYMENTS;
  const second = await createGitHubHarvester(config, { token: 'bench-token', fetch: fake.fetch, retryUnitMs: 1 }).harvest(store, options);
  closeStore(store);
  const resources = 5; // repository, commits, pull requests, deployments, incidents
  console.log(`repository: ${COMMITS + HOTFIX_DEPLOYMENTS} commits, ${PULL_REQUESTS} PRs (one with ${BIG_PR_COMMITS} commits), ${DEPLOYMENTS} deployments (${HOTFIX_DEPLOYMENTS} outside main), ${INCIDENTS} incident issues`);
  console.log(`first sync: ${first.requests} requests; lower bound ${lowerBound}; ratio ${(first.requests / lowerBound).toFixed(2)} (target ≤ 1.20)`);
  console.log(`no-change re-sync: ${second.requests} requests; one per resource would be ${resources}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
