import type { RepoId } from '../domain/types.js';

/** DORA performance levels; `null` where the metric is undefined (SPEC §6). */
export type Level = 'elite' | 'high' | 'medium' | 'low';

/** A distribution of durations in seconds; every statistic is `null` on an empty set. */
export interface DurationStats {
  count: number;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  mean: number | null;
}

export interface DeploymentFrequency {
  deployments: number;
  deployDays: number;
  perDay: number;
  perWeek: number;
  medianDeployDaysPerWeek: number | null;
  level: Level;
}

export interface LeadTime {
  changes: number;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  mean: number | null;
  level: Level | null;
}

export interface CycleTimeLag extends DurationStats {
  phases: { coding: DurationStats; pickup: DurationStats; review: DurationStats };
  undeployed: { count: number; oldestAgeSeconds: number | null };
}

export interface ChangeFailureRate {
  deployments: number;
  failedDeployments: number;
  rate: number | null;
  level: Level | null;
}

export interface TimeToRestore {
  incidents: number;
  resolved: number;
  open: number;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  mean: number | null;
  level: Level | null;
}

export interface FailedDeploymentRecoveryTime {
  failures: number;
  recovered: number;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  mean: number | null;
  level: Level | null;
}

export interface ReworkRate {
  deployments: number;
  reworkDeployments: number;
  rate: number | null;
}

/** The `metrics` object of the JSON report, exactly as SPEC §6 lists it. */
export interface Metrics {
  deploymentFrequency: DeploymentFrequency;
  leadTime: LeadTime;
  cycleTimeLag: CycleTimeLag;
  changeFailureRate: ChangeFailureRate;
  timeToRestore: TimeToRestore;
  failedDeploymentRecoveryTime: FailedDeploymentRecoveryTime;
  reworkRate: ReworkRate;
}

export interface Window {
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  timeZone: string;
}

/** One merged PR that no deployment finished before `to` reaches (SPEC §5.5). */
export interface UndeployedPullRequest {
  id: string;
  repoId: RepoId;
  number: number;
  title: string;
  author: string | null;
  url: string | null;
  mergedAt: number;
  ageSeconds: number;
}

/** How an incident was tied to a deployment (SPEC §5.7). */
export interface IncidentAttribution {
  incidentId: string;
  repoId: RepoId;
  title: string;
  createdAt: number;
  resolvedAt: number | null;
  url: string | null;
  deploymentId: string | null;
  by: 'reference' | 'window' | null;
}

/** One PR shipped by a deployment in scope, with its durations (the result lists the slowest). */
export interface ShippedChange {
  id: string;
  repoId: RepoId;
  number: number;
  title: string;
  author: string | null;
  url: string | null;
  deploymentId: string;
  deployedAt: number;
  leadTimeSeconds: number | null;
  lagSeconds: number | null;
}

/** The metrics for one scope and window, with the detail the renderers need. */
export interface MetricsResult {
  metrics: Metrics;
  undeployed: UndeployedPullRequest[];
  incidents: IncidentAttribution[];
  /** The slowest changes in scope: the top ten by lead time and the top ten by lag. */
  changes: ShippedChange[];
  warnings: string[];
}
