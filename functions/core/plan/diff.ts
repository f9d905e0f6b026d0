// What changed between two versions of a plan, in the language of `plan show`:
// the benefit table compared section by section and row by row (Chinese labels,
// 万元, percentages), and every list's entries added, removed and changed by code.
import type { LoadedPlan } from './loader.ts';
import type { ListEntry } from './schema.ts';
import { benefitTable, type Row, type Section } from './table.ts';

export type Change =
  | { kind: 'row'; section: string; label: string; before?: string; after?: string }
  /** An entry as `plan diff` prints it (entryText): before and after where it was there. */
  | { kind: 'entry'; list: string; change: 'added' | 'removed' | 'changed'; code: string; before?: string; after?: string };

/**
 * The rows of a section, each with its group's label: the table leaves the label of a group's later rows empty (a
 * plan's second tier, its third channel), and a change in one of them must still say what it is.
 */
function labelled(rows: readonly Row[]): Row[] {
  let group = '';
  return rows.map((r) => {
    if (r.label) group = r.label;
    return { label: r.label || group, value: r.value };
  });
}

/** The first word of a row's value (a tier's, a channel's or a campaign's name): what a changed row keeps. */
const head = (value: string) => value.split(/[\s:：]/)[0];

/**
 * One section's changes. Rows are matched by label and value, not position, so a tier inserted before others is one
 * row added, not each later row changed. What is left is paired by label (the same first word first): a changed
 * premium is one row changed; the rest is added or removed.
 */
function sectionChanges(section: string, before: readonly Row[], after: readonly Row[]): Change[] {
  const gone = labelled(before);
  const added: Row[] = [];
  for (const r of labelled(after)) {
    const same = gone.findIndex((g) => g.label === r.label && g.value === r.value);
    if (same >= 0) gone.splice(same, 1);
    else added.push(r);
  }
  const changes: Change[] = added.map((r) => {
    let was = gone.findIndex((g) => g.label === r.label && head(g.value) === head(r.value));
    if (was < 0) was = gone.findIndex((g) => g.label === r.label);
    if (was < 0) return { kind: 'row', section, label: r.label, after: r.value };
    const [g] = gone.splice(was, 1);
    return { kind: 'row', section, label: r.label, before: g.value, after: r.value };
  });
  return [...changes, ...gone.map((g): Change => ({ kind: 'row', section, label: g.label, before: g.value }))];
}

/** An entry in the words of `plan show`: code, name, and what matches or rates it (class, ICD-10, indications). */
export function entryText(e: ListEntry): string {
  const details = [
    e.class !== undefined ? `${e.class}类` : '',
    e.icd10?.length ? `ICD-10: ${e.icd10.join(', ')}` : '',
    e.indications?.length ? `适应症: ${e.indications.join(', ')}` : '',
  ].filter(Boolean);
  return `${e.code} ${e.name}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

/**
 * The changes from `before` to `after`. Without `before` (a plan never published), everything is added: what
 * publishing its first version would bring.
 */
export function diffPlans(before: LoadedPlan | undefined, after: LoadedPlan): Change[] {
  const changes: Change[] = [];
  const [a, b] = [before ? benefitTable(before) : [], benefitTable(after)];
  for (const title of new Set([...b.map((s) => s.title), ...a.map((s) => s.title)])) {
    const rowsOf = (sections: Section[]) => sections.find((s) => s.title === title)?.rows ?? [];
    changes.push(...sectionChanges(title, rowsOf(a), rowsOf(b)));
  }
  for (const list of new Set([...Object.keys(after.lists), ...Object.keys(before?.lists ?? {})])) {
    const entries = (plan: LoadedPlan | undefined) => new Map((plan?.lists[list]?.entries ?? []).map((e) => [e.code, entryText(e)]));
    const [ea, eb] = [entries(before), entries(after)];
    for (const [code, text] of eb) {
      const was = ea.get(code);
      if (was === undefined) changes.push({ kind: 'entry', list, change: 'added', code, after: text });
      // Same code, another name, class (the ratio), ICD-10 or indications: the entry changed.
      else if (was !== text) changes.push({ kind: 'entry', list, change: 'changed', code, before: was, after: text });
    }
    for (const [code, text] of ea) if (!eb.has(code)) changes.push({ kind: 'entry', list, change: 'removed', code, before: text });
  }
  return changes;
}

/** The changes as lines: `[section] label: before → after`, `list: + code name`, `~ code name → code name (B类)`. */
export function renderDiff(changes: Change[]): string {
  if (changes.length === 0) return '  (无变化 no change in the benefit table or lists)\n';
  const lines: string[] = [];
  let heading = '';
  for (const c of changes) {
    const title = c.kind === 'row' ? `[${c.section}]` : `[名单 list ${c.list}]`;
    if (title !== heading) lines.push(title);
    heading = title;
    const label = c.kind === 'row' ? `${c.label}: ` : '';
    if (c.before === undefined) lines.push(`  + ${label}${c.after}`);
    else if (c.after === undefined) lines.push(`  - ${label}${c.before}`);
    else lines.push(`  ~ ${label}${c.before} → ${c.after}`);
  }
  return `${lines.join('\n')}\n`;
}
