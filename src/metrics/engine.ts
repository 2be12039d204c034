import type { Incident, RepoId } from '../domain/types.js';
import { changeFailureRate } from './change-failure-rate.js';
import { cycleTimeLag, phasesOf, undeployedPullRequests, type PhaseSamples } from './cycle-time-lag.js';
import { deploymentFrequency } from './deployment-frequency.js';
import { leadTime } from './lead-time.js';
import type { DeploymentNode, Model } from './model.js';
import { failedDeploymentRecoveryTime } from './recovery-time.js';
import { reworkRate } from './rework-rate.js';
import { timeToRestore } from './time-to-restore.js';
import type { IncidentAttribution, MetricsResult, ShippedChange, UndeployedPullRequest, Window } from './types.js';

/** How many of the slowest changes (by lead time, and by lag) the result lists. */
export const SLOWEST_CHANGES = 10;

/**
 * Computes every metric of SPEC §5 for the window over the given repositories of the model
 * (pooled: one percentile over all values, deploy days over the union of local dates).
 * Pure: the same model, window and scope always give the same result.
 */
export function computeMetrics(model: Model, window: Window, repoIds: readonly RepoId[]): MetricsResult {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const inWindow = (instant: number) => instant >= window.from && instant < window.to;

  const inScope: DeploymentNode[] = [];
  const incidents: Incident[] = [];
  const attributions: IncidentAttribution[] = [];
  const undeployed: UndeployedPullRequest[] = [];
  for (const repoId of repoIds) {
    const repo = model.repos.get(repoId);
    if (!repo) continue;
    warnings.push(...repo.warnings);
    for (const node of repo.deployments) if (inWindow(node.finishedAt)) inScope.push(node);
    for (const attributed of repo.incidents) {
      if (!inWindow(attributed.incident.createdAt)) continue;
      incidents.push(attributed.incident);
      attributions.push(describeAttribution(attributed.incident, attributed.deployment, attributed.by));
    }
    undeployed.push(...undeployedPullRequests(repo, window));
  }
  inScope.sort((a, b) => a.finishedAt - b.finishedAt || (a.deployment.id < b.deployment.id ? -1 : 1));
  undeployed.sort((a, b) => a.mergedAt - b.mergedAt || (a.id < b.id ? -1 : 1));

  const { leadTimes, phases, changes, botsLeftOut } = shippedChanges(model, inScope, warn);
  if (botsLeftOut > 0) warn(`${botsLeftOut} bot PR${botsLeftOut === 1 ? '' : 's'} left out of lead time and cycle-time figures`);

  return {
    metrics: {
      deploymentFrequency: deploymentFrequency(inScope.map((node) => node.finishedAt), window),
      leadTime: leadTime(leadTimes),
      cycleTimeLag: cycleTimeLag(phases, undeployed),
      changeFailureRate: changeFailureRate(inScope),
      timeToRestore: timeToRestore(incidents, warn),
      failedDeploymentRecoveryTime: failedDeploymentRecoveryTime(inScope, warn),
      reworkRate: reworkRate(inScope),
    },
    undeployed,
    incidents: attributions,
    changes: slowest(changes),
    warnings,
  };
}

/**
 * The PRs (or, with `leadTime.unit: "commit"`, the commits) shipped by the deployments in
 * scope, bots and the baseline's changes left out (SPEC §5.2, §5.4, §5.5).
 */
function shippedChanges(model: Model, inScope: readonly DeploymentNode[], warn: (message: string) => void) {
  const leadTimes: number[] = [];
  const phases: PhaseSamples = { coding: [], pickup: [], review: [], lag: [] };
  const changes: ShippedChange[] = [];
  let botsLeftOut = 0;
  const commitUnit = model.options.leadTimeUnit === 'commit';

  for (const node of inScope) {
    // SPEC §5.2: what the baseline reaches was deployed before history starts.
    if (node.isBaseline) continue;
    if (commitUnit) {
      for (const commit of node.shippedCommits) {
        if (commit.authoredAt === null) continue;
        const value = (node.finishedAt - commit.authoredAt) / 1000;
        if (value < 0) warn(`lead time of commit ${commit.sha.slice(0, 12)} in ${commit.repoId} is negative: left out`);
        else leadTimes.push(value);
      }
    }
    for (const entry of node.shipped) {
      if (entry.isBot) {
        botsLeftOut++;
        continue;
      }
      const { pr } = entry;
      const label = `${pr.repoId}#${pr.number}`;
      const values = phasesOf(entry, node.finishedAt);
      for (const phase of ['coding', 'pickup', 'review', 'lag'] as const) {
        const value = values[phase];
        if (value === null) continue;
        if (value < 0) warn(`${phase} time of ${label} is negative: left out`);
        else phases[phase].push(value);
      }
      let lead: number | null = null;
      if (entry.firstCommitAt === null) {
        warn(`${label} has no stored commits: left out of lead time`);
      } else {
        lead = (node.finishedAt - entry.firstCommitAt) / 1000;
        if (lead < 0) {
          warn(`lead time of ${label} is negative (first commit after the deployment): left out`);
          lead = null;
        } else if (!commitUnit) {
          leadTimes.push(lead);
        }
      }
      changes.push({
        id: pr.id,
        repoId: pr.repoId,
        number: pr.number,
        title: pr.title,
        author: pr.author,
        url: pr.url,
        deploymentId: node.deployment.id,
        deployedAt: node.finishedAt,
        leadTimeSeconds: lead,
        lagSeconds: values.lag !== null && values.lag >= 0 ? values.lag : null,
      });
    }
  }
  return { leadTimes, phases, changes, botsLeftOut };
}

/** The slowest changes by lead time and by lag, slowest lead time first, ties by id. */
function slowest(changes: readonly ShippedChange[]): ShippedChange[] {
  const byDesc = (key: 'leadTimeSeconds' | 'lagSeconds') => (a: ShippedChange, b: ShippedChange) =>
    (b[key] ?? -1) - (a[key] ?? -1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const picked = new Map<string, ShippedChange>();
  for (const change of [...changes].sort(byDesc('leadTimeSeconds')).slice(0, SLOWEST_CHANGES)) picked.set(change.id, change);
  for (const change of [...changes].sort(byDesc('lagSeconds')).slice(0, SLOWEST_CHANGES)) picked.set(change.id, change);
  return [...picked.values()].sort(byDesc('leadTimeSeconds'));
}

function describeAttribution(
  incident: Incident,
  deployment: DeploymentNode | null,
  by: IncidentAttribution['by'],
): IncidentAttribution {
  return {
    incidentId: incident.id,
    repoId: incident.repoId,
    title: incident.title,
    createdAt: incident.createdAt,
    resolvedAt: incident.resolvedAt,
    url: incident.url,
    deploymentId: deployment?.deployment.id ?? null,
    by,
  };
}

