import { incidentId, parseRepoId } from '../domain/ids.js';
import type { Incident, RepoId } from '../domain/types.js';
import { InputFileError } from '../util/errors.js';
import { isoUtc } from '../util/time.js';
import { parseExportInstant } from './instants.js';
import { detectLayout, LAYOUTS, type Layout, type LayoutName } from './layouts.js';
import { resolveRepo, type ServiceMap } from './repos.js';
import { normalizeName, readTable, type Field, type SourceRow } from './tabular.js';

/**
 * `import incidents` without the I/O: file text in, incidents out. Every row is validated
 * before anything is returned, so a bad row fails the whole file and the command writes
 * nothing (SPEC §2, exit 2). Errors name the file, the line (or JSON item) and the column.
 */

export interface IncidentImportOptions {
  /** As the user named the file: every error starts with it. */
  fileName: string;
  /** `--layout`; detected from the header when absent. */
  layout?: LayoutName;
  /** `--service-map` over the config's `services`. */
  services: ServiceMap;
  /** `--repo`: the repository of rows that name none (or an unmapped service). */
  fallbackRepo: RepoId | null;
  /** The config's `timezone`: the zone of times written without one. */
  timeZone: string;
}

export interface IncidentImport {
  layout: LayoutName;
  incidents: Incident[];
}

export function parseIncidentFile(text: string, options: IncidentImportOptions): IncidentImport {
  const table = readTable(text, options.fileName);
  const layout = options.layout ? LAYOUTS[options.layout] : detectLayout(table);
  if (!layout) {
    const header = table.columns.length > 0 ? `its columns are ${table.columns.join(', ')}` : 'it is empty';
    throw new InputFileError(
      `${options.fileName}: cannot tell which layout this file has (${header})`,
      'pass --layout generic|pagerduty|opsgenie; the generic layout needs an "id" column',
    );
  }
  const firstSeen = new Map<string, string>();
  const incidents = table.rows.map((row) => {
    const incident = convertRow(row, layout, options);
    const previous = firstSeen.get(incident.id);
    if (previous !== undefined) {
      const idField = firstField(row, layout.id)!;
      throw rowError(options, row, idField.name, `duplicate id "${idField.value}" (first on ${previous})`);
    }
    firstSeen.set(incident.id, row.where);
    return incident;
  });
  return { layout: layout.name, incidents };
}

function convertRow(row: SourceRow, layout: Layout, options: IncidentImportOptions): Incident {
  const idField = firstField(row, layout.id);
  if (!idField) throw rowError(options, row, columnLabel(row, layout.id), 'no id');
  const repoId = rowRepo(row, layout, options);

  const createdField = firstField(row, layout.createdAt);
  if (!createdField) throw rowError(options, row, columnLabel(row, layout.createdAt), 'no creation time');
  const createdAt = instant(createdField, row, options);
  const resolved = resolution(row, layout, createdAt, options);
  if (resolved && resolved.at < createdAt) {
    throw rowError(
      options, row, resolved.column,
      `resolved at ${isoUtc(resolved.at)}, before it was created (${isoUtc(createdAt)})`,
    );
  }
  return {
    id: incidentId(repoId, layout.idPrefix + idField.value),
    repoId,
    title: firstField(row, layout.title)?.value ?? '',
    body: firstField(row, layout.body)?.value ?? '',
    source: layout.source,
    createdAt,
    resolvedAt: resolved?.at ?? null,
    severity: firstField(row, layout.severity)?.value ?? null,
    url: firstField(row, layout.url)?.value ?? null,
  };
}

/**
 * The row's repository: a repository column (an id, or a service name), else the first
 * service column that the service map knows, else `--repo`. An unknown service with no
 * `--repo` to fall back on fails the file: guessing would put incidents on the wrong team.
 */
function rowRepo(row: SourceRow, layout: Layout, options: IncidentImportOptions): RepoId {
  for (const key of layout.repo) {
    const field = fieldOf(row, key);
    if (!field || field.value === '') continue;
    // A value with a colon is meant as a repository id: a malformed one is an error, not a service.
    if (field.value.includes(':') && !parseRepoId(field.value)) {
      throw rowError(options, row, field.name, `"${field.value}" is not a repository id (github:owner/repo or gitlab:group/project)`);
    }
    const repo = resolveRepo(field.value, options.services);
    if (repo) return repo;
    if (options.fallbackRepo) return options.fallbackRepo;
    throw unknownService(options, row, field);
  }
  let unmapped: Field | null = null;
  for (const key of layout.service) {
    const field = fieldOf(row, key);
    if (!field || field.value === '') continue;
    // Opsgenie's `teams` and `impactedServices` hold lists: any listed name may be the mapped one.
    const candidates = [field.value, ...field.value.split(',').map((part) => part.trim())];
    for (const candidate of candidates) {
      const repo = candidate === '' ? null : resolveRepo(candidate, options.services);
      if (repo) return repo;
    }
    unmapped ??= field;
  }
  if (options.fallbackRepo) return options.fallbackRepo;
  if (unmapped) throw unknownService(options, row, unmapped);
  const column = columnLabel(row, [...layout.repo, ...layout.service]);
  throw rowError(options, row, column, 'names no repository or service', 'pass --repo for rows that name none');
}

function unknownService(options: IncidentImportOptions, row: SourceRow, field: Field): InputFileError {
  return rowError(
    options, row, field.name,
    `unknown service "${field.value}"`,
    `map it with --service-map "${field.value}=github:owner/repo" or in the config's "services", or pass --repo`,
  );
}

/** When the row says it was resolved: a time column, a duration after creation, or its status. */
function resolution(
  row: SourceRow, layout: Layout, createdAt: number, options: IncidentImportOptions,
): { at: number; column: string } | null {
  const field = firstField(row, layout.resolvedAt);
  if (field) return { at: instant(field, row, options), column: field.name };
  const after = layout.resolvedAfter && firstField(row, layout.resolvedAfter.columns);
  if (after && layout.resolvedAfter) {
    const amount = Number(after.value);
    if (!Number.isFinite(amount) || amount < 0) {
      throw rowError(options, row, after.name, `"${after.value}" is not a non-negative number`);
    }
    return { at: createdAt + Math.round(amount * layout.resolvedAfter.unitMs), column: after.name };
  }
  const status = layout.status && firstField(row, layout.status.columns);
  if (status && layout.status && layout.status.resolved.includes(status.value.toLowerCase())) {
    // Resolved without a resolution time: the last status change is when it was resolved.
    const time = firstField(row, layout.status.timeColumns);
    if (!time) {
      const wanted = [...layout.resolvedAt, ...(layout.resolvedAfter?.columns ?? []), ...layout.status.timeColumns];
      throw rowError(options, row, status.name, `is "${status.value}" but the row has no time for it (${wanted.join(', ')})`);
    }
    return { at: instant(time, row, options), column: time.name };
  }
  return null;
}

function instant(field: Field, row: SourceRow, options: IncidentImportOptions): number {
  const value = parseExportInstant(field.value, options.timeZone);
  if (value === null) {
    throw rowError(options, row, field.name, `"${field.value}" is not a date or time (use ISO 8601, e.g. 2026-11-02T14:03:00Z)`);
  }
  return value;
}

function fieldOf(row: SourceRow, column: string): Field | undefined {
  return row.fields.get(normalizeName(column));
}

function firstField(row: SourceRow, keys: readonly string[]): Field | null {
  for (const key of keys) {
    const field = fieldOf(row, key);
    if (field && field.value !== '') return field;
  }
  return null;
}

/** The column to name when a value is missing: the file's own spelling if it has the column. */
function columnLabel(row: SourceRow, keys: readonly string[]): string {
  for (const key of keys) {
    const field = fieldOf(row, key);
    if (field) return field.name;
  }
  return keys[0] ?? '?';
}

function rowError(options: IncidentImportOptions, row: SourceRow, column: string, problem: string, hint?: string): InputFileError {
  return new InputFileError(`${options.fileName} ${row.where}, ${row.noun} "${column}": ${problem}`, hint);
}
