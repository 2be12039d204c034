import { z } from 'zod';
import { configSchema } from '../config/schema.js';
import { reportDocumentSchema } from './document.js';

/**
 * The JSON Schemas that ship in the package (SPEC §6: "a JSON Schema for it ships in the
 * package"; SPEC §2: `init` writes a `$schema` reference to the config one), converted from
 * the zod schemas with zod 4's `z.toJSONSchema` so they cannot drift (STYLE habit 2).
 * `scripts/write-schemas.js` writes them to `schemas/` after `tsc`; the tests check them
 * in-process.
 */

const BASE_ID = 'https://unpkg.com/dorametrics/schemas';

export interface ShippedSchema {
  /** The file name under `schemas/`. */
  file: string;
  schema: Record<string, unknown>;
}

export function shippedJsonSchemas(): ShippedSchema[] {
  return [
    // The output side: what `report --format json` prints, every key present.
    withId('report.schema.json', 'dorametrics report', z.toJSONSchema(reportDocumentSchema, { io: 'output' })),
    // The input side: keys with a default are optional in the file a person writes.
    withId('config.schema.json', 'dorametrics config', z.toJSONSchema(configSchema, { io: 'input' })),
  ];
}

function withId(file: string, title: string, generated: Record<string, unknown>): ShippedSchema {
  const { $schema, ...rest } = generated;
  return { file, schema: { $schema, $id: `${BASE_ID}/${file}`, title, ...rest } };
}
