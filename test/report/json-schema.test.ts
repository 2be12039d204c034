import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { starterConfig } from '../../src/commands/init.js';
import { shippedJsonSchemas } from '../../src/report/json-schema.js';
import { renderJson } from '../../src/report/json.js';
import { evaluateThresholds, parseThresholds } from '../../src/report/thresholds.js';
import { validateJsonSchema } from './json-schema-subset.js';
import { comparedDocument, emptyMetrics, result, sampleDocument, sampleMetrics, seriesInput } from './builders.js';

const schemas = Object.fromEntries(shippedJsonSchemas().map(({ file, schema }) => [file, schema]));
const reportSchema = schemas['report.schema.json']!;
const configSchemaJson = schemas['config.schema.json']!;

const REQUIRED_TOP_LEVEL = ['schemaVersion', 'tool', 'generatedAt', 'window', 'scope', 'metrics', 'byRepo', 'thresholds', 'warnings', 'details'];
const METRICS = [
  'deploymentFrequency', 'leadTime', 'cycleTimeLag', 'changeFailureRate', 'timeToRestore', 'failedDeploymentRecoveryTime', 'reworkRate',
];

describe('the shipped report JSON Schema (SPEC §6)', () => {
  it('is identified and closed', () => {
    expect(reportSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(reportSchema.$id).toBe('https://unpkg.com/dorametrics/schemas/report.schema.json');
    expect(reportSchema.title).toBe('dorametrics report');
    expect(reportSchema.required).toEqual(REQUIRED_TOP_LEVEL);
    expect(reportSchema.additionalProperties).toBe(false);
    const metrics = (reportSchema.$defs as Record<string, Record<string, unknown>>).Metrics!;
    expect(metrics.required).toEqual(METRICS);
    expect(metrics.additionalProperties).toBe(false);
  });

  it('accepts what the JSON renderer prints', () => {
    const thresholds = evaluateThresholds(parseThresholds(['leadTime.p50>2d']), sampleMetrics());
    for (const doc of [
      sampleDocument({ thresholds }),
      comparedDocument(),
      sampleDocument({ result: result(emptyMetrics()), scope: { repos: [], environment: 'prod', team: 'checkout' } }),
      sampleDocument(seriesInput()),
    ]) {
      expect(validateJsonSchema(reportSchema, JSON.parse(renderJson(doc)))).toEqual([]);
    }
  });

  it('rejects what SPEC §6 does not allow', () => {
    const doc = JSON.parse(renderJson(sampleDocument()));
    doc.metrics.leadTime.p50 = 'two days';
    doc.metrics.changeFailureRate.level = 'great';
    delete doc.metrics.reworkRate.rate;
    doc.metrics.timeToRestore.median = 5;
    doc.byRepo['github:acme/shop'].leadTime.changes = -1;
    doc.window.from = 'yesterday';
    doc.token = 'ghp_secret';
    doc.series = { by: 'day', periods: [{ from: doc.window.from, to: doc.window.to, metrics: doc.metrics, label: 'x' }] };
    const errors = validateJsonSchema(reportSchema, doc);
    expect(errors).toEqual(
      expect.arrayContaining([
        '$: unexpected key token',
        '$.metrics.leadTime.p50: 0 of the anyOf options match',
        '$.metrics.changeFailureRate.level: 0 of the anyOf options match',
        '$.metrics.reworkRate: missing rate',
        '$.metrics.timeToRestore: unexpected key median',
        '$.byRepo.github:acme/shop.leadTime.changes: below 0',
        '$.window.from: not a date-time',
        '$.series.periods[0]: unexpected key label',
      ]),
    );
  });
});

describe('the shipped config JSON Schema (SPEC §3)', () => {
  it('is the input side: keys with a default are optional', () => {
    expect(configSchemaJson.$id).toBe('https://unpkg.com/dorametrics/schemas/config.schema.json');
    expect(configSchemaJson.required ?? []).toEqual([]);
    expect(validateJsonSchema(configSchemaJson, {})).toEqual([]);
  });

  it('accepts the starter config that init writes, and rejects an unknown key', () => {
    expect(validateJsonSchema(configSchemaJson, starterConfig())).toEqual([]);
    expect(validateJsonSchema(configSchemaJson, { ...starterConfig(), tresholds: [] })).toEqual(['$: unexpected key tresholds']);
  });
});

// `npm run build` writes these files (scripts/write-schemas.js); check them when present.
const built = fileURLToPath(new URL('../../schemas/report.schema.json', import.meta.url));
describe.skipIf(!existsSync(built))('schemas/ written by the build', () => {
  it('holds the report schema with the required keys of SPEC §6', () => {
    const onDisk = JSON.parse(readFileSync(built, 'utf8'));
    expect(onDisk.$id).toBe(reportSchema.$id);
    expect(onDisk.required).toEqual(REQUIRED_TOP_LEVEL);
    expect(onDisk.$defs.Metrics.required).toEqual(METRICS);
    expect(validateJsonSchema(onDisk, JSON.parse(renderJson(comparedDocument())))).toEqual([]);
  });
});
