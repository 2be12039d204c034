import type { Incident } from '../domain/types.js';
import { read, statement, transaction, type Store } from './db.js';

const UPSERT = `
  INSERT INTO incidents (id, repo_id, title, body, source, created_at, resolved_at, severity, url)
  VALUES (@id, @repoId, @title, @body, @source, @createdAt, @resolvedAt, @severity, @url)
  ON CONFLICT (id) DO UPDATE SET
    repo_id = excluded.repo_id,
    title = excluded.title,
    body = excluded.body,
    source = excluded.source,
    created_at = excluded.created_at,
    resolved_at = excluded.resolved_at,
    severity = excluded.severity,
    url = excluded.url`;

const SELECT_ONE = `
  SELECT id, repo_id, title, body, source, created_at, resolved_at, severity, url
  FROM incidents WHERE id = ?`;

export interface IncidentRow {
  id: string;
  repo_id: string;
  title: string;
  body: string;
  source: string;
  created_at: number;
  resolved_at: number | null;
  severity: string | null;
  url: string | null;
}

/** Inserts or updates incidents, idempotently, in one transaction. */
export function upsertIncidents(store: Store, incidents: readonly Incident[]): void {
  if (incidents.length === 0) return;
  const upsert = statement(store, UPSERT);
  transaction(store, () => {
    for (const incident of incidents) {
      upsert.run({
        id: incident.id,
        repoId: incident.repoId,
        title: incident.title,
        body: incident.body,
        source: incident.source,
        createdAt: incident.createdAt,
        resolvedAt: incident.resolvedAt,
        severity: incident.severity,
        url: incident.url,
      });
    }
  });
}

/** One incident by id, or null: `record incident --resolved` updates the one recorded before. */
export function getIncident(store: Store, id: string): Incident | null {
  const row = read(store, () => statement(store, SELECT_ONE).get(id) as IncidentRow | undefined);
  return row ? incidentFromRow(row) : null;
}

export function incidentFromRow(row: IncidentRow): Incident {
  return {
    id: row.id,
    repoId: row.repo_id,
    title: row.title,
    body: row.body,
    source: row.source,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    severity: row.severity,
    url: row.url,
  };
}
