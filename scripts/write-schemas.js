/**
 * Run by `npm run build` after `tsc`: writes the JSON Schemas that ship in the package to
 * `schemas/`. What they contain is decided in src/report/json-schema.ts (converted from the
 * zod schemas, tested in-process); this script only writes the compiled result to disk.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { shippedJsonSchemas } = await import(pathToFileURL(path.join(root, 'dist/report/json-schema.js')).href);

const outDir = path.join(root, 'schemas');
mkdirSync(outDir, { recursive: true });
for (const { file, schema } of shippedJsonSchemas()) {
  writeFileSync(path.join(outDir, file), `${JSON.stringify(schema, null, 2)}\n`);
}
