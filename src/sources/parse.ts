import type { z } from 'zod';
import { formatPath } from '../config/load.js';
import { ForgeError } from '../util/errors.js';

/**
 * Validates a payload at the edge (SPEC §7): a response that does not match fails here,
 * naming the endpoint and the field, not with `undefined` three layers later.
 */
export function parsePayload<T extends z.ZodType>(endpoint: string, schema: T, payload: unknown): z.infer<T> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? formatPath(issue.path) : '(the whole response)';
  throw new ForgeError(
    endpoint,
    undefined,
    `unexpected payload at ${where}: ${issue.message}`,
    'the forge (or a proxy in front of it) answered in a shape dorametrics does not know; please report it with the endpoint above',
  );
}
