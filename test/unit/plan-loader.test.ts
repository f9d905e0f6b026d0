// The loader's contract: the seed plans load clean, and every problem reads
// `file: path: reason` (YAML syntax errors: `file: line L:C: reason`).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { formatPath, formatProblem, loadPlanFile, loadPlans, validatePlan } from '../../functions/core/plan/loader.ts';

const plansDir = resolve(import.meta.dirname, '../../plans');
const SEEDS = ['jiangxi-2023', 'nantong-2021', 'sanming-2024', 'wenshan-2023', 'wuwei-2025'];
const shown = (path: string) => relative(process.cwd(), path) || path;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('seed plans', () => {
  test('the plans in plans/ load with no problems, the five seed plans among them', () => {
    const { plans, problems, unavailable } = loadPlans(plansDir);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(unavailable.size).toBe(0);
    for (const id of SEEDS) expect(plans.has(id)).toBe(true);
  });

  test.each(SEEDS)('%s loads on its own with every list resolved', (id) => {
    const result = loadPlanFile(join(plansDir, `${id}.yaml`));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (result.ok) for (const list of Object.values(result.plan.lists)) expect(Array.isArray(list.entries)).toBe(true);
  });
});

describe('problem format', () => {
  test('file: path: reason, and file: reason when no path applies', () => {
    expect(formatProblem({ file: 'plans/a.yaml', path: 'benefits[0].limit', reason: 'is required' })).toBe('plans/a.yaml: benefits[0].limit: is required');
    expect(formatProblem({ file: 'plans/a.yaml', path: '', reason: 'file not found' })).toBe('plans/a.yaml: file not found');
  });

  test('paths use dots for fields and brackets for indexes', () => {
    expect(formatPath(['benefits', 2, 'deductible', 'amount'])).toBe('benefits[2].deductible.amount');
    expect(formatPath(['lists', 'pre-existing', 'entries', 0, 'icd10', 1])).toBe('lists.pre-existing.entries[0].icd10[1]');
  });

  test('given the document, list elements with ids are named by them; others, and repeated ids, by position', () => {
    const doc = { benefits: [{ id: 'car-t' }, { id: 'inpatient' }, { name: 'no id' }], tiers: [{ id: 'basic' }, { id: 'basic' }] };
    expect(formatPath(['benefits', 0, 'schedule', 'flat'], doc)).toBe('benefits[car-t].schedule.flat');
    expect(formatPath(['benefits', 2, 'name'], doc)).toBe('benefits[2].name');
    expect(formatPath(['tiers', 1, 'premium'], doc)).toBe('tiers[1].premium');
    expect(formatPath(['benefits', 5, 'id'], doc)).toBe('benefits[5].id');
  });

  test('every problem of an invalid plan is exactly `file: path: reason`', () => {
    const doc = parse(readFileSync(join(plansDir, 'wuwei-2025.yaml'), 'utf8'));
    doc.benefits[0].limit = '-1';
    doc.region.adminCode = 'x';
    delete doc.name;
    const result = validatePlan('plans/wuwei-2025.yaml', doc, plansDir);
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.problems.map(formatProblem);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^plans\/wuwei-2025\.yaml: [\w.[\]-]+: \S.*$/);
    expect(lines).toContain('plans/wuwei-2025.yaml: name: is required');
    expect(lines).toContain('plans/wuwei-2025.yaml: benefits[inpatient-class-b-c].limit: must be ≥ 0');
  });

  test('a missing plan file is `file: file not found`', () => {
    const result = loadPlanFile(resolve('no-such-plan.yaml'));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(['no-such-plan.yaml: file not found']);
  });
});

describe('files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmb-loader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a YAML syntax error gives `file: line L:C: reason`', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'id: broken\nname: [unclosed\nregion: x\n');
    const result = loadPlanFile(file);
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.problems.map(formatProblem);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${escapeRegExp(shown(file))}: line 3:1: Flow sequence`));
  });

  test.each([
    ['no anchor at all', 'id: alias\nbands:\n  inpatient: *bands\n', 'line 3:14'],
    ['its anchor set after it', 'id: alias\nfirst: *bands\nlater: &bands [1]\n', 'line 2:8'],
  ])('an alias with %s gives `file: line L:C: Unresolved alias…`', (_what, text, at) => {
    const file = join(dir, 'alias.yaml');
    writeFileSync(file, text);
    const result = loadPlanFile(file);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      `${shown(file)}: ${at}: Unresolved alias (the anchor must be set before the alias): bands`,
    ]);
  });

  test('a bad list file is reported against the list file, not the plan', () => {
    const plans = join(dir, 'plans');
    mkdirSync(join(plans, 'lists', 'wuwei-2025'), { recursive: true });
    writeFileSync(join(plans, 'wuwei-2025.yaml'), readFileSync(join(plansDir, 'wuwei-2025.yaml')));
    for (const name of ['out-of-catalog-catalogue', 'heavy-ion-treatments']) {
      writeFileSync(join(plans, 'lists', 'wuwei-2025', `${name}.yaml`), 'entries: []\n');
    }
    const listFile = join(plans, 'lists', 'wuwei-2025', 'pre-existing.yaml');
    writeFileSync(listFile, 'entries:\n  - { code: x }\n');
    const result = loadPlanFile(join(plans, 'wuwei-2025.yaml'));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([`${shown(listFile)}: entries[0].name: is required`]);
  });

  test.each([
    ['empty', ''],
    ['holding only a comment', '# the city has not supplied it yet\n'],
    ['with entries: and nothing under it', 'entries:\n'],
    ['holding only a note', 'note: the city cleared this list for 2026\n'],
  ])('a list file %s is an empty list, as the plan language says: nothing matches it yet', (what, text) => {
    const plans = join(dir, `list-${what.replaceAll(' ', '-')}`);
    mkdirSync(join(plans, 'lists', 'wuwei-2025'), { recursive: true });
    writeFileSync(join(plans, 'wuwei-2025.yaml'), readFileSync(join(plansDir, 'wuwei-2025.yaml')));
    for (const name of ['out-of-catalog-catalogue', 'heavy-ion-treatments', 'pre-existing']) {
      writeFileSync(join(plans, 'lists', 'wuwei-2025', `${name}.yaml`), text);
    }
    const result = loadPlanFile(join(plans, 'wuwei-2025.yaml'));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (result.ok) expect(result.plan.lists['heavy-ion-treatments'].entries).toEqual([]);
  });

  test('a list file naming one code twice is refused against the list file: entries are matched by code', () => {
    const plans = join(dir, 'list-twice');
    mkdirSync(join(plans, 'lists', 'wuwei-2025'), { recursive: true });
    writeFileSync(join(plans, 'wuwei-2025.yaml'), readFileSync(join(plansDir, 'wuwei-2025.yaml')));
    for (const name of ['out-of-catalog-catalogue', 'pre-existing']) writeFileSync(join(plans, 'lists', 'wuwei-2025', `${name}.yaml`), 'entries: []\n');
    const listFile = join(plans, 'lists', 'wuwei-2025', 'heavy-ion-treatments.yaml');
    writeFileSync(listFile, 'entries:\n  - { code: HI-POS, name: 重离子定位 }\n  - { code: HI-POS, name: 重离子定位 (复查), class: B }\n');
    const result = loadPlanFile(join(plans, 'wuwei-2025.yaml'));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([`${shown(listFile)}: entries: duplicate code "HI-POS"`]);
  });
});
