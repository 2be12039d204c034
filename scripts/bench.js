#!/usr/bin/env node
// Benchmark for issue 2's figure: a report over a store with 100k commits, 20k PRs and 5k
// deployments must take under a second of compute. Builds such a store in a temp folder
// with the real store code, then times loading the facts and computing the report (window,
// previous window and per-repository breakdown), as `dorametrics report --compare` does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { openStore, closeStore } from '../dist/store/db.js';
import { upsertRepositories } from '../dist/store/repositories.js';
import { upsertCommits } from '../dist/store/commits.js';
import { upsertPullRequests } from '../dist/store/pull-requests.js';
import { upsertDeployments } from '../dist/store/deployments.js';
import { upsertIncidents } from '../dist/store/incidents.js';
import { loadMetricFacts } from '../dist/store/facts.js';
import { buildModel } from '../dist/metrics/model.js';
import { computeMetrics } from '../dist/metrics/engine.js';
import { previousWindow } from '../dist/commands/window.js';
import { buildReportDocument } from '../dist/report/document.js';
import { renderReport } from '../dist/report/render.js';

const REPO = 'github:acme/monolith';
const PULL_REQUESTS = 20_000;
const DIRECT_COMMITS = 20_000; // 20k PRs × (3 branch commits + 1 merge) + 20k direct = 100k
const DEPLOYMENT_EVERY = 8; // main-line commits between deployments → 5,000 deployments
const START = Date.parse('2025-01-01T00:00:00Z');
const STEP = 5 * 60_000;

// Real shas are uniformly random hex; patterned ones would flatter or punish string work.
const hex = (kind, n) => createHash('sha1').update(`${kind}${n}`).digest('hex');

function generate() {
  const commits = [];
  const pullRequests = [];
  const deployments = [];
  const incidents = [];
  let time = START;
  let head = null;
  let mainLine = 0;
  let pr = 0;
  let direct = 0;
  while (pr < PULL_REQUESTS || direct < DIRECT_COMMITS) {
    const doPr = pr < PULL_REQUESTS && (direct >= DIRECT_COMMITS || mainLine % 2 === 0);
    if (doPr) {
      pr++;
      const branch = [];
      let parent = head;
      for (let i = 0; i < 3; i++) {
        time += STEP;
        const sha = hex('b', pr * 4 + i);
        commits.push({ repoId: REPO, sha, authoredAt: time, committedAt: time, author: `dev${pr % 40}`, parents: parent ? [parent] : [] });
        branch.push({ sha, authoredAt: time });
        parent = sha;
      }
      time += STEP;
      const merge = hex('a', pr);
      commits.push({ repoId: REPO, sha: merge, authoredAt: time, committedAt: time, author: `dev${pr % 40}`, parents: head ? [head, parent] : [parent] });
      pullRequests.push({
        id: `${REPO}:pr:${pr}`, repoId: REPO, number: pr, title: `Change ${pr}`,
        body: pr % 500 === 0 ? `Reverts acme/monolith#${pr - 1}` : '', author: pr % 25 === 0 ? 'renovate-bot' : `dev${pr % 40}`,
        isBot: false, labels: pr % 300 === 0 ? ['hotfix'] : [], createdAt: branch[0].authoredAt + 60_000,
        firstCommitAt: branch[0].authoredAt, firstReviewAt: time - 2 * STEP, mergedAt: time, mergeCommitSha: merge,
        squashCommitSha: null, headSha: parent, baseBranch: 'main', state: 'merged', isDraft: false,
        url: `https://github.com/acme/monolith/pull/${pr}`, commits: branch,
      });
      head = merge;
    } else {
      direct++;
      time += STEP;
      const sha = hex('c', direct);
      commits.push({ repoId: REPO, sha, authoredAt: time, committedAt: time, author: 'release-bot', parents: head ? [head] : [] });
      head = sha;
    }
    mainLine++;
    if (mainLine % DEPLOYMENT_EVERY === 0) {
      const n = deployments.length + 1;
      const finishedAt = time + 30 * 60_000;
      deployments.push({
        id: `${REPO}:deployment:${n}`, repoId: REPO, environment: 'production', tier: null, sha: head, source: 'deployments',
        status: 'inactive', createdAt: time, finishedAt: finishedAt + 3_600_000,
        statuses: [{ state: 'success', at: finishedAt }, { state: 'inactive', at: finishedAt + 3_600_000 }], url: null,
      });
      if (n % 20 === 0) {
        incidents.push({
          id: `${REPO}:incident:${n}`, repoId: REPO, title: `Incident ${n}`, body: n % 40 === 0 ? `root cause: ${head}` : '',
          source: 'issues', createdAt: finishedAt + 3_600_000, resolvedAt: finishedAt + 5 * 3_600_000, severity: null, url: null,
        });
      }
    }
  }
  return { commits, pullRequests, deployments, incidents, end: time };
}

const dir = mkdtempSync(path.join(tmpdir(), 'dorametrics-bench-'));
try {
  const dbPath = path.join(dir, 'bench.db');
  const generated = generate();
  let t = performance.now();
  const store = openStore(dbPath);
  upsertRepositories(store, [{ id: REPO, forge: 'github', fullName: 'acme/monolith', defaultBranch: 'main', webUrl: 'https://github.com/acme/monolith' }]);
  upsertCommits(store, generated.commits);
  upsertPullRequests(store, generated.pullRequests);
  upsertDeployments(store, generated.deployments);
  upsertIncidents(store, generated.incidents);
  closeStore(store);
  const writeMs = performance.now() - t;

  // Timings on a shared machine wobble: run the report several times and take the median.
  const RUNS = 5;
  const loads = [];
  const computes = [];
  let facts;
  let result;
  for (let run = 0; run < RUNS; run++) {
    t = performance.now();
    const readStore = openStore(dbPath);
    facts = loadMetricFacts(readStore, { repoIds: [REPO], commitDetail: false });
    closeStore(readStore);
    loads.push(performance.now() - t);

    t = performance.now();
    const to = generated.end;
    const window = { from: to - 90 * 86_400_000, to, timeZone: 'Europe/Berlin' };
    const options = {
      environment: 'production', configuredEnvironments: new Map(), excludedAuthors: ['renovate-bot', 'dependabot'],
      attributionWindowSeconds: 86_400, reworkLabels: ['hotfix'], leadTimeUnit: 'pr',
    };
    const model = buildModel(facts, [REPO], options);
    result = computeMetrics(model, window, [REPO]);
    const byRepo = { [REPO]: computeMetrics(model, window, [REPO]) };
    const previous = { window: previousWindow(window), result: computeMetrics(model, previousWindow(window), [REPO]) };
    const document = buildReportDocument({
      window, scope: { repos: [REPO], environment: 'production' }, result, byRepo, previous,
      thresholds: [], generatedAt: new Date(to), version: 'bench',
    });
    renderReport(document, 'json', { color: false });
    computes.push(performance.now() - t);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const loadMs = median(loads);
  const computeMs = median(computes);

  console.log(`store: ${facts.commits.length} commits, ${facts.pullRequests.length} PRs, ${facts.deployments.length} deployments, ${facts.incidents.length} incidents (written in ${writeMs.toFixed(0)} ms)`);
  console.log(`window: last 90 days, ${result.metrics.deploymentFrequency.deployments} deployments, ${result.metrics.leadTime.changes} changes, lead time p50 ${result.metrics.leadTime.p50} s`);
  console.log(`load facts from SQLite: ${loadMs.toFixed(0)} ms (median of ${RUNS} runs)`);
  console.log(`compute the report (model + window + previous window + per repo + render): ${computeMs.toFixed(0)} ms (median of ${RUNS} runs)`);
  console.log(`total: ${(loadMs + computeMs).toFixed(0)} ms; compute target: under 1000 ms`);
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir);
}
