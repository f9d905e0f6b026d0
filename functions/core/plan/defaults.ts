// The defaults a plan file relied on for what its notice did not say: every field
// it left out whose default the services or the engine act on (schema.ts marks them
// `unstated`), so the city confirms each one (`hmb plan check`, `hmb plan show`).
// Found by walking the zod schema beside the document as written: a new default,
// once marked, is listed with no change here.
import type { z } from 'zod';
import { PlanSchema, unstatedDefaults } from './schema.ts';
import { formatPath, isRecord } from './paths.ts';

export interface AppliedDefault {
  /** Where, as problems name places: benefits[car-t].where.publicOnly. */
  path: string;
  /** The value the plan now has there. */
  value: unknown;
}

type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** The defaults applied to a plan document that validates (on one that does not, what can be told). */
export function defaultsApplied(doc: unknown): AppliedDefault[] {
  const found: AppliedDefault[] = [];
  walk(PlanSchema, doc, [], found, doc);
  return found;
}

function walk(schema: Schema, input: unknown, path: (string | number)[], found: AppliedDefault[], doc: unknown): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
      if (input !== undefined) walk(def.innerType as Schema, input, path, found, doc);
      else if (unstatedDefaults.has(schema)) found.push({ path: formatPath(path, doc), value: def.defaultValue });
      return;
    case 'prefault':
      // A section left out: each of its fields takes its own default, listed one by one.
      walk(def.innerType as Schema, input === undefined ? def.defaultValue : input, path, found, doc);
      return;
    case 'optional':
    case 'nullable':
      if (input !== undefined && input !== null) walk(def.innerType as Schema, input, path, found, doc);
      return;
    case 'pipe':
      walk(def.in as Schema, input, path, found, doc);
      return;
    case 'object':
      if (!isRecord(input)) return;
      for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) walk(field, input[key], [...path, key], found, doc);
      return;
    case 'array':
      if (Array.isArray(input)) input.forEach((item, i) => walk(def.element as Schema, item, [...path, i], found, doc));
      return;
    case 'record':
      if (isRecord(input)) for (const [key, value] of Object.entries(input)) walk(def.valueType as Schema, value, [...path, key], found, doc);
      return;
    case 'union': {
      const option = (def.options as Schema[]).find((o) => (o as z.ZodType).safeParse(input).success);
      if (option) walk(option, input, path, found, doc);
      return;
    }
    default:
  }
}

/** A default's value as a plan file would write it: [self], false, 30. */
export function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatDefault).join(', ')}]`;
  if (isRecord(value))
    return Object.keys(value).length === 0
      ? '{}'
      : `{ ${Object.entries(value)
          .map(([k, v]) => `${k}: ${formatDefault(v)}`)
          .join(', ')} }`;
  return String(value);
}
