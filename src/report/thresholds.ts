import type { Metrics } from '../metrics/types.js';
import { UsageError } from '../util/errors.js';
import { parseDuration } from '../util/time.js';

/**
 * `--fail-on` expressions and the config's `thresholds` (SPEC §2): `metricPath OP value`,
 * a condition that fails the run (exit 1) when it holds, e.g. `leadTime.p50>2d`.
 */

/** What a numeric field measures; it decides which units a threshold value may use. */
export type ValueKind = 'duration' | 'rate' | 'count' | 'frequency';

/** Every dotted path to a numeric (or nullable numeric) field of `T`. */
type NumericPath<T> = {
  [K in keyof T & string]: T[K] extends number | null
    ? K
    : T[K] extends object
      ? `${K}.${NumericPath<T[K]>}`
      : never;
}[keyof T & string];

/** A numeric field of `Metrics`, such as `leadTime.p50` or `cycleTimeLag.phases.review.p90`. */
export type MetricPath = NumericPath<Metrics>;

/**
 * The one table of threshold paths. `satisfies Record<MetricPath, ValueKind>` makes a
 * numeric field added to `Metrics` without a row here (or a row for a field that does not
 * exist) a compile error.
 */
const METRIC_KINDS = {
  'deploymentFrequency.deployments': 'count',
  'deploymentFrequency.deployDays': 'count',
  'deploymentFrequency.perDay': 'frequency',
  'deploymentFrequency.perWeek': 'frequency',
  'deploymentFrequency.medianDeployDaysPerWeek': 'frequency',

  'leadTime.changes': 'count',
  'leadTime.p50': 'duration',
  'leadTime.p75': 'duration',
  'leadTime.p90': 'duration',
  'leadTime.mean': 'duration',

  'cycleTimeLag.count': 'count',
  'cycleTimeLag.p50': 'duration',
  'cycleTimeLag.p75': 'duration',
  'cycleTimeLag.p90': 'duration',
  'cycleTimeLag.mean': 'duration',
  'cycleTimeLag.phases.coding.count': 'count',
  'cycleTimeLag.phases.coding.p50': 'duration',
  'cycleTimeLag.phases.coding.p75': 'duration',
  'cycleTimeLag.phases.coding.p90': 'duration',
  'cycleTimeLag.phases.coding.mean': 'duration',
  'cycleTimeLag.phases.pickup.count': 'count',
  'cycleTimeLag.phases.pickup.p50': 'duration',
  'cycleTimeLag.phases.pickup.p75': 'duration',
  'cycleTimeLag.phases.pickup.p90': 'duration',
  'cycleTimeLag.phases.pickup.mean': 'duration',
  'cycleTimeLag.phases.review.count': 'count',
  'cycleTimeLag.phases.review.p50': 'duration',
  'cycleTimeLag.phases.review.p75': 'duration',
  'cycleTimeLag.phases.review.p90': 'duration',
  'cycleTimeLag.phases.review.mean': 'duration',
  'cycleTimeLag.undeployed.count': 'count',
  'cycleTimeLag.undeployed.oldestAgeSeconds': 'duration',

  'changeFailureRate.deployments': 'count',
  'changeFailureRate.failedDeployments': 'count',
  'changeFailureRate.rate': 'rate',

  'timeToRestore.incidents': 'count',
  'timeToRestore.resolved': 'count',
  'timeToRestore.open': 'count',
  'timeToRestore.p50': 'duration',
  'timeToRestore.p75': 'duration',
  'timeToRestore.p90': 'duration',
  'timeToRestore.mean': 'duration',

  'failedDeploymentRecoveryTime.failures': 'count',
  'failedDeploymentRecoveryTime.recovered': 'count',
  'failedDeploymentRecoveryTime.p50': 'duration',
  'failedDeploymentRecoveryTime.p75': 'duration',
  'failedDeploymentRecoveryTime.p90': 'duration',
  'failedDeploymentRecoveryTime.mean': 'duration',

  'reworkRate.deployments': 'count',
  'reworkRate.reworkDeployments': 'count',
  'reworkRate.rate': 'rate',
} as const satisfies Record<MetricPath, ValueKind>;

/** Every path a threshold may name, in table order. */
export const METRIC_PATHS = Object.keys(METRIC_KINDS) as MetricPath[];

export function isMetricPath(text: string): text is MetricPath {
  return Object.hasOwn(METRIC_KINDS, text);
}

export function metricKind(path: MetricPath): ValueKind {
  return METRIC_KINDS[path];
}

/** The value of a numeric field; `null` where the metric is undefined (SPEC §6). */
export function metricValue(metrics: Metrics, path: MetricPath): number | null {
  let value: unknown = metrics;
  for (const segment of path.split('.')) value = (value as Record<string, unknown>)[segment];
  return value as number | null;
}

export type ThresholdOperator = '>' | '>=' | '<' | '<=';

/** A parsed threshold; `value` is in the field's own unit (seconds, ratio, count). */
export interface Threshold {
  /** The expression as written (trimmed), echoed in reports. */
  expr: string;
  path: MetricPath;
  operator: ThresholdOperator;
  value: number;
  kind: ValueKind;
}

/** One evaluated threshold, as the JSON report lists it (SPEC §6). */
export interface ThresholdResult {
  expr: string;
  actual: number | null;
  passed: boolean;
}

const EXAMPLE = 'leadTime.p50>2d';
// Longest operators first so that `>=` is not read as `>` followed by `=2d`.
const EXPRESSION = /^(.*?)(>=|<=|>|<)(.*)$/s;
const PLAIN_NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;
const PERCENTAGE = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/;

const KIND_ADVICE: Record<ValueKind, { noun: string; write: string }> = {
  duration: { noun: 'a duration', write: 'a duration such as 2d, 4h, 30m or 90s (a plain number is seconds)' },
  rate: { noun: 'a rate', write: 'a percentage such as 15% or a ratio such as 0.15' },
  count: { noun: 'a count', write: 'a plain number such as 3' },
  frequency: { noun: 'a frequency', write: 'a plain number such as 3 (per week for perWeek, per day for perDay)' },
};

/**
 * Parses one expression. Every error is a `UsageError` (exit 2) that quotes the expression
 * and says what is wrong; `origin` names where it came from (`--fail-on`, or a config key
 * path such as `thresholds[0]`).
 */
export function parseThreshold(expr: string, origin = '--fail-on'): Threshold {
  const text = expr.trim();
  const fail = (problem: string, hint?: string): never => {
    throw new UsageError(`${origin} "${text}": ${problem}`, hint);
  };

  const match = EXPRESSION.exec(text);
  if (!match) {
    const other = /!=|==|=|≥|≤/.exec(text);
    if (other) fail(`unsupported operator "${other[0]}"; use >, >=, < or <=`, `e.g. ${EXAMPLE}`);
    return fail(`expected METRIC OPERATOR VALUE, e.g. "${EXAMPLE}"`, 'operators: >, >=, <, <=');
  }
  const path = match[1]!.trim();
  const operator = match[2] as ThresholdOperator;
  const valueText = match[3]!.trim();
  if (path === '') fail(`missing the metric path before "${operator}"`, `e.g. ${EXAMPLE}`);
  if (valueText === '') fail(`missing the value after "${operator}"`, `e.g. ${EXAMPLE}`);
  if (!isMetricPath(path)) return fail(`unknown metric path "${path}"`, pathHint(path));

  const kind = METRIC_KINDS[path];
  const value = parseValue(valueText, kind, path, fail);
  return { expr: text, path, operator, value, kind };
}

/** Parses each expression in order; the first bad one throws. */
export function parseThresholds(exprs: readonly string[], origin = '--fail-on'): Threshold[] {
  return exprs.map((expr) => parseThreshold(expr, origin));
}

/** Like `parseThreshold`, but `null` instead of an error (for renderers of stored reports). */
export function tryParseThreshold(expr: string): Threshold | null {
  try {
    return parseThreshold(expr);
  } catch {
    return null;
  }
}

/**
 * Evaluates thresholds against metrics. An expression describes a failure: it is breached
 * when `actual OP value` holds, and `passed` is its negation.
 *
 * A `null` actual (no deployments, no changes, no incidents in the window) never breaches:
 * an undefined metric is no evidence of a regression, and gating on it would fail every quiet
 * week. A team that wants to gate on activity says so with a count, which is never null,
 * e.g. `deploymentFrequency.deployments<1`.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], metrics: Metrics): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = metricValue(metrics, threshold.path);
    const breached = actual !== null && compare(actual, threshold.operator, threshold.value);
    return { expr: threshold.expr, actual, passed: !breached };
  });
}

function compare(actual: number, operator: ThresholdOperator, value: number): boolean {
  switch (operator) {
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
  }
}

function parseValue(
  text: string,
  kind: ValueKind,
  path: MetricPath,
  fail: (problem: string, hint?: string) => never,
): number {
  const mismatch = (what: string): never =>
    fail(`${path} is ${KIND_ADVICE[kind].noun}, so ${what} "${text}" does not fit`, `write ${KIND_ADVICE[kind].write}`);

  if (PLAIN_NUMBER.test(text)) {
    const number = Number(text);
    // A rate is a ratio in [0, 1]; "15" almost certainly meant 15%, so say so rather than never fire.
    if (kind === 'rate' && number > 1) fail(`"${text}" is not a ratio between 0 and 1`, `did you mean ${text}%?`);
    return number;
  }
  const percentage = PERCENTAGE.exec(text);
  if (percentage) {
    if (kind !== 'rate') return mismatch('the percentage');
    const number = Number(percentage[1]) / 100;
    if (number > 1) fail(`"${text}" is not a percentage between 0% and 100%`, `write ${KIND_ADVICE.rate.write}`);
    return number;
  }
  const seconds = parseDuration(text);
  if (seconds !== null) {
    if (kind !== 'duration') return mismatch('the duration');
    return seconds;
  }
  return fail(`"${text}" is not a number, a duration or a percentage`, `write ${KIND_ADVICE[kind].write}`);
}

function pathHint(path: string): string {
  const lower = path.toLowerCase();
  const sameButCase = METRIC_PATHS.find((candidate) => candidate.toLowerCase() === lower);
  if (sameButCase) return `did you mean ${sameButCase}?`;
  const group = lower.split('.')[0];
  const inGroup = METRIC_PATHS.filter((candidate) => candidate.split('.')[0]!.toLowerCase() === group);
  return `valid paths: ${(inGroup.length > 0 ? inGroup : METRIC_PATHS).join(', ')}`;
}
