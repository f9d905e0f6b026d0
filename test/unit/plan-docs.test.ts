// docs/plan-language.md cannot drift from the schema: its field tables list exactly
// the schema's fields, with the schema's types and defaults, and a meaning and an
// example for each.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { planFields } from '../support/plan-fields.ts';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/plan-language.md'), 'utf8');
const rows = doc.split('\n').flatMap((line) => {
  const m = /^\| `([^`]+)` \| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$/.exec(line);
  return m ? [{ path: m[1], type: m[2], default: m[3], meaning: m[4], example: m[5] }] : [];
});
const fields = planFields();

describe('docs/plan-language.md', () => {
  test('documents every field of the schema, and no field the schema lacks', () => {
    const documented = rows.map((r) => r.path);
    expect(documented.filter((p) => !fields.some((f) => f.path === p))).toEqual([]);
    expect(fields.map((f) => f.path).filter((p) => !documented.includes(p))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  test("gives each field the schema's type and default", () => {
    const mismatches = fields.flatMap((f) => {
      const row = rows.find((r) => r.path === f.path);
      if (!row) return [];
      return [
        row.type === f.type ? '' : `${f.path}: type "${row.type}", schema "${f.type}"`,
        row.default === f.default ? '' : `${f.path}: default "${row.default}", schema "${f.default}"`,
      ].filter(Boolean);
    });
    expect(mismatches).toEqual([]);
  });

  test('gives each field a meaning and an example', () => {
    for (const r of rows) {
      expect(r.meaning.trim().length, r.path).toBeGreaterThan(3);
      expect(r.example.trim().length, r.path).toBeGreaterThan(0);
    }
  });

  test('the enumeration sees a change: the defaults plan check lists are marked (confirm)', () => {
    expect(fields.find((f) => f.path === 'enrollment.enrollFor')?.default).toBe('[self] (confirm)');
    expect(fields.find((f) => f.path === 'benefits[].paysAfter')?.default).toBe('[]');
    expect(fields.find((f) => f.path === 'Schedule.bands[].ratio')?.type).toBe('ratio');
    expect(fields.length).toBeGreaterThan(200);
  });
});
