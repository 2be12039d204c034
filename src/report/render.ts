import type { ReportDocument } from './document.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

/**
 * The one boundary between a report document and its text. Each format is a pure function
 * (document in, string out); the registry is written `satisfies Record<ReportFormat, …>` so a
 * format added to the union fails to compile until it has a renderer.
 */

export type ReportFormat = 'table' | 'markdown' | 'json';

export interface RenderOptions {
  /** Whether to emit ANSI colour; decided by the caller (TTY, `--no-color`, NO_COLOR). */
  color: boolean;
  /** The terminal's width in columns, for the table; absent when writing to a file or a pipe. */
  width?: number;
}

export type Renderer = (doc: ReportDocument, options: RenderOptions) => string;

const RENDERERS = {
  table: renderTable,
  markdown: (doc) => renderMarkdown(doc),
  json: (doc) => renderJson(doc),
} satisfies Record<ReportFormat, Renderer>;

export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[];

export function renderReport(doc: ReportDocument, format: ReportFormat, options: RenderOptions): string {
  return RENDERERS[format](doc, options);
}
