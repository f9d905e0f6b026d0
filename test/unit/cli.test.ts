// The hmb command line as a user runs it: a child process on the same Node
// (22, which strips the .ts types), checked by exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const files = readdirSync(plansDir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `plans/${f}`);
    const run = hmb(['plan', 'check', ...files]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('    confirm  ')),
    ).toEqual(files.map((f) => `ok  ${f}  ${f.slice(6, -5)}`));
  });

  test('check piped into a reader that stops at once (| head -1): no stack trace, exit quietly', () => {
    // `true` reads nothing and exits before hmb prints: every write meets a closed pipe (EPIPE).
    const run = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" bin/hmb.ts plan check | true; echo "hmb exit $?"`], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('hmb exit 0\n');
  });

  test('check: a valid plan is followed by what the city must confirm', () => {
    const run = hmb(['plan', 'check', 'test/fixtures/plans/cart-city-2025.yaml']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('ok  test/fixtures/plans/cart-city-2025.yaml  cart-city-2025');
    // The fixture leaves out whom one may buy for, payment and sponsorship: each default is listed.
    expect(lines).toContain('    confirm  enrollment.enrollFor: default [self]: the notice does not say');
    expect(lines).toContain('    confirm  payment.channels: default []: the notice does not say (residents cannot pay until the plan names a channel)');
    expect(lines).toContain('    confirm  sponsorship.payerKinds: default []: the notice does not say (no sponsor may buy for others)');
    expect(lines).toContain('    confirm  source.date: not given: the day the notice was issued');
  });

  test('check: empty city lists and an undated window are to be confirmed', () => {
    const run = hmb(['plan', 'check', 'plans/wuwei-2025.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('    confirm  enrollment.window.opens: no date: an administrator schedules the window (ruling 12)\n');
    expect(run.stdout).toContain(
      '    confirm  lists.heavy-ion-treatments: empty (the city supplies it: lists/wuwei-2025/heavy-ion-treatments.yaml): nothing matches it until it is filled\n',
    );
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
      `${shown}: benefits[inpatient-class-b-c].visits[0]: Invalid option: expected one of "inpatient"|"outpatient-special-disease"|"outpatient"|"pharmacy"`,
      `${shown}: deductibleGroups[inpatient-shared].amount: must have at most two decimals (fen)`,
    ]);
  });

  test('check: one broken file among good ones still fails the run', () => {
    const file = join(tmp, 'empty.yaml');
    writeFileSync(file, 'id: empty\n');
    const run = hmb(['plan', 'check', 'plans/wenshan-2023.yaml', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ok {2}plans\/wenshan-2023\.yaml {2}wenshan-2023\n/);
    expect(run.stderr).toContain(`${relative(root, file)}: name: is required`);
  });

  test("new: a new city's file from the closest plan, with its structure and comments; it validates, and check lists what to write", () => {
    const dir = join(tmp, 'new-city');
    cpSync(plansDir, dir, { recursive: true });
    const run = hmb(['plan', 'new', 'huzhou-2026', '--from', 'wuwei-2025', '--plans-dir', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const file = join(dir, 'huzhou-2026.yaml');
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`wrote ${relative(root, file)} from ${relative(root, join(dir, 'wuwei-2025.yaml'))}`);
    expect(lines).toContain(`wrote ${relative(root, join(dir, 'lists/huzhou-2026/heavy-ion-treatments.yaml'))} (empty: the city supplies it)`);
    expect(lines).toContain(`ok  ${relative(root, file)}  huzhou-2026`);
    expect(lines).toContain('    confirm  source.title: placeholder "待填写: 通知标题": write it from the notice');
    expect(lines).toContain('    confirm  consortium.insurers[lead-insurer].name: placeholder "待填写: 保险公司名称": write it from the notice');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# 待填写: 产品名称 — started on \d{4}-\d{2}-\d{2} from plans\/wuwei-2025\.yaml \(hmb plan new\)\.\n/);
    // The structure's comments stay: the new city's engineer sees how each section was read.
    expect(text).toContain('# 附件 八（三）: 恶性肿瘤, 市域内定点医疗机构重离子治疗');
    expect(text).toContain('file: lists/huzhou-2026/pre-existing.yaml');
    expect(text).not.toContain('武医保发〔2025〕22号\n');
    expect(parse(text).id).toBe('huzhou-2026');
    // Never overwrites.
    const again = hmb(['plan', 'new', 'huzhou-2026', '--from', 'wuwei-2025', '--plans-dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`${relative(root, file)} exists: hmb plan new never overwrites a plan\n`);
    expect(hmb(['plan', 'new', 'Huzhou', '--from', 'wuwei-2025', '--plans-dir', dir]).stderr).toContain('must be lower-case letters, digits and dashes');
    expect(hmb(['plan', 'new', 'x-2026', '--from', 'nowhere', '--plans-dir', dir]).stderr).toMatch(/^unknown plan "nowhere"/);
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
    expect(run.stderr).toMatch(/^unknown plan "nope"; known plans: .*jiangxi-2023, nantong-2021, sanming-2024, wenshan-2023, wuwei-2025/);
  });

  test('show a plan whose file fails validation: why it is unavailable, exit 1', () => {
    const dir = join(tmp, 'show-broken');
    cpSync(plansDir, dir, { recursive: true });
    // A JSON round trip unshares the YAML aliases (&bands), so the edit touches one benefit.
    const doc = JSON.parse(JSON.stringify(parse(readFileSync(join(plansDir, 'wuwei-2025.yaml'), 'utf8'))));
    doc.benefits[0].schedule.bands[0].ratio = '三成';
    writeFileSync(join(dir, 'wuwei-2025.yaml'), stringify(doc));
    const run = hmb(['plan', 'show', 'wuwei-2025', '--plans-dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `plan "wuwei-2025" is unavailable: its file fails validation\n  ${relative(root, join(dir, 'wuwei-2025.yaml'))}: benefits[inpatient-class-b-c].schedule.bands[0].ratio: must be a ratio: a decimal like 0.7 or a percentage like "70%"\n`,
    );
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
    expect(lines).toHaveLength(readdirSync(plansDir).filter((f) => f.endsWith('.yaml')).length);
    for (const id of ['jiangxi-2023', 'nantong-2021', 'sanming-2024', 'wenshan-2023', 'wuwei-2025'])
      expect(lines.filter((l) => l.startsWith(`${id} `))).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('wuwei-2025'))).toMatch(/天马·医惠保 2025 +基础版 69元, 升级版 99元$/);
  });
});

describe('hmb adjudicate', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hmb-adj-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const args = ['adjudicate', '--plan', 'jiangxi-2023', '--claim', 'examples/jiangxi-claim.json', '--policy', 'examples/jiangxi-policy.json'];

  test('prints the explanation of the example claim', () => {
    const run = hmb(args);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // in-catalog 100,000 + class-B 15,000 = 115,000 − 15,000 deductible = 100,000 in the first band:
    // (30 % + 5 points no-claim bonus) × 0.9 in-province referral = 31.5 % → 31,500.00.
    expect(run.stdout).toContain('100000.00 × 31.5%');
    expect(run.stdout).toContain('合计 total 31500.00');
    // out-of-catalog 24,000 + over-limit 1,000 − 600 meal (excluded) = 24,400 < 25,000 deductible.
    expect(run.stdout).toContain('BELOW_DEDUCTIBLE');
  });

  test('--state --write carries the accumulators to the next claim; the same claim again is answered, not paid again', () => {
    const state = join(tmp, 'state.json');
    expect(hmb([...args, '--state', state, '--write']).code).toBe(0);
    const written = JSON.parse(readFileSync(state, 'utf8'));
    expect(written.accumulators.deductibles).toEqual({ 'inpatient-in-catalog': '15000.00', 'inpatient-out-of-catalog': '24400.00' });
    // Sent again with its claim id: the first answer (31,500.00), and the state stays as it was.
    const again = hmb([...args, '--state', state, '--write', '--json']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('was applied to');
    expect(JSON.parse(again.stdout).total).toBe('31500.00');
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual(written);
    // The same id with other content is refused, and nothing is written.
    const other = join(tmp, 'other-claim.json');
    const claimDoc = JSON.parse(readFileSync(join(root, 'examples/jiangxi-claim.json'), 'utf8'));
    writeFileSync(other, JSON.stringify({ ...claimDoc, diagnoses: [{ icd10: 'K35.8' }] }));
    const reused = hmb([...args.map((a) => (a.endsWith('jiangxi-claim.json') ? other : a)), '--state', state, '--write']);
    expect(reused).toMatchObject({ code: 1, stderr: expect.stringContaining('already, with other content') });
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual(written);
    // A second settlement under its own id: no deductible left in-catalog; 115,000 from position 100,000:
    // 100,000 in the 50 % band at (50 % + 5) × 0.9 = 49.5 % → 49,500 and 15,000 in the 70 % band
    // at (70 % + 5) × 0.9 = 67.5 % → 10,125; in-catalog 59,625.00. Out-of-catalog: 600 left of the
    // deductible, 23,800 at (30 % + 5) × 0.9 = 31.5 % → 7,497.00. Total 67,122.00.
    const next = join(tmp, 'next-claim.json');
    writeFileSync(next, JSON.stringify({ ...claimDoc, claimId: 'example-jx-2' }));
    const second = hmb([...args.map((a) => (a.endsWith('jiangxi-claim.json') ? next : a)), '--state', state, '--json']);
    expect(JSON.parse(second.stdout).total).toBe('67122.00');
  });

  test('--json prints the adjudication object', () => {
    const run = hmb([...args, '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ claimId: 'example-jx-1', total: '31500.00', decision: 'payable' });
  });

  test('a plan that fails validation: its problems, not "unknown plan", exit 1', () => {
    const dir = join(tmp, 'plans');
    cpSync(plansDir, dir, { recursive: true });
    const doc = JSON.parse(JSON.stringify(parse(readFileSync(join(plansDir, 'jiangxi-2023.yaml'), 'utf8'))));
    doc.benefits[0].schedule.bands[0].ratio = '30 percent';
    delete doc.indemnity.basicSettlementRequired;
    writeFileSync(join(dir, 'jiangxi-2023.yaml'), stringify(doc));
    const run = hmb([...args, '--plans-dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const file = relative(root, join(dir, 'jiangxi-2023.yaml'));
    expect(run.stderr).toBe(
      [
        'hmb: plan "jiangxi-2023" is unavailable: its file fails validation',
        `  ${file}: benefits[inpatient-in-catalog].schedule.bands[0].ratio: must be a ratio: a decimal like 0.7 or a percentage like "70%"`,
        `  ${file}: indemnity.basicSettlementRequired: is required`,
        '',
      ].join('\n'),
    );
  });

  test('an unknown plan names the known ones, exit 1', () => {
    const run = hmb(['adjudicate', '--plan', 'nope', '--claim', 'examples/jiangxi-claim.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^hmb: unknown plan "nope"; known plans: .*jiangxi-2023/);
  });

  test('an invalid claim file names the field, exit 1', () => {
    const bad = join(tmp, 'bad.json');
    const claim = JSON.parse(readFileSync(join(root, 'examples/jiangxi-claim.json'), 'utf8'));
    claim.settlement.total = '1.00';
    writeFileSync(bad, JSON.stringify(claim));
    const run = hmb(['adjudicate', '--plan', 'jiangxi-2023', '--claim', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.json: settlement\.total: must equal the sum/);
  });
});
