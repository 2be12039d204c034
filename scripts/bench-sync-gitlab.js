// The request cost of a GitLab sync (issue 4): a first sync and a no-change re-sync of a
// generated project, against the fake GitLab API (scripts/fake-gitlab.js), printed next to
// the lower bound: one request for the project, ⌈default-branch commits/100⌉, ⌈MRs/100⌉ plus
// the two requests per MR that GitLab's REST API forces (its commits, 100 a page, and its
// notes until the first review), ⌈deployments/100⌉, one compare per deployed sha outside the
// default branch, and ⌈incidents/100⌉.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createFakeGitLab } from './fake-gitlab.js';
import { sourceSchema } from '../dist/config/schema.js';
import { createGitLabHarvester } from '../dist/sources/gitlab/index.js';
import { openStore, closeStore } from '../dist/store/index.js';

const COMMITS = 2_500;
const MERGE_REQUESTS = 600;
const DEPLOYMENTS = 450;
const INCIDENTS = 140;
const BIG_MR_COMMITS = 250; // one MR with 250 commits: two extra commit pages
const HOTFIX_DEPLOYMENTS = 3; // deployed shas outside the default branch

const sha = (kind, n) => createHash('sha1').update(`${kind}${n}`).digest('hex');
const iso = (minutes) => new Date(Date.parse('2025-06-01T00:00:00Z') + minutes * 60_000).toISOString();
const user = (i) => ({ id: 100 + (i % 13), username: `dev${i % 13}` });

function project() {
  const commits = [];
  for (let i = 0; i < COMMITS; i++) {
    commits.push({ id: sha('c', i), parent_ids: i === 0 ? [] : [sha('c', i - 1)], authored_date: iso(i * 60) });
  }
  const hotfixes = [];
  for (let h = 0; h < HOTFIX_DEPLOYMENTS; h++) {
    const id = sha('h', h);
    commits.push({ id, parent_ids: [sha('c', 500 * (h + 1))], authored_date: iso(500 * (h + 1) * 60 + 30) });
    hotfixes.push(id);
  }
  const mergeRequests = [];
  for (let n = 1; n <= MERGE_REQUESTS; n++) {
    const at = Math.floor((n * (COMMITS - 1)) / MERGE_REQUESTS);
    const count = n === 7 ? BIG_MR_COMMITS : 2;
    const branch = Array.from({ length: count }, (_, k) => sha(`m${n}-`, k));
    branch.forEach((id, k) => commits.push({ id, parent_ids: [k === 0 ? sha('c', Math.max(at - 1, 0)) : branch[k - 1]], authored_date: iso(at * 60 - 180 + k) }));
    mergeRequests.push({
      iid: n, title: `Change ${n}`, state: 'merged', author: user(n),
      created_at: iso(at * 60 - 120), updated_at: iso(at * 60), merged_at: iso(at * 60),
      sha: branch.at(-1), merge_commit_sha: sha('c', at), commits: branch,
      notes: [{ id: 10_000 + n, body: 'Looks good', author: user(n + 1), created_at: iso(at * 60 - 60) }],
    });
  }
  const deployments = [];
  for (let d = 0; d < DEPLOYMENTS; d++) {
    const at = Math.floor(((d + 1) * (COMMITS - 1)) / DEPLOYMENTS);
    const target = d < HOTFIX_DEPLOYMENTS ? hotfixes[d] : sha('c', at);
    deployments.push({
      id: d + 1, environment: 'production', sha: target, ref: 'main', status: 'success',
      created_at: iso(at * 60 + 10), updated_at: iso(at * 60 + 16), finished_at: iso(at * 60 + 15),
    });
  }
  const issues = [];
  for (let i = 0; i < INCIDENTS; i++) {
    issues.push({ iid: 5000 + i, title: `Incident ${i}`, issue_type: 'incident', created_at: iso(i * 1000), updated_at: iso(i * 1000 + 30), closed_at: iso(i * 1000 + 30) });
  }
  return {
    id: 42,
    branches: { main: sha('c', COMMITS - 1) },
    commits,
    mergeRequests,
    environments: [{ id: 1, name: 'production', tier: 'production' }],
    deployments,
    issues,
  };
}

const config = sourceSchema.parse({
  type: 'gitlab',
  project: 'acme/monolith',
  deployments: { from: 'deployments', environments: ['production'] },
  incidents: { from: 'incidents' },
});
const options = { full: false, since: null, now: new Date(), progress: () => {} };

const dir = mkdtempSync(path.join(tmpdir(), 'dorametrics-bench-sync-gitlab-'));
try {
  const fake = createFakeGitLab({ 'acme/monolith': project() });
  const harvest = () => createGitLabHarvester(config, { token: 'bench-token', fetch: fake.fetch, retryUnitMs: 1 }).harvest(store, options);
  const store = openStore(path.join(dir, 'sync.db'));
  const started = performance.now();
  const first = await harvest();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const bigMrPages = Math.ceil(BIG_MR_COMMITS / 100) - 1;
  const lowerBound =
    1 + Math.ceil(COMMITS / 100) + Math.ceil(MERGE_REQUESTS / 100) + 2 * MERGE_REQUESTS + bigMrPages +
    Math.ceil(DEPLOYMENTS / 100) + HOTFIX_DEPLOYMENTS + Math.ceil(INCIDENTS / 100);
  const second = await harvest();
  closeStore(store);
  const resources = 5; // project, commits, merge requests, deployments, incidents
  console.log(`project: ${COMMITS} default-branch commits (+${HOTFIX_DEPLOYMENTS} hotfixes), ${MERGE_REQUESTS} MRs (one with ${BIG_MR_COMMITS} commits), ${DEPLOYMENTS} deployments, ${INCIDENTS} incidents`);
  console.log(`first sync: ${first.requests} requests in ${seconds} s; lower bound ${lowerBound}; ratio ${(first.requests / lowerBound).toFixed(2)} (target ≤ 1.20)`);
  console.log(`no-change re-sync: ${second.requests} requests; one per resource would be ${resources}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
