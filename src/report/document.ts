import { z } from 'zod';
import type {
  IncidentAttribution,
  Metrics,
  MetricsResult,
  ShippedChange,
  UndeployedPullRequest,
  Window,
} from '../metrics/types.js';
import { isoUtc } from '../util/time.js';
import type { SeriesPeriod } from './series.js';
import type { ThresholdResult } from './thresholds.js';

/**
 * The versioned JSON report (SPEC §6). This zod schema is the one source of truth for its
 * shape: the JSON renderer prints what `buildReportDocument` returns, and
 * `scripts/write-schemas.js` ships it as `schemas/report.schema.json` (STYLE habit 2).
 * Objects are strict so that the published JSON Schema says `additionalProperties: false`
 * and a field added to the engine without a schema change fails loudly here.
 */

export const REPORT_SCHEMA_VERSION = 1;

// `meta({ id })` makes the published JSON Schema define these once under `$defs`.
const level = z.enum(['elite', 'high', 'medium', 'low']).meta({ id: 'Level', description: 'DORA performance level.' });
const count = z.number().int().nonnegative();
const seconds = z.number().describe('A duration in seconds.');
const nullableSeconds = seconds.nullable().describe('A duration in seconds; null on an empty set.');
const ratio = z.number().min(0).max(1).nullable().describe('A ratio between 0 and 1; null without deployments.');
const instant = z.iso.datetime().describe('An ISO 8601 UTC instant.');

const durationStats = z
  .object({ count, p50: nullableSeconds, p75: nullableSeconds, p90: nullableSeconds, mean: nullableSeconds })
  .strict()
  .meta({ id: 'DurationStats', description: 'A distribution of durations in seconds; statistics are null on an empty set.' });

/** The `metrics` object, exactly as SPEC §6 lists it (mirrors `Metrics` in src/metrics/types.ts). */
export const metricsSchema = z
  .object({
    deploymentFrequency: z
      .object({
        deployments: count,
        deployDays: count,
        perDay: z.number().nonnegative(),
        perWeek: z.number().nonnegative(),
        medianDeployDaysPerWeek: z.number().nonnegative().nullable(),
        level,
      })
      .strict()
      .describe('SPEC §5.3.'),
    leadTime: z
      .object({
        changes: count,
        p50: nullableSeconds,
        p75: nullableSeconds,
        p90: nullableSeconds,
        mean: nullableSeconds,
        level: level.nullable(),
      })
      .strict()
      .describe('SPEC §5.4.'),
    cycleTimeLag: z
      .object({
        count,
        p50: nullableSeconds,
        p75: nullableSeconds,
        p90: nullableSeconds,
        mean: nullableSeconds,
        phases: z.object({ coding: durationStats, pickup: durationStats, review: durationStats }).strict(),
        undeployed: z.object({ count, oldestAgeSeconds: nullableSeconds }).strict(),
      })
      .strict()
      .describe('SPEC §5.5: the lag (merge → production) itself, the phases before it and the merged-but-undeployed PRs.'),
    changeFailureRate: z
      .object({ deployments: count, failedDeployments: count, rate: ratio, level: level.nullable() })
      .strict()
      .describe('SPEC §5.6.'),
    timeToRestore: z
      .object({
        incidents: count,
        resolved: count,
        open: count,
        p50: nullableSeconds,
        p75: nullableSeconds,
        p90: nullableSeconds,
        mean: nullableSeconds,
        level: level.nullable(),
      })
      .strict()
      .describe('SPEC §5.8.'),
    failedDeploymentRecoveryTime: z
      .object({
        failures: count,
        recovered: count,
        p50: nullableSeconds,
        p75: nullableSeconds,
        p90: nullableSeconds,
        mean: nullableSeconds,
        level: level.nullable(),
      })
      .strict()
      .describe('SPEC §5.8.'),
    reworkRate: z.object({ deployments: count, reworkDeployments: count, rate: ratio }).strict().describe('SPEC §5.9.'),
  })
  .strict()
  .meta({ id: 'Metrics', description: 'The DORA metrics of one scope and window (SPEC §5, §6).' });

const windowSchema = z
  .object({
    from: instant.describe('Inclusive start, ISO 8601 UTC.'),
    to: instant.describe('Exclusive end, ISO 8601 UTC.'),
    timezone: z.string().describe('The IANA zone that decided days, weeks and months.'),
  })
  .strict()
  .meta({ id: 'Window', description: 'A window [from, to).' });

const undeployedSchema = z
  .object({
    id: z.string(),
    repoId: z.string(),
    number: z.number().int(),
    title: z.string(),
    author: z.string().nullable(),
    url: z.string().nullable(),
    mergedAt: instant,
    ageSeconds: seconds,
  })
  .strict();

const incidentSchema = z
  .object({
    incidentId: z.string(),
    repoId: z.string(),
    title: z.string(),
    createdAt: instant,
    resolvedAt: instant.nullable(),
    url: z.string().nullable(),
    deploymentId: z.string().nullable(),
    by: z.enum(['reference', 'window']).nullable().describe('How the incident was tied to a deployment (SPEC §5.7).'),
  })
  .strict();

const changeSchema = z
  .object({
    id: z.string(),
    repoId: z.string(),
    number: z.number().int(),
    title: z.string(),
    author: z.string().nullable(),
    url: z.string().nullable(),
    deploymentId: z.string(),
    deployedAt: instant,
    leadTimeSeconds: nullableSeconds,
    lagSeconds: nullableSeconds,
  })
  .strict();

export const thresholdResultSchema = z
  .object({
    expr: z.string(),
    actual: z.number().nullable().describe('The metric value; null when undefined (a null never breaches).'),
    passed: z.boolean(),
  })
  .strict();

export const reportDocumentSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    tool: z.object({ name: z.literal('dorametrics'), version: z.string() }).strict(),
    generatedAt: instant,
    window: windowSchema,
    scope: z
      .object({
        repos: z.array(z.string()).describe('Repository ids such as github:acme/shop.'),
        environment: z.string(),
        team: z.string().optional(),
      })
      .strict(),
    metrics: metricsSchema,
    previous: z
      .object({ window: windowSchema, metrics: metricsSchema })
      .strict()
      .optional()
      .describe('The previous window of equal length (`--compare`).'),
    series: z
      .object({
        by: z.enum(['week', 'month']).describe('ISO weeks (Monday first) or calendar months in the window\'s time zone.'),
        periods: z
          .array(z.object({ from: instant, to: instant, metrics: metricsSchema }).strict())
          .describe('Oldest first; the first and last periods are clipped to the window, so together they cover it exactly.'),
      })
      .strict()
      .optional()
      .describe('The same metrics per week or month of the window (`--by`).'),
    byRepo: z.record(z.string(), metricsSchema).describe('The same metrics per repository id.'),
    byTeam: z
      .record(z.string(), metricsSchema)
      .optional()
      .describe('The same metrics per configured team, over its repositories within the scope (present when the config has teams).'),
    thresholds: z.array(thresholdResultSchema).describe('Every `--fail-on` and config threshold, evaluated.'),
    warnings: z.array(z.string()).describe('Data notes, e.g. deployments whose sha is unknown.'),
    details: z
      .object({
        undeployed: z.array(undeployedSchema).describe('Merged PRs no deployment reaches yet (SPEC §5.5).'),
        incidents: z.array(incidentSchema).describe('Incidents in the window and their attribution (SPEC §5.7).'),
        changes: z.array(changeSchema).describe('PRs shipped by deployments in the window.'),
      })
      .strict(),
  })
  .strict()
  .describe('A dorametrics report (SPEC §6). Durations are seconds; instants are ISO 8601 UTC.');

export type ReportDocument = z.infer<typeof reportDocumentSchema>;
export type ReportMetrics = z.infer<typeof metricsSchema>;

// Compile-time guard: the schema and the engine's `Metrics` type describe the same shape.
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
type _MetricsSchemaMatchesEngine = AssertTrue<MutuallyAssignable<ReportMetrics, Metrics>>;

export interface ReportScope {
  repos: string[];
  environment: string;
  team?: string;
}

export interface BuildReportInput {
  window: Window;
  scope: ReportScope;
  result: MetricsResult;
  byRepo: Record<string, MetricsResult>;
  previous?: { window: Window; result: MetricsResult };
  /** `--by`: the periods of the window, oldest first, each with its own result. */
  series?: { by: SeriesPeriod; periods: Array<{ window: Window; result: MetricsResult }> };
  /** Per configured team; absent when the config has no teams. */
  byTeam?: Record<string, MetricsResult>;
  thresholds: ThresholdResult[];
  generatedAt: Date;
  version: string;
}

/**
 * Assembles the JSON report from the engine's results. Pure and deterministic: byRepo and
 * byTeam keys are sorted and warnings de-duplicated in their first-seen order. The result is parsed
 * with `reportDocumentSchema`, so keys come out in schema order and an engine value the
 * schema does not allow (NaN, a negative count) throws here, as the bug it is, instead of
 * shipping a document that fails its own published schema.
 */
export function buildReportDocument(input: BuildReportInput): ReportDocument {
  const byRepo = sortedMetrics(input.byRepo);
  const scope: ReportScope = { repos: [...input.scope.repos], environment: input.scope.environment };
  if (input.scope.team !== undefined) scope.team = input.scope.team;

  const document = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'dorametrics', version: input.version },
    generatedAt: input.generatedAt.toISOString(),
    window: windowJson(input.window),
    scope,
    metrics: input.result.metrics,
    ...(input.previous ? { previous: { window: windowJson(input.previous.window), metrics: input.previous.result.metrics } } : {}),
    ...(input.series
      ? {
          series: {
            by: input.series.by,
            periods: input.series.periods.map(({ window, result }) => ({
              from: isoUtc(window.from),
              to: isoUtc(window.to),
              metrics: result.metrics,
            })),
          },
        }
      : {}),
    byRepo,
    ...(input.byTeam ? { byTeam: sortedMetrics(input.byTeam) } : {}),
    thresholds: input.thresholds.map(({ expr, actual, passed }) => ({ expr, actual, passed })),
    warnings: [...new Set(input.result.warnings)],
    details: {
      undeployed: input.result.undeployed.map(undeployedJson),
      incidents: input.result.incidents.map(incidentJson),
      changes: input.result.changes.map(changeJson),
    },
  };
  return reportDocumentSchema.parse(document);
}

function sortedMetrics(results: Record<string, MetricsResult>): Record<string, Metrics> {
  const sorted: Record<string, Metrics> = {};
  for (const key of Object.keys(results).sort()) sorted[key] = results[key]!.metrics;
  return sorted;
}

function windowJson(window: Window): ReportDocument['window'] {
  return { from: isoUtc(window.from), to: isoUtc(window.to), timezone: window.timeZone };
}

function undeployedJson(pr: UndeployedPullRequest): ReportDocument['details']['undeployed'][number] {
  return {
    id: pr.id,
    repoId: pr.repoId,
    number: pr.number,
    title: pr.title,
    author: pr.author,
    url: pr.url,
    mergedAt: isoUtc(pr.mergedAt),
    ageSeconds: pr.ageSeconds,
  };
}

function incidentJson(incident: IncidentAttribution): ReportDocument['details']['incidents'][number] {
  return {
    incidentId: incident.incidentId,
    repoId: incident.repoId,
    title: incident.title,
    createdAt: isoUtc(incident.createdAt),
    resolvedAt: incident.resolvedAt === null ? null : isoUtc(incident.resolvedAt),
    url: incident.url,
    deploymentId: incident.deploymentId,
    by: incident.by,
  };
}

function changeJson(change: ShippedChange): ReportDocument['details']['changes'][number] {
  return {
    id: change.id,
    repoId: change.repoId,
    number: change.number,
    title: change.title,
    author: change.author,
    url: change.url,
    deploymentId: change.deploymentId,
    deployedAt: isoUtc(change.deployedAt),
    leadTimeSeconds: change.leadTimeSeconds,
    lagSeconds: change.lagSeconds,
  };
}
