import { parseRepoId } from '../domain/ids.js';
import type { Commit, Deployment, Facts, Incident, PullRequest, RepoId, Repository } from '../domain/types.js';
import {
  byFinishThenId,
  collapseDuplicates,
  environmentMatcher,
  successfulAt,
  type SuccessfulDeployment,
} from './deployments.js';
import { CommitGraph } from './graph.js';
import { incidentReferences } from './incident-references.js';
import { botMatcher, firstCommitAt, isBotCommit, isBotPullRequest, mergedCommitOf, revertedNumbers } from './pull-requests.js';
import { plural } from '../util/text.js';

/**
 * The window-independent part of a report: which deployment shipped which change, which
 * deployments failed, which incidents belong to which deployment. It depends on the
 * environment and the config but not on the window, so one model serves the window, the
 * previous window (`--compare`) and every per-repository breakdown.
 */

export interface ModelOptions {
  environment: string;
  /** Per repository, the environment names its source's config lists (SPEC §3). */
  configuredEnvironments: ReadonlyMap<RepoId, readonly string[]>;
  excludedAuthors: readonly string[];
  attributionWindowSeconds: number;
  reworkLabels: readonly string[];
  leadTimeUnit: 'pr' | 'commit';
}

export interface MergedPullRequest {
  pr: PullRequest;
  mergedCommit: string | null;
  isBot: boolean;
  firstCommitAt: number | null;
  /** The earliest successful deployment that reaches the merged commit (SPEC §5.2). */
  deployment: DeploymentNode | null;
}

export interface DeploymentNode {
  deployment: Deployment;
  repoId: RepoId;
  sha: string;
  finishedAt: number;
  /** The first successful deployment ever stored for the repository and environment. */
  isBaseline: boolean;
  previous: DeploymentNode | null;
  next: DeploymentNode | null;
  /** The PRs whose deployment this is, bots included. */
  shipped: MergedPullRequest[];
  /** With `leadTime.unit: "commit"`: the commits this deployment reached first. */
  shippedCommits: Commit[];
  /** Its sha is a strict ancestor of the previous deployment's sha (SPEC §5.9). */
  isRollback: boolean;
  /** The next deployment's sha is a strict ancestor of its sha (SPEC §5.6). */
  rolledBack: boolean;
  /** It shipped a PR that a merged revert PR names (SPEC §5.6). */
  reverted: boolean;
  /** It ships a revert PR or a PR with a rework label (SPEC §5.9). */
  shipsRework: boolean;
  /** Incidents attributed to it (SPEC §5.7). */
  incidents: Incident[];
}

export interface AttributedIncident {
  incident: Incident;
  deployment: DeploymentNode | null;
  by: 'reference' | 'window' | null;
}

export interface RepoModel {
  repository: Repository;
  /** Surviving successful deployments, oldest first. */
  deployments: DeploymentNode[];
  mergedPullRequests: MergedPullRequest[];
  incidents: AttributedIncident[];
  /** Data notes that do not depend on the window. */
  warnings: string[];
}

/** The earliest successful deployment whose sha has `sha` among its ancestors (SPEC §5.2). */
type FirstReach = (sha: string) => DeploymentNode | null;

export interface Model {
  repos: Map<RepoId, RepoModel>;
  options: ModelOptions;
}

export function buildModel(facts: Facts, repoIds: readonly RepoId[], options: ModelOptions): Model {
  const wanted = new Set(repoIds);
  const grouped = groupByRepo(facts, wanted);
  const isBot = botMatcher(options.excludedAuthors);
  const matchesEnvironment = environmentMatcher(options.environment, options.configuredEnvironments);
  const repos = new Map<RepoId, RepoModel>();
  for (const repoId of [...wanted].sort()) {
    const group = grouped.get(repoId) ?? emptyGroup();
    const repository = group.repository ?? synthesizeRepository(repoId);
    repos.set(repoId, buildRepoModel(repository, group, options, isBot, matchesEnvironment));
  }
  return { repos, options };
}

interface RepoFacts {
  repository: Repository | null;
  commits: Commit[];
  pullRequests: PullRequest[];
  deployments: Deployment[];
  incidents: Incident[];
}

function emptyGroup(): RepoFacts {
  return { repository: null, commits: [], pullRequests: [], deployments: [], incidents: [] };
}

function groupByRepo(facts: Facts, wanted: ReadonlySet<RepoId>): Map<RepoId, RepoFacts> {
  const groups = new Map<RepoId, RepoFacts>();
  const groupOf = (repoId: RepoId): RepoFacts | null => {
    if (!wanted.has(repoId)) return null;
    let group = groups.get(repoId);
    if (!group) {
      group = emptyGroup();
      groups.set(repoId, group);
    }
    return group;
  };
  for (const repository of facts.repositories) {
    const group = groupOf(repository.id);
    if (group) group.repository = repository;
  }
  for (const commit of facts.commits) groupOf(commit.repoId)?.commits.push(commit);
  for (const pr of facts.pullRequests) groupOf(pr.repoId)?.pullRequests.push(pr);
  for (const deployment of facts.deployments) groupOf(deployment.repoId)?.deployments.push(deployment);
  for (const incident of facts.incidents) groupOf(incident.repoId)?.incidents.push(incident);
  return groups;
}

function synthesizeRepository(repoId: RepoId): Repository {
  const parsed = parseRepoId(repoId);
  return {
    id: repoId,
    forge: parsed?.forge ?? 'github',
    fullName: parsed?.fullName ?? repoId,
    defaultBranch: null,
    webUrl: null,
  };
}

function buildRepoModel(
  repository: Repository,
  facts: RepoFacts,
  options: ModelOptions,
  isBot: ReturnType<typeof botMatcher>,
  matchesEnvironment: (deployment: Deployment) => boolean,
): RepoModel {
  const warnings: string[] = [];
  const graph = new CommitGraph(facts.commits);
  const nodes = deploymentTimeline(repository, facts.deployments, graph, matchesEnvironment, warnings);

  // SPEC §5.2: walking deployments oldest first, each commit belongs to the first one that
  // reaches it. One pass over the graph per repository, whatever the number of deployments.
  const nodeIds = nodes.map((node) => graph.intern(node.sha));
  const reachedBy = new Int32Array(graph.size).fill(-1);
  const unknownShas: string[] = [];
  nodes.forEach((node, index) => {
    if (!graph.has(node.sha)) unknownShas.push(node.sha);
    const collect =
      options.leadTimeUnit === 'commit'
        ? (id: number) => {
            const commit = graph.commitOf(id);
            if (commit && !isBotCommit(commit, isBot)) node.shippedCommits.push(commit);
          }
        : undefined;
    graph.walkNew(nodeIds[index]!, reachedBy, index, collect);
  });
  if (unknownShas.length > 0) {
    warnings.push(
      `${repository.id}: ${plural(unknownShas.length, 'deployment')} deployed a sha that is not in the stored commit graph ` +
        `(e.g. ${unknownShas[0]!.slice(0, 12)}); such a deployment only ships a PR whose merged commit is exactly that sha`,
    );
  }
  /** The earliest deployment reaching `sha` (a full or abbreviated sha), if any. */
  const firstReach: FirstReach = (sha) => {
    const id = graph.idOf(graph.resolve(sha));
    const index = id === undefined || id >= reachedBy.length ? -1 : reachedBy[id]!;
    return index === -1 ? null : nodes[index]!;
  };

  markRollbacks(nodes, nodeIds, graph, reachedBy);
  const mergedPullRequests = shipPullRequests(repository, facts.pullRequests, firstReach, options, isBot, warnings);
  const incidents = attributeIncidents(repository, facts, nodes, firstReach, mergedPullRequests, options);
  return { repository, deployments: nodes, mergedPullRequests, incidents, warnings };
}

/** SPEC §5.1: successful deployments to the environment, duplicates collapsed, oldest first. */
function deploymentTimeline(
  repository: Repository,
  deployments: readonly Deployment[],
  graph: CommitGraph,
  matchesEnvironment: (deployment: Deployment) => boolean,
  warnings: string[],
): DeploymentNode[] {
  const successful: SuccessfulDeployment[] = [];
  for (const deployment of deployments) {
    if (!matchesEnvironment(deployment)) continue;
    const finishedAt = successfulAt(deployment);
    if (finishedAt === null) continue;
    successful.push({ deployment, repoId: repository.id, sha: graph.resolve(deployment.sha), finishedAt });
  }
  successful.sort(byFinishThenId);
  const { kept, dropped } = collapseDuplicates(successful);
  if (dropped.length > 0) {
    warnings.push(
      `${repository.id}: ${plural(dropped.length, 'duplicate deployment record')} (same environment and sha within 10 minutes) collapsed`,
    );
  }
  const nodes = kept.map((record, index): DeploymentNode => ({
    deployment: record.deployment,
    repoId: repository.id,
    sha: record.sha,
    finishedAt: record.finishedAt,
    isBaseline: index === 0,
    previous: null,
    next: null,
    shipped: [],
    shippedCommits: [],
    isRollback: false,
    rolledBack: false,
    reverted: false,
    shipsRework: false,
    incidents: [],
  }));
  for (let i = 1; i < nodes.length; i++) {
    nodes[i]!.previous = nodes[i - 1]!;
    nodes[i - 1]!.next = nodes[i]!;
  }
  return nodes;
}

/**
 * A deployment whose sha is a strict ancestor of the previous one's is a rollback (SPEC
 * §5.9), and the previous one was rolled back (SPEC §5.6). A sha that a deployment reaches
 * first cannot be an ancestor of an earlier deployment's sha, so only re-deployed shas are
 * walked, and only through commits already deployed by then.
 */
function markRollbacks(nodes: DeploymentNode[], nodeIds: readonly number[], graph: CommitGraph, reachedBy: Int32Array): void {
  for (let i = 1; i < nodes.length; i++) {
    const node = nodes[i]!;
    const previous = nodes[i - 1]!;
    const id = nodeIds[i]!;
    if (id === nodeIds[i - 1] || reachedBy[id]! >= i) continue;
    const reachedBefore = (other: number) => other < reachedBy.length && reachedBy[other]! !== -1 && reachedBy[other]! < i;
    if (graph.isStrictAncestor(id, nodeIds[i - 1]!, reachedBefore)) {
      node.isRollback = true;
      previous.rolledBack = true;
    }
  }
}

/** SPEC §5.2 and §5.6: ties every merged PR to its deployment and marks reverts and rework. */
function shipPullRequests(
  repository: Repository,
  pullRequests: readonly PullRequest[],
  firstReach: FirstReach,
  options: ModelOptions,
  isBot: ReturnType<typeof botMatcher>,
  warnings: string[],
): MergedPullRequest[] {
  const reworkLabels = new Set(options.reworkLabels.map((label) => label.toLowerCase()));
  const revertedNumbersSet = new Set<number>();
  const revertPrIds = new Set<string>();
  const merged: MergedPullRequest[] = [];
  let withoutMergedCommit = 0;
  for (const pr of pullRequests) {
    if (pr.mergedAt === null) continue;
    const named = revertedNumbers(pr, repository);
    if (named.length > 0) {
      revertPrIds.add(pr.id);
      for (const number of named) revertedNumbersSet.add(number);
    }
    const mergedCommit = mergedCommitOf(pr, repository.forge);
    if (mergedCommit === null) withoutMergedCommit++;
    merged.push({
      pr,
      mergedCommit,
      isBot: isBotPullRequest(pr, isBot),
      firstCommitAt: firstCommitAt(pr),
      deployment: mergedCommit === null ? null : firstReach(mergedCommit),
    });
  }
  if (withoutMergedCommit > 0) {
    warnings.push(`${repository.id}: ${plural(withoutMergedCommit, 'merged PR')} without a merged commit sha cannot be tied to a deployment`);
  }
  merged.sort((a, b) => a.pr.number - b.pr.number);
  for (const entry of merged) {
    const node = entry.deployment;
    if (!node) continue;
    node.shipped.push(entry);
    if (revertedNumbersSet.has(entry.pr.number)) node.reverted = true;
    if (revertPrIds.has(entry.pr.id) || entry.pr.labels.some((label) => reworkLabels.has(label.toLowerCase()))) {
      node.shipsRework = true;
    }
  }
  return merged;
}

/** SPEC §5.7: by reference first, then by window, else not deployment-caused. */
function attributeIncidents(
  repository: Repository,
  facts: RepoFacts,
  nodes: readonly DeploymentNode[],
  firstReach: FirstReach,
  mergedPullRequests: readonly MergedPullRequest[],
  options: ModelOptions,
): AttributedIncident[] {
  const prByNumber = new Map(mergedPullRequests.map((entry) => [entry.pr.number, entry]));
  const windowMs = options.attributionWindowSeconds * 1000;
  const incidents = [...facts.incidents].sort((a, b) => a.createdAt - b.createdAt || compareIds(a.id, b.id));
  return incidents.map((incident): AttributedIncident => {
    for (const reference of incidentReferences(incident.body, repository)) {
      let node: DeploymentNode | null = null;
      if (reference.kind === 'commit') {
        node = firstReach(reference.sha);
      } else {
        node = prByNumber.get(reference.number)?.deployment ?? null;
      }
      if (node) {
        node.incidents.push(incident);
        return { incident, deployment: node, by: 'reference' };
      }
    }
    const latest = latestFinishedAtOrBefore(nodes, incident.createdAt);
    if (latest && incident.createdAt - latest.finishedAt <= windowMs) {
      latest.incidents.push(incident);
      return { incident, deployment: latest, by: 'window' };
    }
    return { incident, deployment: null, by: null };
  });
}

/** Binary search over a timeline sorted by finish time. */
function latestFinishedAtOrBefore(nodes: readonly DeploymentNode[], instant: number): DeploymentNode | null {
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (nodes[mid]!.finishedAt <= instant) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? null : nodes[low - 1]!;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
