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
    url = excluded.url
  WHERE (incidents.repo_id, incidents.title, incidents.body, incidents.source, incidents.created_at,
         incidents.resolved_at, incidents.severity, incidents.url)
     IS NOT (excluded.repo_id, excluded.title, excluded.body, excluded.source, excluded.created_at,
             excluded.resolved_at, excluded.severity, excluded.url)`;

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

/**
 * Inserts or updates incidents, idempotently, in one transaction. Returns how many were new
 * or changed: a re-read of an unchanged incident writes nothing and counts nothing.
 */
export function upsertIncidents(store: Store, incidents: readonly Incident[]): number {
  if (incidents.length === 0) return 0;
  const upsert = statement(store, UPSERT);
  let changed = 0;
  transaction(store, () => {
    for (const incident of incidents) {
      changed += upsert.run({
        id: incident.id,
        repoId: incident.repoId,
        title: incident.title,
        body: incident.body,
        source: incident.source,
        createdAt: incident.createdAt,
        resolvedAt: incident.resolvedAt,
        severity: incident.severity,
        url: incident.url,
      }).changes;
    }
  });
  return changed;
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
