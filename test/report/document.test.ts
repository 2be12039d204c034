import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { buildReportDocument, reportDocumentSchema } from '../../src/report/document.js';
import { evaluateThresholds, parseThresholds } from '../../src/report/thresholds.js';
import * as engine from '../helpers/builders.js';
import { PREVIOUS_WINDOW, emptyMetrics, result, sampleDocument, sampleInput, sampleMetrics, seriesInput } from './builders.js';

describe('buildReportDocument (SPEC §6)', () => {
  it('builds the versioned envelope with ISO UTC instants', () => {
    const doc = sampleDocument();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tool).toEqual({ name: 'dorametrics', version: '0.1.0' });
    expect(doc.generatedAt).toBe('2026-11-29T12:00:00.000Z');
    expect(doc.window).toEqual({ from: '2026-10-30T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z', timezone: 'UTC' });
    expect(doc.scope).toEqual({ repos: ['github:acme/shop', 'gitlab:acme/payments'], environment: 'production' });
    expect(doc.metrics).toEqual(sampleMetrics());
    expect(reportDocumentSchema.parse(doc)).toEqual(doc);
  });

  it('puts the keys in schema order, the same every run', () => {
    expect(Object.keys(sampleDocument())).toEqual([
      'schemaVersion', 'tool', 'generatedAt', 'window', 'scope', 'metrics', 'byRepo', 'thresholds', 'warnings', 'details',
    ]);
  });

  it('has a team only when the scope names one, and previous only with --compare', () => {
    const plain = sampleDocument();
    expect('team' in plain.scope).toBe(false);
    expect('previous' in plain).toBe(false);
    const teamed = sampleDocument({
      scope: { repos: ['github:acme/shop'], environment: 'production', team: 'checkout' },
      previous: { window: PREVIOUS_WINDOW, result: result(emptyMetrics()) },
    });
    expect(teamed.scope.team).toBe('checkout');
    expect(teamed.previous).toEqual({
      window: { from: '2026-09-30T00:00:00.000Z', to: '2026-10-30T00:00:00.000Z', timezone: 'UTC' },
      metrics: emptyMetrics(),
    });
  });

  it('adds series after metrics (and previous) and byTeam after byRepo, only when given', () => {
    const doc = sampleDocument({ ...seriesInput(), previous: { window: PREVIOUS_WINDOW, result: result(emptyMetrics()) } });
    expect(Object.keys(doc)).toEqual([
      'schemaVersion', 'tool', 'generatedAt', 'window', 'scope', 'metrics', 'previous', 'series', 'byRepo', 'byTeam', 'thresholds', 'warnings', 'details',
    ]);
    expect(doc.series).toEqual({
      by: 'week',
      periods: [
        { from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', metrics: emptyMetrics() },
        { from: '2026-11-23T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z', metrics: sampleMetrics() },
      ],
    });
    expect(Object.keys(doc.byTeam!)).toEqual(['checkout', 'storefront']);
    const plain = sampleDocument();
    expect('series' in plain || 'byTeam' in plain).toBe(false);
  });

  it('rejects a series period with an unknown key or an unknown period', () => {
    const doc = structuredClone(sampleDocument(seriesInput())) as Record<string, any>;
    doc.series.periods[0].label = '2026-W47';
    expect(reportDocumentSchema.safeParse(doc).success).toBe(false);
    const fortnight = structuredClone(sampleDocument(seriesInput())) as Record<string, any>;
    fortnight.series.by = 'fortnight';
    expect(reportDocumentSchema.safeParse(fortnight).success).toBe(false);
  });

  it('sorts byRepo by repository id', () => {
    expect(Object.keys(sampleDocument().byRepo)).toEqual(['github:acme/shop', 'gitlab:acme/payments']);
  });

  it('de-duplicates warnings and keeps their order', () => {
    expect(sampleDocument().warnings).toEqual([
      'deployment github:acme/shop:deployment:3 has an unknown sha',
      'PR #9 has a negative lead time',
    ]);
  });

  it('writes the detail lists with ISO instants and keeps nulls', () => {
    const { details } = sampleDocument();
    expect(details.undeployed[0]).toMatchObject({ number: 7, mergedAt: '2026-11-24T20:00:00.000Z', ageSeconds: 360_000 });
    expect(details.incidents.map((i) => [i.createdAt, i.resolvedAt, i.by])).toEqual([
      ['2026-11-02T15:00:00.000Z', '2026-11-02T16:05:00.000Z', 'reference'],
      ['2026-11-20T09:00:00.000Z', null, null],
    ]);
    expect(details.changes[0]).toMatchObject({ deployedAt: '2026-11-02T14:03:00.000Z', leadTimeSeconds: 187_200, lagSeconds: null });
  });

  it('carries the evaluated thresholds', () => {
    const thresholds = evaluateThresholds(parseThresholds(['leadTime.p50>2d', 'changeFailureRate.rate>15%']), sampleMetrics());
    expect(sampleDocument({ thresholds }).thresholds).toEqual([
      { expr: 'leadTime.p50>2d', actual: 187_200, passed: false },
      { expr: 'changeFailureRate.rate>15%', actual: 0.125, passed: true },
    ]);
  });

  it('throws on an engine value the schema does not allow, instead of shipping it', () => {
    const broken = sampleMetrics();
    broken.leadTime.p50 = Number.NaN;
    expect(() => buildReportDocument(sampleInput({ result: result(broken) }))).toThrow(ZodError);
  });
});

describe('reportDocumentSchema is strict', () => {
  it('rejects an unknown key in metrics', () => {
    const doc = structuredClone(sampleDocument()) as Record<string, any>;
    doc.metrics.leadTime.median = 1;
    expect(reportDocumentSchema.safeParse(doc).success).toBe(false);
  });

  it('rejects a level that is not elite, high, medium or low', () => {
    const doc = structuredClone(sampleDocument()) as Record<string, any>;
    doc.metrics.changeFailureRate.level = 'great';
    expect(reportDocumentSchema.safeParse(doc).success).toBe(false);
  });

  it('rejects a null level where SPEC §5.3 says it is never null', () => {
    const doc = structuredClone(sampleDocument()) as Record<string, any>;
    doc.metrics.deploymentFrequency.level = null;
    expect(reportDocumentSchema.safeParse(doc).success).toBe(false);
  });

  it('rejects an instant that is not ISO UTC', () => {
    const doc = structuredClone(sampleDocument()) as Record<string, any>;
    doc.window.from = '2026-10-30';
    expect(reportDocumentSchema.safeParse(doc).success).toBe(false);
  });
});

describe('the engine output fits the document schema', () => {
  it('for an empty store and for a small scenario', () => {
    const { chain, deployment, facts, incident, metricsFor, pullRequest, sha, at, NOVEMBER } = engine;
    const scenario = facts({
      commits: chain(['a', 'b', 'c'], '2026-11-02T09:00:00Z'),
      pullRequests: [
        pullRequest(1, {
          merged: '2026-11-03T10:00:00Z', mergeCommitSha: sha('b'), firstCommitAt: at('2026-11-02T09:00:00Z'),
          firstReviewAt: at('2026-11-02T15:00:00Z'), createdAt: at('2026-11-02T12:00:00Z'),
        }),
        pullRequest(2, { merged: '2026-11-20T10:00:00Z', mergeCommitSha: sha('c') }),
      ],
      deployments: [deployment('1', 'a', '2026-11-02T10:00:00Z'), deployment('2', 'b', '2026-11-04T10:00:00Z')],
      incidents: [incident('1', '2026-11-04T12:00:00Z', '2026-11-04T13:00:00Z'), incident('2', '2026-11-10T12:00:00Z', null)],
    });
    for (const engineResult of [metricsFor(facts({})), metricsFor(scenario)]) {
      const doc = buildReportDocument(
        sampleInput({ window: NOVEMBER, result: engineResult, byRepo: { 'github:acme/shop': engineResult } }),
      );
      expect(reportDocumentSchema.safeParse(doc).success).toBe(true);
    }
    const doc = buildReportDocument(sampleInput({ window: NOVEMBER, result: metricsFor(scenario), byRepo: {} }));
    expect(doc.metrics.deploymentFrequency.deployments).toBe(2);
    expect(doc.details.incidents.length).toBeGreaterThan(0);
  });
});
