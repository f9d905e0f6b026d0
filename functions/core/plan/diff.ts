// What changed between two versions of a plan, in the language of `plan show`:
// the benefit table compared section by section and row by row (Chinese labels,
// 万元, percentages), and every list's entries added and removed by code.
import type { LoadedPlan } from './loader.ts';
import { benefitTable, type Section } from './table.ts';

export type Change =
  | { kind: 'row'; section: string; label: string; before?: string; after?: string }
  | { kind: 'entry'; list: string; change: 'added' | 'removed'; code: string; name: string };

function rows(sections: Section[]): Map<string, Map<string, string>> {
  // A label may repeat within a section (several lines of one rule): numbered to keep each.
  return new Map(
    sections.map((s) => {
      const seen = new Map<string, number>();
      return [
        s.title,
        new Map(
          s.rows.map((r) => {
            const n = (seen.get(r.label) ?? 0) + 1;
            seen.set(r.label, n);
            return [n === 1 ? r.label : `${r.label} (${n})`, r.value];
          }),
        ),
      ];
    }),
  );
}

export function diffPlans(before: LoadedPlan, after: LoadedPlan): Change[] {
  const changes: Change[] = [];
  const [a, b] = [rows(benefitTable(before)), rows(benefitTable(after))];
  for (const section of new Set([...a.keys(), ...b.keys()])) {
    const [ra, rb] = [a.get(section) ?? new Map<string, string>(), b.get(section) ?? new Map<string, string>()];
    for (const label of new Set([...ra.keys(), ...rb.keys()])) {
      const [va, vb] = [ra.get(label), rb.get(label)];
      if (va !== vb) changes.push({ kind: 'row', section, label, ...(va !== undefined ? { before: va } : {}), ...(vb !== undefined ? { after: vb } : {}) });
    }
  }
  for (const list of new Set([...Object.keys(before.lists), ...Object.keys(after.lists)])) {
    const codes = (plan: LoadedPlan) => new Map((plan.lists[list]?.entries ?? []).map((e) => [e.code, e.name]));
    const [ca, cb] = [codes(before), codes(after)];
    for (const [code, name] of cb) if (!ca.has(code)) changes.push({ kind: 'entry', list, change: 'added', code, name });
    for (const [code, name] of ca) if (!cb.has(code)) changes.push({ kind: 'entry', list, change: 'removed', code, name });
  }
  return changes;
}

/** The changes as lines: `[section] label: before → after`, `list: + code name`. */
export function renderDiff(changes: Change[]): string {
  if (changes.length === 0) return '  (无变化 no change in the benefit table or lists)\n';
  const lines: string[] = [];
  let heading = '';
  for (const c of changes) {
    const title = c.kind === 'row' ? `[${c.section}]` : `[名单 list ${c.list}]`;
    if (title !== heading) lines.push(title);
    heading = title;
    if (c.kind === 'entry') lines.push(`  ${c.change === 'added' ? '+' : '-'} ${c.code} ${c.name}`);
    else if (c.before === undefined) lines.push(`  + ${c.label}: ${c.after}`);
    else if (c.after === undefined) lines.push(`  - ${c.label}: ${c.before}`);
    else lines.push(`  ~ ${c.label}: ${c.before} → ${c.after}`);
  }
  return `${lines.join('\n')}\n`;
}
