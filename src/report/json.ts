import type { ReportDocument } from './document.js';

/**
 * The JSON report (SPEC §6): 2-space indented with a trailing newline. Stable because the
 * document is: its keys come out in schema order and `byRepo` is sorted, so two runs on the
 * same store and window differ only in `generatedAt`.
 */
export function renderJson(doc: ReportDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
