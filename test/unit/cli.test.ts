// The hmb command line as a user runs it: a child process on the same Node
// (22, which strips the .ts types), checked by exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const plansDir = join(root, 'plans');

// The checkout's plans folder, whatever the caller's environment says.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HMB_PLANS_DIR'));

function hmb(args: string[], entry = 'bin/hmb.ts') {
  const run = spawnSync(process.execPath, [entry, ...args], { cwd: root, encoding: 'utf8', env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('hmb plan', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hmb-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('check plans/*.yaml: ok line per plan, exit 0', () => {
    const files = readdirSync(plansDir).filter((f) => f.endsWith('.yaml')).map((f) => `plans/${f}`);
    const run = hmb(['plan', 'check', ...files]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(files.map((f) => `ok  ${f}  ${f.slice(6, -5)}`));
  });

  test('check with no files checks the plans folder', () => {
    const run = hmb(['plan', 'check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok  plans/wuwei-2025.yaml  wuwei-2025');
  });

  test('check on a broken file: every problem as `file: path: reason` on stderr, exit 1', () => {
    const doc = parse(readFileSync(join(plansDir, 'wuwei-2025.yaml'), 'utf8'));
    doc.deductibleGroups[0].amount = '12000.001';
    doc.benefits[0].visits = ['hospital'];
    const file = join(tmp, 'wuwei-2025.yaml');
    writeFileSync(file, stringify(doc));
    const run = hmb(['plan', 'check', '--plans-dir', plansDir, file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const shown = relative(root, file);
    expect(run.stderr.trim().split('\n').sort()).toEqual([
      `${shown}: benefits[0].visits[0]: Invalid option: expected one of "inpatient"|"outpatient-special-disease"|"outpatient"|"pharmacy"`,
      `${shown}: deductibleGroups[0].amount: must have at most two decimals (fen)`,
    ]);
  });

  test('check: one broken file among good ones still fails the run', () => {
    const file = join(tmp, 'empty.yaml');
    writeFileSync(file, 'id: empty\n');
    const run = hmb(['plan', 'check', 'plans/wenshan-2023.yaml', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('ok  plans/wenshan-2023.yaml  wenshan-2023\n');
    expect(run.stderr).toContain(`${relative(root, file)}: name: is required`);
  });

  test('show wuwei-2025: the benefit table, exit 0', () => {
    const run = hmb(['plan', 'show', 'wuwei-2025']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('升级版 99元');
    expect(run.stdout).toContain('累计2万元(含)以下部分 30%');
  });

  test('show through the installed shim bin/hmb.js', () => {
    const run = hmb(['plan', 'show', 'wenshan-2023'], 'bin/hmb.js');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('300万元');
  });

  test('show nope: names the known plans, exit 1', () => {
    const run = hmb(['plan', 'show', 'nope']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown plan "nope"; known plans: jiangxi-2023, nantong-2021, sanming-2024, wenshan-2023, wuwei-2025');
  });

  test('an unreadable plans folder is one line on stderr, exit 1', () => {
    const run = hmb(['plan', 'list', '--plans-dir', join(tmp, 'missing')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^hmb: ENOENT: .*missing'\n$/);
  });

  test('list: one line per plan with tiers and premiums', () => {
    const run = hmb(['plan', 'list']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith('wuwei-2025'))).toMatch(/天马·医惠保 2025 +基础版 69元, 升级版 99元$/);
  });
});
