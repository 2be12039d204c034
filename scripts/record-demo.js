// Records the bundled sample forge of `dorametrics demo` (issue 5) into
// fixtures/demo/recording.json. Run it by hand after a harvester changes the requests it sends
// (the demo's tests fail with "the demo's recording has no answer for …" when that happens):
//
//   npm run build && node scripts/record-demo.js
//
// It models Acme, a small organisation, over the twelve weeks 2026-W37 to 2026-W48 (Monday 7
// September to Friday 27 November 2026): two GitHub repositories (acme/shop, acme/catalog) and
// one GitLab project (acme/payments), served by the fake forges of this folder
// (fake-github.js answers GraphQL by executing it against GitHub's schema; fake-gitlab.js
// answers GitLab's REST API). It runs the REAL harvesters (createHarvester, as `sync` does)
// with the fakes' fetch wrapped by a recording one, keeps every request and its answer, then
// replays the recording into a fresh store to prove it complete, and prints the sample's key
// numbers. Deterministic: a seeded generator, fixed dates, so running it twice writes the
// same file. The fakes are devDependencies: `demo` never loads them, only the recording.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeGitHub } from './fake-github.js';
import { createFakeGitLab } from './fake-gitlab.js';
import { buildReport } from '../dist/commands/report.js';
import { resolveWindow } from '../dist/commands/window.js';
import { parseConfig } from '../dist/config/load.js';
import { DEMO_CONFIG, DEMO_HARVESTED_AT, DEMO_TOKEN, DEMO_WINDOW } from '../dist/demo/sample.js';
import { RECORDED_HEADERS, createReplayFetch, requestKey, requestParts } from '../dist/demo/replay.js';
import { createHarvester } from '../dist/sources/index.js';
import { closeStore, openStore } from '../dist/store/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(root, 'fixtures/demo/recording.json');

// ---------------------------------------------------------------------------------------------
// Time and randomness

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIRST_DAY = '2026-09-07'; // Monday of 2026-W37
const LAST_DAY = '2026-11-27'; // Friday of 2026-W48

/** Epoch ms of `date` at `time` UTC ("14:30"). The sample's people work 07:00–17:00 UTC (Berlin, CEST then CET). */
const at = (date, time = '00:00') => Date.parse(`${date}T${time}:00Z`);
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const dateOf = (ms) => iso(ms).slice(0, 10);

/** Monday to Friday from FIRST_DAY to LAST_DAY, as YYYY-MM-DD. */
function workdays() {
  const days = [];
  for (let t = at(FIRST_DAY); t <= at(LAST_DAY); t += DAY) {
    const weekday = new Date(t).getUTCDay();
    if (weekday >= 1 && weekday <= 5) days.push(dateOf(t));
  }
  return days;
}
const weekday = (date) => new Date(at(date)).getUTCDay();

/** mulberry32: a small seeded generator, so the sample is the same on every run. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (low, high) => low + next() * (high - low),
    pick: (items) => items[Math.floor(next() * items.length)],
    /** An exponential duration with this mean, at least `min`, at most `max` (hours → ms). */
    hours: (mean, min, max) => Math.round(Math.min(Math.max(-Math.log(1 - next()) * mean, min), max) * HOUR / MINUTE) * MINUTE,
  };
}

const sha = (repo, label) => createHash('sha1').update(`${repo}:${label}`).digest('hex');

// ---------------------------------------------------------------------------------------------
// A repository's story, forge-neutral: commits on main, merged changes, deployments, incidents

/**
 * The history of one repository, written in time order: `merge` adds a merged PR/MR in one of
 * the merge styles (squash, rebase, merge commit, fast-forward) and moves main; `deploy`
 * deploys main's head (or a given sha: a rollback); `incident` opens one. Numbers are handed
 * out at the end, in creation order, as the forges do.
 */
class Story {
  constructor(name, seed) {
    this.name = name;
    this.rng = random(seed);
    this.commits = [];
    this.mainLog = [];
    this.changes = [];
    this.deployments = [];
    this.incidents = [];
    this.nextCommit = 0;
  }

  get head() {
    return this.mainLog.at(-1).sha;
  }

  /** Main's head at `time` (a branch started then is based on it). */
  headAt(time) {
    return [...this.mainLog].reverse().find((entry) => entry.at <= time)?.sha ?? this.mainLog[0].sha;
  }

  commit({ parents, authored, committed = authored, author, title }) {
    const oid = sha(this.name, `commit-${this.nextCommit++}`);
    this.commits.push({ oid, parents, authored, committed, author, title });
    return oid;
  }

  /** A commit on main (setup, a direct push). */
  push(time, author, title) {
    const oid = this.commit({ parents: this.mainLog.length === 0 ? [] : [this.head], authored: time, author, title });
    this.mainLog.push({ at: time, sha: oid });
    return oid;
  }

  /**
   * A change merged at `mergedAt`: its first commit, opening and first review are counted back
   * from the merge (review, pickup, coding), unless given.
   */
  merge(change) {
    const { rng } = this;
    const mergedAt = change.mergedAt;
    const review = change.review ?? rng.hours(2.5, 0.2, 20);
    const pickup = change.pickup ?? rng.hours(4, 0.2, 30);
    const coding = change.coding ?? rng.hours(16, 0.5, 96);
    const firstReviewAt = change.reviewer === null ? null : mergedAt - review;
    const createdAt = (firstReviewAt ?? mergedAt - review) - pickup;
    const firstCommitAt = createdAt - coding;
    const count = change.commitCount ?? (rng.next() < 0.6 ? 1 : 2);
    const authoredTimes = [firstCommitAt];
    for (let i = 1; i < count; i++) authoredTimes.push(Math.round(rng.between(firstCommitAt, mergedAt - 10 * MINUTE) / MINUTE) * MINUTE);
    authoredTimes.sort((a, b) => a - b);

    const style = change.style;
    const base = this.headAt(createdAt);
    const branch = [];
    let parent = base;
    for (const [index, authored] of authoredTimes.entries()) {
      parent = this.commit({ parents: [parent], authored, author: change.author, title: index === 0 ? change.title : `${change.title}: review feedback` });
      branch.push({ oid: parent, authored });
    }
    let mergeCommit;
    if (style === 'squash') {
      mergeCommit = this.commit({ parents: [this.head], authored: mergedAt, author: change.author, title: change.title });
    } else if (style === 'rebase' || style === 'fast-forward') {
      // Rebased onto main: new commits with the authored times kept, committed at the merge.
      let tip = this.head;
      for (const commit of branch) tip = this.commit({ parents: [tip], authored: commit.authored, committed: mergedAt, author: change.author, title: change.title });
      mergeCommit = tip;
      // Fast-forward (GitLab): the MR's commits are the rebased ones, its head the new tip of main.
      if (style === 'fast-forward') branch.splice(0, branch.length, ...this.commits.slice(-branch.length).map((c) => ({ oid: c.oid, authored: c.authored })));
    } else {
      mergeCommit = this.commit({ parents: [this.head, branch.at(-1).oid], authored: mergedAt, author: change.author, title: `Merge branch '${slug(change.title)}' into main` });
    }
    this.mainLog.push({ at: mergedAt, sha: mergeCommit });
    const record = { ...change, createdAt, firstReviewAt, mergedAt, branch, mergeCommit, number: null };
    this.changes.push(record);
    return record;
  }

  /** A change opened but not merged (a draft, or one closed unmerged). */
  open(change) {
    const createdAt = change.createdAt;
    const base = this.headAt(createdAt);
    const oid = this.commit({ parents: [base], authored: createdAt - 2 * HOUR, author: change.author, title: change.title });
    const record = { ...change, mergedAt: null, firstReviewAt: null, branch: [{ oid, authored: createdAt - 2 * HOUR }], mergeCommit: null, number: null };
    this.changes.push(record);
    return record;
  }

  /** A deployment of main's head (or `sha`), to production unless named, finished `minutes` after it started. */
  deploy(start, { sha: deployed = this.head, minutes = 5, status = 'success', environment = 'production' } = {}) {
    const record = { sha: deployed, start, finished: start + minutes * MINUTE, status, environment };
    this.deployments.push(record);
    return record;
  }

  lastProduction() {
    return this.deployments.filter((d) => d.environment === 'production').at(-1);
  }

  incident(incident) {
    const record = { ...incident, number: null };
    this.incidents.push(record);
    return record;
  }

  /** Numbers in creation order: `shared` when PRs and issues share one sequence (GitHub). */
  number({ first, shared, firstIssue = first }) {
    const byTime = (a, b) => a.createdAt - b.createdAt;
    if (shared) {
      let n = first;
      for (const item of [...this.changes, ...this.incidents].sort(byTime)) item.number = n++;
    } else {
      let n = first;
      for (const item of [...this.changes].sort(byTime)) item.number = n++;
      n = firstIssue;
      for (const item of [...this.incidents].sort(byTime)) item.number = n++;
    }
    for (const item of [...this.changes, ...this.incidents]) if (typeof item.body === 'function') item.body = item.body();
  }
}

const slug = (title) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

/**
 * Merge times for ordinary work: on each working day, 0 to 2 changes between 08:00 and 16:00
 * UTC, taken in turn from `titles` and `authors`.
 */
function dailyWork(story, { perDay, titles, authors, style, days = workdays() }) {
  const { rng } = story;
  const planned = [];
  let next = 0;
  for (const date of days) {
    const count = rng.next() < perDay - Math.floor(perDay) ? Math.ceil(perDay) : Math.floor(perDay);
    for (let i = 0; i < count; i++) {
      const time = at(date, '08:00') + Math.round(rng.between(0, 8 * 60)) * MINUTE;
      const author = authors[next % authors.length];
      const reviewer = rng.next() < 0.08 ? null : rng.pick(authors.filter((a) => a !== author));
      planned.push({ mergedAt: time, title: titles[next % titles.length], author, reviewer, style: style(next, rng) });
      next++;
    }
  }
  return planned;
}

/** Applies planned merges and deployments in time order (a deployment of `'head'` takes main's head then). */
function play(story, events) {
  for (const event of [...events].sort((a, b) => a.at - b.at)) event.run();
}

// ---------------------------------------------------------------------------------------------
// acme/shop (GitHub): the storefront. Squash merges and some merge commits, deployed Monday to
// Thursday afternoons (never on Fridays); a rollback, an incident with its root cause named, a
// hotfix, a revert; renovate every other Monday.

const SHOP_TITLES = [
  'Add express checkout button', 'Show delivery estimate on product page', 'Fix VAT rounding in the basket', 'Paginate order history',
  'Remember the last used payment method', 'Lazy-load product images', 'Validate postcodes per country', 'Friendlier 404 page',
  'Track add-to-cart events', 'Show stock level badges', 'Share wishlists by link', 'Prevent double submit on checkout',
  'Speed up search suggestions', 'Localise order emails (French)', 'Offer Apple Pay', 'Split the checkout bundle',
  'Fix coupon stacking', 'Show recently viewed products', 'Add size guide overlay', 'Keep basket across devices',
  'Fix currency switcher on Safari', 'Add review stars to listings', 'Rate-limit the login form', 'Clean up legacy basket cookies',
  'Show estimated taxes before checkout', 'Add invoice download', 'Accessible focus styles in checkout', 'Cache category pages at the edge',
  'Fix flicker in the mini-basket', 'Pre-fill addresses from the account', 'Show pickup points on a map', 'Retry failed order confirmations',
  'Add newsletter opt-in to checkout', 'Faster product page hydration', 'Fix sort order of sale items', 'Add bundle discounts',
  'Log checkout funnel timings', 'Support gift cards in checkout', 'Hide out-of-stock variants', 'Localise order emails (German)',
  'Show returns policy in the basket', 'Add saved searches', 'Fix mobile menu overlap', 'Trim third-party scripts', 'Add order tracking page',
];
const SHOP_PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin'];

function shopStory() {
  const story = new Story('acme/shop', 1101);
  story.push(at('2026-08-17', '09:00'), 'alice', 'Storefront as of August');
  story.push(at('2026-09-03', '15:00'), 'bob', 'Prepare autumn campaign banners');
  story.deploy(at('2026-09-04', '13:00')); // the baseline: what was live before the sample starts

  const planned = dailyWork(story, {
    perDay: 0.7,
    titles: SHOP_TITLES,
    authors: SHOP_PEOPLE,
    style: (n) => (n % 4 === 3 ? 'merge' : 'squash'),
  });
  const events = planned.map((change) => ({ at: change.mergedAt, run: () => story.merge(change) }));
  const merge = (change) => events.push({ at: change.mergedAt, run: () => story.merge({ style: 'squash', ...change }) });
  const deploy = (time, options) => events.push({ at: time, run: () => story.deploy(time, options) });

  // Renovate, every other Monday morning, merged by its automerge; and once on the last Friday.
  for (const date of workdays().filter((d) => weekday(d) === 1).filter((_, i) => i % 2 === 0)) {
    merge({ mergedAt: at(date, '07:40'), title: 'chore(deps): update dependency vite to v7', author: 'renovate', bot: true, reviewer: null, review: 5 * MINUTE, pickup: 0, coding: 2 * MINUTE, commitCount: 1 });
  }
  merge({ mergedAt: at('2026-11-27', '07:35'), title: 'chore(deps): update actions/checkout action to v5', author: 'renovate', bot: true, reviewer: null, review: 5 * MINUTE, pickup: 0, coding: 2 * MINUTE, commitCount: 1 });

  // A rollback: Tuesday 29 September's deployment breaks the basket and is rolled back to
  // Monday's sha 40 minutes later; the fix ships with Wednesday's deployment.
  merge({ mergedAt: at('2026-09-29', '09:40'), title: 'Switch basket totals to the pricing API', author: 'carol', reviewer: 'dave' });
  let mondayDeployment;
  events.push({ at: at('2026-09-28', '14:30') + 1, run: () => (mondayDeployment = story.deployments.at(-1)) });
  events.push({ at: at('2026-09-29', '15:10'), run: () => story.deploy(at('2026-09-29', '15:10'), { sha: mondayDeployment.sha, minutes: 4 }) });
  merge({ mergedAt: at('2026-09-30', '11:20'), title: 'Round pricing API totals like the basket did', author: 'carol', reviewer: 'alice', review: 40 * MINUTE, pickup: 30 * MINUTE, coding: 3 * HOUR });

  // The incident with its root cause named: Monday 26 October's deployment ships a cart-totals
  // cache; on Tuesday afternoon, after Tuesday's deployment, checkout shows stale totals.
  // The window rule would blame Tuesday's deployment; the reference names Monday's.
  const cache = { mergedAt: at('2026-10-26', '10:15'), title: 'Cache cart totals per session', author: 'bob', reviewer: 'erin', style: 'squash' };
  let cachePr;
  events.push({ at: cache.mergedAt, run: () => (cachePr = story.merge(cache)) });
  merge({ mergedAt: at('2026-10-27', '09:05'), title: 'Show loyalty points in the basket', author: 'alice', reviewer: 'bob' });
  events.push({
    at: at('2026-10-27', '15:50'),
    run: () =>
      story.incident({
        title: 'Checkout shows stale totals after a price change',
        body: () => `Customers with saved carts were charged the price from before Monday's price update.\n\nroot cause: #${cachePr.number}`,
        createdAt: at('2026-10-27', '15:50'),
        closedAt: at('2026-10-27', '17:40'),
      }),
  });
  merge({ mergedAt: at('2026-10-27', '16:50'), title: 'Invalidate cached cart totals on price changes', author: 'dave', reviewer: 'alice', labels: ['hotfix'], review: 15 * MINUTE, pickup: 25 * MINUTE, coding: 12 * MINUTE, commitCount: 1 });
  deploy(at('2026-10-27', '17:05'));

  // A revert: Tuesday 10 November ships gift wrapping; on Thursday it is reverted.
  const gift = { mergedAt: at('2026-11-10', '09:30'), title: 'Add gift wrapping option', author: 'erin', reviewer: 'carol', style: 'merge', commitCount: 3 };
  let giftPr;
  events.push({ at: gift.mergedAt, run: () => (giftPr = story.merge(gift)) });
  events.push({
    at: at('2026-11-12', '09:35'),
    run: () =>
      story.merge({
        mergedAt: at('2026-11-12', '09:35'), title: 'Revert "Add gift wrapping option"', author: 'erin', reviewer: 'bob', style: 'squash',
        body: () => `Reverts acme/shop#${giftPr.number}\n\nGift wrapping was charged twice when the basket had a voucher.`,
        review: 15 * MINUTE, pickup: 20 * MINUTE, coding: 5 * MINUTE, commitCount: 1,
      }),
  });

  // The last Friday (Black Friday: no deployments), two changes wait.
  merge({ mergedAt: at('2026-11-27', '10:20'), title: 'Show Black Friday prices in the mini-basket', author: 'alice', reviewer: 'erin' });
  merge({ mergedAt: at('2026-11-27', '13:45'), title: 'Fix voucher banner on small screens', author: 'dave', reviewer: 'carol' });

  // Monday to Thursday at 14:30 UTC, when main moved.
  for (const date of workdays().filter((d) => weekday(d) >= 1 && weekday(d) <= 4)) {
    const time = at(date, '14:30');
    events.push({ at: time, run: () => (story.deployments.at(-1).sha !== story.head ? story.deploy(time) : undefined) });
  }

  play(story, events);
  story.open({ createdAt: at('2026-11-23', '10:00'), title: 'Redesign the product page gallery', author: 'carol', draft: true, style: 'squash' });
  story.open({ createdAt: at('2026-10-05', '11:00'), title: 'Try a new search provider', author: 'bob', closedAt: at('2026-10-09', '16:00'), style: 'squash' });
  story.number({ first: 1204, shared: true });
  return story;
}

// ---------------------------------------------------------------------------------------------
// acme/catalog (GitHub): product data and search. Rebase merges (a squash now and then),
// deployed Monday, Wednesday and Friday mornings; a failed deployment retried; an incident
// no deployment caused (a CDN outage on a Monday morning); a Black Friday freeze.

const CATALOG_TITLES = [
  'Index product materials for search', 'Add colour facet', 'Import supplier feed v2', 'Fix duplicate variants in feed',
  'Boost in-stock items in search', 'Add synonyms for sizes', 'Expose product bundles in the API', 'Paginate the category API',
  'Drop discontinued products nightly', 'Add GTIN validation', 'Speed up the price index', 'Support multiple images per variant',
  'Add brand pages', 'Fix umlauts in search', 'Cache facet counts', 'Retry supplier feed downloads',
  'Add product comparison API', 'Normalise size labels', 'Add sale price history', 'Reindex without downtime',
  'Fix category breadcrumbs', 'Add search analytics events', 'Limit API page size', 'Expose stock per warehouse',
];
const CATALOG_PEOPLE = ['frank', 'gina', 'hana'];

function catalogStory() {
  const story = new Story('acme/catalog', 2202);
  story.push(at('2026-08-10', '09:00'), 'frank', 'Catalog service as of August');
  story.push(at('2026-09-02', '11:00'), 'gina', 'Bump search cluster to 8.15');
  story.deploy(at('2026-09-04', '09:30'));

  const days = workdays().filter((d) => d !== '2026-11-27');
  const planned = dailyWork(story, { perDay: 0.4, titles: CATALOG_TITLES, authors: CATALOG_PEOPLE, style: (n) => (n % 5 === 4 ? 'squash' : 'rebase'), days });
  const events = planned.map((change) => ({ at: change.mergedAt, run: () => story.merge(change) }));
  const merge = (change) => events.push({ at: change.mergedAt, run: () => story.merge({ style: 'rebase', ...change }) });

  for (const date of workdays().filter((d) => weekday(d) === 1).filter((_, i) => i % 2 === 1)) {
    merge({ mergedAt: at(date, '07:45'), title: 'chore(deps): update dependency zod to v4', author: 'renovate', bot: true, reviewer: null, review: 5 * MINUTE, pickup: 0, coding: 2 * MINUTE, commitCount: 1 });
  }
  merge({ mergedAt: at('2026-10-13', '15:10'), title: 'Move search to the new cluster', author: 'gina', reviewer: 'frank', commitCount: 3 });
  merge({ mergedAt: at('2026-11-26', '15:00'), title: 'Precompute Black Friday sale facets', author: 'hana', reviewer: 'gina' });

  // Monday, Wednesday and Friday at 09:30 UTC, when main moved; no deployment on Black Friday.
  // Wednesday 14 October's first attempt fails and is retried 25 minutes later.
  for (const date of workdays().filter((d) => [1, 3, 5].includes(weekday(d)) && d !== '2026-11-27')) {
    const time = at(date, '09:30');
    events.push({
      at: time,
      run: () => {
        if (story.deployments.at(-1).sha === story.head) return;
        if (date === '2026-10-14') {
          story.deploy(time, { status: 'failure', minutes: 7 });
          story.deploy(time + 25 * MINUTE);
        } else {
          story.deploy(time);
        }
      },
    });
  }
  play(story, events);

  story.incident({
    title: 'Product images missing on listings',
    body: 'Our image CDN provider had an outage in eu-central-1 from 06:05 UTC. Nothing we shipped; images came back when their fix rolled out.',
    createdAt: at('2026-11-16', '06:20'),
    closedAt: at('2026-11-16', '07:50'),
  });
  story.number({ first: 388, shared: true });
  return story;
}

// ---------------------------------------------------------------------------------------------
// acme/payments (GitLab): merge commits (GitLab's default), some squashed, one fast-forward;
// deployed Tuesdays and Thursdays; an incident attributed by its time window; renovate-bot.

const PAYMENTS_TITLES = [
  'Retry 3-D Secure challenge on timeout', 'Store card fingerprints for fraud checks', 'Add SEPA direct debit', 'Reconcile refunds nightly',
  'Expose payment status webhook', 'Idempotency keys for captures', 'Fix currency of partial refunds', 'Add PayPal express',
  'Split settlement reports by merchant', 'Rotate PSP credentials via vault', 'Alert on capture latency', 'Mask PANs in logs',
  'Add chargeback notifications', 'Support instalments', 'Faster settlement export', 'Validate IBANs',
  'Add payment method availability API', 'Fix rounding in multi-currency refunds', 'Audit log for manual refunds', 'Timeouts for PSP calls',
];
const PAYMENTS_PEOPLE = [
  { id: 31, username: 'ivan', name: 'Ivan Petrov' },
  { id: 32, username: 'judy', name: 'Judy Chen' },
  { id: 33, username: 'ken', name: 'Ken Adams' },
];
const RENOVATE_BOT = { id: 99, username: 'renovate-bot', name: 'Renovate Bot' };

function paymentsStory() {
  const story = new Story('acme/payments', 3303);
  story.push(at('2026-08-12', '10:00'), 'ivan', 'Payments service as of August');
  story.push(at('2026-09-01', '14:00'), 'judy', 'Upgrade PSP SDK');
  story.deploy(at('2026-09-03', '13:00'), { minutes: 6 });

  const people = PAYMENTS_PEOPLE.map((p) => p.username);
  const planned = dailyWork(story, {
    perDay: 0.3,
    titles: PAYMENTS_TITLES,
    authors: people,
    style: (n) => (n % 3 === 2 ? 'squash' : 'merge'),
  });
  const events = planned.map((change) => ({ at: change.mergedAt, run: () => story.merge(change) }));
  const merge = (change) => events.push({ at: change.mergedAt, run: () => story.merge({ style: 'merge', ...change }) });

  for (const date of ['2026-09-14', '2026-10-12', '2026-11-09']) {
    merge({ mergedAt: at(date, '08:10'), title: 'chore(deps): update dependency stripe to v19', author: 'renovate-bot', bot: true, reviewer: 'ivan', review: 20 * MINUTE, pickup: 60 * MINUTE, coding: 2 * MINUTE, commitCount: 1 });
  }
  merge({ mergedAt: at('2026-10-14', '11:30'), title: 'Lower the 3-D Secure challenge timeout', author: 'ken', reviewer: 'judy' });
  merge({ mergedAt: at('2026-10-21', '10:45'), title: 'Document the refund states', author: 'judy', reviewer: 'ivan', style: 'fast-forward', commitCount: 2 });
  merge({ mergedAt: at('2026-11-26', '15:30'), title: 'Add Black Friday capture monitoring', author: 'ivan', reviewer: 'ken' });
  merge({ mergedAt: at('2026-11-27', '10:00'), title: 'Raise PSP timeout during peak', author: 'judy', reviewer: 'ivan', review: 30 * MINUTE, pickup: 45 * MINUTE });

  // Tuesdays and Thursdays at 13:00 UTC, when main moved.
  for (const date of workdays().filter((d) => weekday(d) === 2 || weekday(d) === 4)) {
    const time = at(date, '13:00');
    events.push({ at: time, run: () => (story.lastProduction().sha !== story.head ? story.deploy(time, { minutes: 6 }) : undefined) });
  }
  // Staging gets what is merged at once; only production counts (the last two MRs are on
  // staging and still "merged but not deployed").
  for (const time of [at('2026-11-26', '15:45'), at('2026-11-27', '10:20')]) {
    events.push({ at: time, run: () => story.deploy(time, { minutes: 6, environment: 'staging' }) });
  }
  play(story, events);

  // Declines start 34 minutes after Thursday 15 October's deployment; nobody names a cause.
  story.incident({
    title: 'Card payments declined for 3-D Secure customers',
    body: 'Declines for 3-D Secure cards spiked to 18% this afternoon. Mitigated by raising the challenge timeout again.',
    createdAt: at('2026-10-15', '13:40'),
    closedAt: at('2026-10-15', '16:15'),
    severity: 'CRITICAL',
  });
  story.number({ first: 97, shared: false, firstIssue: 41 });
  return story;
}

// ---------------------------------------------------------------------------------------------
// The stories as the fake forges model them

function githubRepository(story) {
  const commits = story.commits.map((c) => ({ oid: c.oid, parents: c.parents, authoredDate: iso(c.authored), committedDate: iso(c.committed), login: c.author }));
  const pullRequests = story.changes.map((change) => ({
    number: change.number,
    title: change.title,
    body: change.body ?? '',
    author: change.author,
    ...(change.bot ? { bot: true } : {}),
    createdAt: iso(change.createdAt),
    updatedAt: iso(change.mergedAt ?? change.closedAt ?? change.createdAt),
    mergedAt: change.mergedAt === null ? null : iso(change.mergedAt),
    closedAt: change.closedAt ? iso(change.closedAt) : null,
    mergeCommit: change.mergeCommit,
    isDraft: change.draft ?? false,
    labels: change.labels ?? [],
    headRefOid: change.branch.at(-1).oid,
    commits: change.branch.map((c) => ({ oid: c.oid, authoredDate: iso(c.authored) })),
    reviews: change.firstReviewAt === null ? [] : [{ login: change.reviewer, submittedAt: iso(change.firstReviewAt), state: 'APPROVED' }],
  }));
  const deployments = story.deployments.map((d, index) => {
    const next = story.deployments.slice(index + 1).find((later) => later.status === 'success');
    const statuses = [
      { state: 'in_progress', createdAt: iso(d.start) },
      { state: d.status, createdAt: iso(d.finished) },
      // GitHub marks a deployment inactive when a later one to the environment succeeds.
      ...(d.status === 'success' && next ? [{ state: 'inactive', createdAt: iso(next.finished) }] : []),
    ];
    return { databaseId: 9_100_000 + index, sha: d.sha, environment: d.environment, createdAt: iso(d.start), statuses };
  });
  const issues = story.incidents.map((incident) => ({
    number: incident.number,
    title: incident.title,
    body: incident.body,
    labels: ['incident'],
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.closedAt ?? incident.createdAt),
    closedAt: incident.closedAt ? iso(incident.closedAt) : null,
  }));
  return { head: story.head, commits, pullRequests, deployments, issues };
}

function gitlabProject(story) {
  const users = new Map([...PAYMENTS_PEOPLE, RENOVATE_BOT].map((user) => [user.username, user]));
  const commits = story.commits.map((c) => ({
    id: c.oid,
    parent_ids: c.parents,
    authored_date: iso(c.authored),
    committed_date: iso(c.committed),
    author_name: users.get(c.author)?.name ?? c.author,
    title: c.title,
  }));
  let noteId = 51_000;
  const mergeRequests = story.changes.map((change) => {
    const merged = change.mergedAt !== null;
    const author = users.get(change.author);
    const notes = [];
    if (change.firstReviewAt !== null) {
      notes.push({ id: noteId++, body: 'Looks good to me, one question on the retry budget.', author: users.get(change.reviewer), created_at: iso(change.firstReviewAt) });
    }
    return {
      iid: change.number,
      title: change.title,
      description: change.body ?? '',
      state: merged ? 'merged' : change.closedAt ? 'closed' : 'opened',
      author,
      created_at: iso(change.createdAt),
      updated_at: iso(change.mergedAt ?? change.closedAt ?? change.createdAt),
      merged_at: merged ? iso(change.mergedAt) : null,
      closed_at: change.closedAt ? iso(change.closedAt) : null,
      source_branch: slug(change.title),
      labels: change.labels ?? [],
      sha: change.branch.at(-1).oid,
      merge_commit_sha: change.style === 'merge' ? change.mergeCommit : null,
      squash_commit_sha: change.style === 'squash' ? change.mergeCommit : null,
      commits: change.branch.map((c) => c.oid),
      notes,
    };
  });
  const deployments = story.deployments.map((d, index) => ({
    id: 880 + index,
    iid: 120 + index,
    ref: 'main',
    sha: d.sha,
    environment: d.environment,
    status: d.status === 'success' ? 'success' : 'failed',
    created_at: iso(d.start),
    updated_at: iso(d.finished),
    finished_at: iso(d.finished),
  }));
  const issues = story.incidents.map((incident) => ({
    iid: incident.number,
    title: incident.title,
    description: incident.body,
    issue_type: 'incident',
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.closedAt ?? incident.createdAt),
    closed_at: incident.closedAt ? iso(incident.closedAt) : null,
    labels: ['incident'],
    ...(incident.severity ? { severity: incident.severity } : {}),
  }));
  return {
    id: 4127,
    branches: { main: story.head },
    commits,
    mergeRequests,
    environments: [
      { id: 1, name: 'staging', tier: 'staging' },
      { id: 2, name: 'production', tier: 'production' },
    ],
    deployments,
    issues,
  };
}

// ---------------------------------------------------------------------------------------------
// Recording

/** Wraps a fake's fetch: every request and its answer (the headers harvesters read) is kept. */
function recordingFetch(fake, recording) {
  return async (input, init) => {
    const parts = await requestParts(input, init);
    const response = await fake.fetch(input, init);
    const text = await response.clone().text();
    const headers = {};
    for (const name of RECORDED_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const json = /\bjson\b/.test(headers['content-type'] ?? '');
    const entry = { status: response.status, headers, body: text === '' ? null : json ? JSON.parse(text) : text };
    const key = requestKey(parts);
    const earlier = recording.get(key);
    if (earlier !== undefined && JSON.stringify(earlier) !== JSON.stringify(entry)) {
      throw new Error(`${key} was answered twice, differently: a recording can hold only one answer per request`);
    }
    recording.set(key, entry);
    return response;
  };
}

async function harvestAll(config, fetchFor, storePath) {
  const store = openStore(storePath);
  const reports = [];
  try {
    for (const source of config.sources) {
      const harvester = createHarvester(source, { token: DEMO_TOKEN, fetch: fetchFor(source), retryUnitMs: 1 });
      reports.push(await harvester.harvest(store, { full: false, since: null, now: new Date(DEMO_HARVESTED_AT), progress: () => {} }));
    }
  } finally {
    closeStore(store);
  }
  return reports;
}

const config = parseConfig(JSON.stringify(DEMO_CONFIG), 'the demo config');
const shop = shopStory();
const catalog = catalogStory();
const payments = paymentsStory();
const github = createFakeGitHub({ 'acme/shop': githubRepository(shop), 'acme/catalog': githubRepository(catalog) });
const gitlab = createFakeGitLab({ 'acme/payments': gitlabProject(payments) });

const recording = new Map();
const dir = mkdtempSync(path.join(tmpdir(), 'dorametrics-record-demo-'));
try {
  const recorded = await harvestAll(config, (source) => recordingFetch(source.type === 'github' ? github : gitlab, recording), path.join(dir, 'recorded.db'));
  for (const report of recorded) if (report.warnings.length > 0) console.log(`${report.source} notes: ${report.warnings.join('; ')}`);

  const document = {
    description:
      'The sample forge of `dorametrics demo`: GitHub\'s and GitLab\'s answers to every request a first sync of the demo config sends, ' +
      'keyed by method, path and query (and for a body, its GraphQL operation and hash). Written by scripts/record-demo.js; do not edit by hand.',
    responses: Object.fromEntries(recording),
  };
  // One response a line: small, and a re-recording diffs line by line.
  const lines = [...recording].map(([key, entry]) => `    ${JSON.stringify(key)}: ${JSON.stringify(entry)}`);
  const text = `{\n  "description": ${JSON.stringify(document.description)},\n  "responses": {\n${lines.join(',\n')}\n  }\n}\n`;
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);

  // Prove the recording complete: the same harvest, replayed, into a fresh store.
  const replay = createReplayFetch(JSON.parse(text));
  const replayed = await harvestAll(config, () => replay.fetch, path.join(dir, 'replayed.db'));
  if (replay.misses.length > 0) throw new Error(`the replay missed ${replay.misses.join(', ')}`);
  for (const [index, report] of replayed.entries()) {
    if (JSON.stringify(report.items) !== JSON.stringify(recorded[index].items)) throw new Error(`${report.source}: the replay harvested ${JSON.stringify(report.items)}, the recording ${JSON.stringify(recorded[index].items)}`);
  }

  const window = resolveWindow({ from: DEMO_WINDOW.from, to: DEMO_WINDOW.to }, new Date(DEMO_HARVESTED_AT), config.timezone);
  const { document: report } = buildReport({ dbPath: path.join(dir, 'replayed.db'), config, flags: { env: 'production' }, window, thresholds: [], now: new Date(DEMO_HARVESTED_AT) });
  const m = report.metrics;
  console.log(`wrote ${path.relative(root, OUTPUT)}: ${recording.size} responses, ${Math.round(text.length / 1024)} KB`);
  for (const r of replayed) console.log(`  ${r.source}: ${Object.entries(r.items).map(([k, v]) => `${v} ${k}`).join(', ')} (${r.requests} requests)`);
  console.log(`deployments ${m.deploymentFrequency.deployments} on ${m.deploymentFrequency.deployDays} days (median ${m.deploymentFrequency.medianDeployDaysPerWeek} a week, ${m.deploymentFrequency.level})`);
  console.log(`lead time: ${m.leadTime.changes} changes, p50 ${(m.leadTime.p50 / 3600).toFixed(1)} h (${m.leadTime.level}); lag p50 ${(m.cycleTimeLag.p50 / 3600).toFixed(1)} h`);
  console.log(`change failure: ${m.changeFailureRate.failedDeployments}/${m.changeFailureRate.deployments}; rework: ${m.reworkRate.reworkDeployments}; undeployed: ${m.cycleTimeLag.undeployed.count}`);
  console.log(`incidents: ${report.details.incidents.map((i) => `${i.incidentId} → ${i.by ?? 'none'} ${i.deploymentId ?? ''}`).join('; ')}`);
  console.log(`warnings: ${report.warnings.join(' | ') || 'none'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
