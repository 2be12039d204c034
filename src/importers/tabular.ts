import { parse } from 'csv-parse/sync';
import { InputFileError } from '../util/errors.js';

/**
 * Turns a CSV or JSON export into rows of named text fields, each remembering where it came
 * from (a CSV line, a JSON item) so that errors can name the line and the column (SPEC §2).
 */

export interface Field {
  /** The column (CSV) or key path (JSON, e.g. `service.summary`) as the file spells it. */
  name: string;
  value: string;
}

export interface SourceRow {
  /** `line 4` (CSV: the line the record starts on) or `item 3` (JSON, 1-based). */
  where: string;
  /** What errors call a field here: a CSV `column`, a JSON `field`. */
  noun: 'column' | 'field';
  /** By normalized name (see `normalizeName`); the first column of a name wins. */
  fields: Map<string, Field>;
}

export interface Table {
  format: 'csv' | 'json';
  /** Column names as the file spells them, in order. */
  columns: string[];
  rows: SourceRow[];
  /** The file wraps its rows as PagerDuty's API does: `{ "incidents": [...] }`. */
  pagerDutyEnvelope: boolean;
}

/** `Created On`, `created_on`, `createdOn` and `CreatedAt`… compare as `createdon`/`createdat`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Reads CSV or JSON, chosen by extension, else by the first character of the content. */
export function readTable(text: string, fileName: string): Table {
  const body = text.replace(/^\uFEFF/, '');
  const extension = fileName.toLowerCase().split('.').pop();
  const looksJson = /^\s*[[{]/.test(body);
  if (extension === 'json' || (extension !== 'csv' && looksJson)) return readJson(body, fileName);
  return readCsv(body, fileName);
}

interface CsvRecord {
  record: Record<string, string>;
  raw: string;
  info: { lines: number };
}

function readCsv(text: string, fileName: string): Table {
  let columns: string[] = [];
  let records: CsvRecord[];
  try {
    records = parse(text, {
      columns: (header: string[]) => {
        columns = header.map((name) => name.trim());
        return columns;
      },
      info: true,
      raw: true,
      skip_empty_lines: true,
    }) as unknown as CsvRecord[];
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    throw new InputFileError(`${fileName}${lines ? ` line ${lines}` : ''}: not valid CSV (${message})`);
  }
  const rows = records.map(({ record, raw, info }) => {
    const fields = new Map<string, Field>();
    for (const name of columns) {
      const key = normalizeName(name);
      if (key !== '' && !fields.has(key)) fields.set(key, { name, value: (record[name] ?? '').trim() });
    }
    return { where: `line ${startLine(raw, info.lines)}`, noun: 'column' as const, fields };
  });
  return { format: 'csv', columns, rows, pagerDutyEnvelope: false };
}

/**
 * csv-parse reports the line a record ends on; a quoted field can span lines, and skipped
 * empty lines come before the record in `raw`. The record starts that many lines earlier.
 */
function startLine(raw: string, endLine: number): number {
  const record = raw.replace(/^(?:\r?\n)+/, '').replace(/\r?\n$/, '');
  const innerBreaks = record.match(/\n/g)?.length ?? 0;
  return endLine - innerBreaks;
}

function readJson(text: string, fileName: string): Table {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(`${fileName}: not valid JSON (${(error as Error).message})`);
  }
  let items: unknown;
  let envelope: string | null = null;
  if (Array.isArray(json)) {
    items = json;
  } else if (isObject(json) && Array.isArray(json.incidents)) {
    // PagerDuty's REST API: GET /incidents answers { "incidents": [...], "limit", "offset", "more" }.
    items = json.incidents;
    envelope = 'incidents';
  } else if (isObject(json) && Array.isArray(json.data)) {
    // Opsgenie's REST API: GET /v2/alerts answers { "data": [...], "took", "requestId" }.
    items = json.data;
    envelope = 'data';
  } else {
    throw new InputFileError(
      `${fileName}: expected a JSON array of incidents, or an object with an "incidents" array (PagerDuty) or a "data" array (Opsgenie)`,
    );
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  const lines = itemLines(text, envelope);
  const rows = (items as unknown[]).map((item, index) => {
    const line = lines[index];
    const where = line === undefined ? `item ${index + 1}` : `line ${line} (item ${index + 1})`;
    if (!isObject(item)) throw new InputFileError(`${fileName} ${where}: not a JSON object`);
    const fields = new Map<string, Field>();
    for (const [name, value] of flatten(item, '')) {
      if (!seen.has(name)) {
        seen.add(name);
        columns.push(name);
      }
      const key = normalizeName(name);
      if (key !== '' && !fields.has(key)) fields.set(key, { name, value: value.trim() });
    }
    return { where, noun: 'field' as const, fields };
  });
  return { format: 'json', columns, rows, pagerDutyEnvelope: envelope === 'incidents' };
}

/**
 * The line each item of the rows array starts on: the root array, or the array under the
 * top-level key `envelope`. JSON.parse keeps no positions, so this scans the text once,
 * tracking strings and nesting depth.
 */
function itemLines(text: string, envelope: string | null): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let arrayDepth = envelope === null ? 1 : -1;
  let inString = false;
  let stringStart = 0;
  let lastKey: string | null = null;
  let expectItem = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\n') line++;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') {
        inString = false;
        if (depth === 1) lastKey = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (/\s/.test(char)) continue;
    if (expectItem && char !== ']') {
      lines.push(line);
      expectItem = false;
    }
    if (char === '"') {
      inString = true;
      stringStart = i;
    } else if (char === '[' || char === '{') {
      depth++;
      if (char === '[' && arrayDepth === -1 && depth === 2 && lastKey === envelope) arrayDepth = 2;
      if (char === '[' && depth === arrayDepth) expectItem = true;
    } else if (char === ']' || char === '}') {
      if (depth === arrayDepth) arrayDepth = 0;
      depth--;
      expectItem = false;
    } else if (char === ',' && depth === arrayDepth) {
      expectItem = true;
    }
  }
  return lines;
}

/**
 * Nested objects become dotted names (`service.summary`, `body.details`), arrays of scalars
 * and of named objects (`teams: [{ "name": … }]`) comma-separated text, null an empty value.
 */
function flatten(object: Record<string, unknown>, prefix: string, depth = 0): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(object)) {
    const name = prefix + key;
    if (value === null || value === undefined) {
      out.push([name, '']);
    } else if (Array.isArray(value)) {
      const parts = value
        .map((part) => (isObject(part) ? (part.name ?? part.summary ?? null) : part))
        .filter((part) => part !== null && typeof part !== 'object');
      out.push([name, parts.map(String).join(', ')]);
    } else if (isObject(value)) {
      if (depth < 2) out.push(...flatten(value, `${name}.`, depth + 1));
    } else {
      out.push([name, String(value)]);
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
