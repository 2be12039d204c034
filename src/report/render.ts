import type { ReportDocument } from './document.js';
import { renderJson } from './json.js';
import { renderTable } from './table.js';

/**
 * The one boundary between a report document and its text. Each format is a pure function
 * (document in, string out); the registry is written `satisfies Record<ReportFormat, …>` so a
 * format added to the union (Markdown next) fails to compile until it has a renderer.
 */

export type ReportFormat = 'table' | 'json';

export interface RenderOptions {
  /** Whether to emit ANSI colour; decided by the caller (TTY, `--no-color`, NO_COLOR). */
  color: boolean;
}

export type Renderer = (doc: ReportDocument, options: RenderOptions) => string;

const RENDERERS = {
  table: renderTable,
  json: (doc) => renderJson(doc),
} satisfies Record<ReportFormat, Renderer>;

export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[];

export function renderReport(doc: ReportDocument, format: ReportFormat, options: RenderOptions): string {
  return RENDERERS[format](doc, options);
}
