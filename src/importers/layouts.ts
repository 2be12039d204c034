import { normalizeName, type Table } from './tabular.js';

/**
 * The column layouts `import incidents` reads (SPEC §2). Columns are written as the vendor
 * spells them (errors name them so) but compared normalized (`normalizeName`: lower case,
 * letters and digits only), so `created_on`, `Created On` and `createdOn` are one column.
 * In each list the first non-empty column wins.
 */
export type LayoutName = 'generic' | 'pagerduty' | 'opsgenie';

export interface Layout {
  name: LayoutName;
  /** `Incident.source` of the rows it imports. */
  source: string;
  /**
   * Prefixed to the file's id in the incident id. Vendor ids get their vendor's prefix so
   * they never meet a forge issue number; generic ids share the namespace of `record
   * incident --id`, so a generic import and `record` can refer to the same incident.
   */
  idPrefix: string;
  id: readonly string[];
  title: readonly string[];
  body: readonly string[];
  createdAt: readonly string[];
  resolvedAt: readonly string[];
  /** A duration after `createdAt` that gives the resolution time when no column has it. */
  resolvedAfter?: { columns: readonly string[]; unitMs: number };
  /** The status column, the values that mean resolved, and the columns that then give the time. */
  status?: { columns: readonly string[]; resolved: readonly string[]; timeColumns: readonly string[] };
  severity: readonly string[];
  url: readonly string[];
  /** Columns holding a repository id or a service name. */
  repo: readonly string[];
  /** Columns holding a service name (mapped through `--service-map` or the config's `services`). */
  service: readonly string[];
  /** Columns only this layout has: detection (`--layout` not given) looks for any of them. */
  markers: readonly string[];
}

/** Our own layout: the columns a team writes by hand or exports from a spreadsheet. */
const generic: Layout = {
  name: 'generic',
  source: 'import',
  idPrefix: '',
  id: ['id'],
  title: ['title'],
  body: ['body', 'description'],
  createdAt: ['created_at', 'opened_at'],
  resolvedAt: ['resolved_at', 'closed_at'],
  severity: ['severity'],
  url: ['url'],
  repo: ['repo', 'repository'],
  service: ['service'],
  markers: ['id'],
};

/**
 * PagerDuty. Two shapes, one layout:
 * - the incidents CSV downloaded from the web app's incident reports: `id`, `incident_number`,
 *   `description`, `service_name`, `created_on`, `resolved_on`, `seconds_to_resolve`,
 *   `urgency`, `status`, `html_url` (snake case or Title Case headers);
 * - the REST API's incident object (`GET /incidents`, developer.pagerduty.com "List
 *   incidents"): `id`, `incident_number`, `title`, `description`, `status` (`triggered`,
 *   `acknowledged`, `resolved`), `urgency`, `html_url`, `created_at`, `resolved_at`,
 *   `last_status_change_at`, `service.summary`, `priority.summary`, `body.details`.
 * The REST `id` (e.g. `PT4KHLK`) is the stable key; `incident_number` is the fallback.
 */
const pagerduty: Layout = {
  name: 'pagerduty',
  source: 'pagerduty',
  idPrefix: 'pagerduty:',
  id: ['id', 'incident_id', 'incident_number'],
  title: ['title', 'description', 'summary'],
  body: ['body.details', 'body', 'details'],
  createdAt: ['created_on', 'created_at'],
  resolvedAt: ['resolved_on', 'resolved_at'],
  resolvedAfter: { columns: ['seconds_to_resolve'], unitMs: 1000 },
  status: { columns: ['status'], resolved: ['resolved'], timeColumns: ['last_status_change_at', 'last_status_change_on'] },
  severity: ['priority_name', 'priority.summary', 'priority', 'urgency'],
  url: ['html_url', 'incident_url', 'url'],
  repo: [],
  service: ['service_name', 'service.summary', 'service'],
  markers: ['incident_number', 'created_on', 'service_name', 'service.summary', 'html_url', 'urgency'],
};

/**
 * Opsgenie alert (and incident) exports and API objects. Field names follow the Alert API
 * (docs.opsgenie.com "Alert API", "Alerts and Alert Fields"): `tinyId`, `alias`, `message`,
 * `description`, `status` (`open`, `closed`; incidents also `resolved`), `priority` (P1–P5),
 * `createdAt`, `updatedAt`, `entity`, `teams`, and `report.closeTime`, the milliseconds from
 * creation to close. `TinyId` is the id people quote; `Alias` (the de-duplication key) is the
 * fallback. Incident exports add `impactedServices` and `impactEndDate`.
 */
const opsgenie: Layout = {
  name: 'opsgenie',
  source: 'opsgenie',
  idPrefix: 'opsgenie:',
  id: ['TinyId', 'Id', 'Alias'],
  title: ['Message', 'Title'],
  body: ['Description'],
  createdAt: ['CreatedAt', 'ImpactStartDate'],
  resolvedAt: ['ClosedAt', 'ResolvedAt', 'ImpactEndDate'],
  resolvedAfter: { columns: ['CloseTime', 'report.closeTime'], unitMs: 1 },
  status: { columns: ['Status'], resolved: ['closed', 'resolved'], timeColumns: ['UpdatedAt'] },
  severity: ['Priority'],
  url: ['Url', 'Link'],
  repo: [],
  service: ['Service', 'Services', 'ImpactedServices', 'Entity', 'Teams'],
  markers: ['TinyId', 'Alias', 'Message'],
};

export const LAYOUTS = { generic, pagerduty, opsgenie } satisfies Record<LayoutName, Layout>;

/**
 * The layout a table's header announces: vendor markers first (their exports also have an
 * `id` column), then generic. Null when nothing matches.
 */
export function detectLayout(table: Table): Layout | null {
  if (table.pagerDutyEnvelope) return pagerduty;
  const names = new Set(table.columns.map(normalizeName));
  for (const layout of [opsgenie, pagerduty, generic]) {
    if (layout.markers.some((marker) => names.has(normalizeName(marker)))) return layout;
  }
  return null;
}

