/**
 * A small JSON Schema (draft 2020-12) validator for exactly the keywords `z.toJSONSchema`
 * emits for our schemas, so the tests can check a document against the *generated* schema
 * without adding a validator dependency. An unknown keyword throws instead of being
 * ignored, so a schema this cannot fully check fails the test rather than passing it.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', '$defs']);

export function validateJsonSchema(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, root, value, '$', errors);
  return errors;
}

function check(root: Schema, schema: Schema, value: unknown, at: string, errors: string[]): void {
  for (const keyword of Object.keys(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const rule = schema[keyword];
    switch (keyword) {
      case '$ref': {
        const match = /^#\/\$defs\/(.+)$/.exec(rule as string);
        if (!match) throw new Error(`unsupported $ref ${String(rule)}`);
        const target = (root.$defs as Record<string, Schema> | undefined)?.[match[1]!];
        if (!target) throw new Error(`unresolved $ref ${String(rule)}`);
        check(root, target, value, at, errors);
        break;
      }
      case 'type':
        if (![rule].flat().some((type) => hasType(value, type as string))) errors.push(`${at}: expected ${String(rule)}, got ${JSON.stringify(value)}`);
        break;
      case 'const':
        if (value !== rule) errors.push(`${at}: expected ${JSON.stringify(rule)}`);
        break;
      case 'enum':
        if (!(rule as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(rule)}`);
        break;
      case 'anyOf':
      case 'oneOf': {
        const passing = (rule as Schema[]).filter((option) => validateAt(root, option, value, at).length === 0).length;
        if (keyword === 'anyOf' ? passing === 0 : passing !== 1) {
          errors.push(`${at}: ${passing} of the ${keyword} options match`);
        }
        break;
      }
      case 'properties':
        if (isObject(value)) {
          for (const [key, sub] of Object.entries(rule as Record<string, Schema>)) {
            if (key in value) check(root, sub, value[key], `${at}.${key}`, errors);
          }
        }
        break;
      case 'required':
        if (isObject(value)) {
          for (const key of rule as string[]) if (!(key in value)) errors.push(`${at}: missing ${key}`);
        }
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const known = new Set(Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {}));
          for (const [key, sub] of Object.entries(value)) {
            if (known.has(key)) continue;
            if (rule === false) errors.push(`${at}: unexpected key ${key}`);
            else if (rule !== true) check(root, rule as Schema, sub, `${at}.${key}`, errors);
          }
        }
        break;
      case 'propertyNames':
        if (isObject(value)) for (const key of Object.keys(value)) check(root, rule as Schema, key, `${at}[${key}]`, errors);
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((item, index) => check(root, rule as Schema, item, `${at}[${index}]`, errors));
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (rule as number)) errors.push(`${at}: fewer than ${String(rule)} items`);
        break;
      case 'minLength':
        if (typeof value === 'string' && value.length < (rule as number)) errors.push(`${at}: shorter than ${String(rule)}`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (rule as number)) errors.push(`${at}: below ${String(rule)}`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (rule as number)) errors.push(`${at}: above ${String(rule)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(rule as string, 'u').test(value)) {
          errors.push(`${at}: ${JSON.stringify(value)} does not match ${String(rule)}`);
        }
        break;
      case 'format':
        if (typeof value === 'string' && !hasFormat(value, rule as string)) errors.push(`${at}: not a ${String(rule)}`);
        break;
      default:
        throw new Error(`validateJsonSchema: unsupported keyword "${keyword}" at ${at}`);
    }
  }
}

function validateAt(root: Schema, schema: Schema, value: unknown, at: string): string[] {
  const errors: string[] = [];
  check(root, schema, value, at, errors);
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

function hasFormat(value: string, format: string): boolean {
  switch (format) {
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
    case 'uri':
      return URL.canParse(value);
    default:
      throw new Error(`unsupported format ${format}`);
  }
}
