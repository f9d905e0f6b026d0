// Every field of the plan language, read off the zod schema: its path, type and
// default as docs/plan-language.md lists them, so the documentation is checked
// against the schema and cannot drift (test/unit/plan-docs.test.ts).
import type { z } from 'zod';
import { Icd10Range, Id, Instant, LocalDate, PlanSchema, Ratio, Schedule, Yuan, unstatedDefaults } from '../../functions/core/plan/schema.ts';
import { formatDefault } from '../../functions/core/plan/defaults.ts';

export interface Field {
  /** benefits[].deductible.amount; lists.<id>.kind; Schedule.bands[].ratio */
  path: string;
  type: string;
  /** required, optional, or the default value (with "(confirm)" where plan check lists it). */
  default: string;
}

type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;
const defOf = (s: Schema): Def => s._zod.def as unknown as Def;

/** Scalars with a name of their own, documented once. */
const NAMED = new Map<Schema, string>([
  [Yuan, 'yuan'],
  [Ratio, 'ratio'],
  [Id, 'id'],
  [LocalDate, 'date'],
  [Instant, 'instant'],
  [Icd10Range, 'ICD-10 range'],
]);
/** Structures used in several places, documented once under their own name. */
const SHARED = new Map<Schema, string>([[Schedule, 'Schedule']]);

export function planFields(): Field[] {
  const fields = new Map<string, Field>();
  const add = (f: Field) => {
    const known = fields.get(f.path);
    if (!known) fields.set(f.path, f);
    else if (known.type !== f.type) known.type = mergeTypes(known.type, f.type);
  };
  for (const [schema, name] of SHARED) walk(schema, name, 'required', add, true);
  walk(PlanSchema, '', 'required', add, true);
  return [...fields.values()];
}

function mergeTypes(a: string, b: string): string {
  const values = (t: string) => (t.startsWith('one of: ') ? t.slice(8).split(', ') : null);
  const [va, vb] = [values(a), values(b)];
  if (va && vb) return `one of: ${[...new Set([...va, ...vb])].join(', ')}`;
  return a.split(' or ').includes(b) ? a : `${a} or ${b}`;
}

/** The type a field shows; `into` says whether the walk goes on into the fields of an object or list of objects. */
function typeOf(schema: Schema): string {
  const named = NAMED.get(schema) ?? SHARED.get(schema);
  if (named) return named;
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
      return typeOf(def.innerType as Schema);
    case 'nullable':
      return `${typeOf(def.innerType as Schema)} or null`;
    case 'string':
      return def.format === 'url' ? 'URL' : 'text';
    case 'number':
      return (def.checks as { _zod: { def: { format?: string } } }[] | undefined)?.some((c) => c._zod.def.format === 'safeint') ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return `one of: ${Object.values(def.entries as Record<string, string>).join(', ')}`;
    case 'literal':
      return (def.values as unknown[]).map(String).join(', ');
    case 'object':
      return 'object';
    case 'array':
      return `list of ${typeOf(def.element as Schema)}`;
    case 'record':
      return `map of ${typeOf(def.keyType as Schema)} → ${typeOf(def.valueType as Schema)}`;
    case 'union':
      return (def.options as Schema[]).map(typeOf).reduce(mergeTypes);
    case 'pipe':
      return typeOf(def.in as Schema);
    default:
      return def.type;
  }
}

function defaultOf(schema: Schema, inherited: string): string {
  const def = defOf(schema);
  if (def.type === 'default') return `${formatDefault(def.defaultValue)}${unstatedDefaults.has(schema) ? ' (confirm)' : ''}`;
  if (def.type === 'prefault') return "section: its fields' defaults";
  if (def.type === 'optional') return 'optional';
  return inherited;
}

function walk(schema: Schema, path: string, presence: string, add: (f: Field) => void, root = false): void {
  if (!root) add({ path, type: typeOf(schema), default: defaultOf(schema, presence) });
  if (!root && (NAMED.has(schema) || SHARED.has(schema))) return;
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      descend(def.innerType as Schema, path, add);
      return;
    default:
      descend(schema, path, add);
  }
}

/** The fields inside a structure: an object's, a list's elements', a map's values', each union option's. */
function descend(schema: Schema, path: string, add: (f: Field) => void): void {
  if (NAMED.has(schema) || (SHARED.has(schema) && path !== SHARED.get(schema))) return;
  const def = defOf(schema);
  const at = (key: string) => (path ? `${path}.${key}` : key);
  switch (def.type) {
    case 'object':
      for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) walk(field, at(key), 'required', add);
      return;
    case 'array':
      descend(def.element as Schema, `${path}[]`, add);
      return;
    case 'record':
      descend(def.valueType as Schema, `${path}.<id>`, add);
      return;
    case 'union':
      for (const option of def.options as Schema[]) descend(option, path, add);
      return;
    case 'pipe':
      descend(def.in as Schema, path, add);
      return;
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      descend(def.innerType as Schema, path, add);
      return;
    default:
  }
}
