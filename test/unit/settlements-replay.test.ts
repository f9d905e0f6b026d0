// `hmb settlements replay` as a user runs it: examples/wenshan-settlements.jsonl (four national settlements of two
// members at two hospitals) against 文山惠民保 2023, each payout worked out by hand from the plan: 责任一 covers the
// in-catalogue self-pay and class-B co-pay of a stay, annual deductible 12,000, 80 %; 责任三 the fully self-paid
// and over-limit parts, annual deductible 12,000, 20 %; 责任二 (special drugs) only outside hospital, at a
// hospital designated for them, for listed drugs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HMB_PLANS_DIR'));

function hmb(args: string[]) {
  const run = spawnSync(process.execPath, ['bin/hmb.ts', ...args], { cwd: root, encoding: 'utf8', env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const messages = 'examples/wenshan-settlements.jsonl';
const lines = readFileSync(join(root, messages), 'utf8').trim().split('\n');
const replay = (file: string, ...more: string[]) =>
  hmb([
    'settlements',
    'replay',
    file,
    '--plan',
    'wenshan-2023',
    '--hospitals',
    'examples/wenshan-hospitals.json',
    '--policies',
    'examples/wenshan-policies.json',
    ...more,
  ]);

describe('hmb settlements replay', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hmb-replay-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('one line per settlement with what the plan and the patient pay, then the totals', () => {
    const run = replay(messages);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout.trim().split('\n');
    expect(out).toHaveLength(5);
    // Line 1, member A's stay: 60,000 = 5,000 fully self-paid + 1,000 over-limit + 4,000 class-B first + 50,000 in
    // range, of which the funds paid 35,000. 责任一: in-catalogue 50,000 − 35,000 = 15,000 + class-B 4,000 = 19,000,
    // − 12,000 deductible = 7,000 × 80 % = 5,600.00. 责任三: 5,000 + 1,000 = 6,000 < 12,000 (6,000 of the deductible used).
    // The person owed 25,000 and still pays 25,000 − 5,600 = 19,400.00.
    expect(out[0]).toMatch(
      /^1 {2}结算 setl 530000100001 {2}就诊 visit 530000200001 {2}医院 H53260100001 {2}参保人 532601\*{8}123X {2}inpatient {2}总额 medfee 60000\.00 {2}基金 funds 35000\.00 {2}方案赔付 plan pays 5600\.00 {2}个人自付 patient pays 19400\.00 {2}\(payable\)$/,
    );
    // Line 2, member B's stay: funds 19,000 of which 1,000 enterprise supplementary (hifes_pay), other compensation
    // the engine takes off each benefit in proportion to the costs it covers (in-catalogue 35,000 − 18,000 public =
    // 17,000, class-B 3,000, fully self-paid 2,000: 22,000). 责任一: 20,000 − 1,000 × 20,000 / 22,000 (909.09) =
    // 19,090.91 − 12,000 = 7,090.91 × 80 % = 5,672.728 → 5,672.73. 责任三: 2,000 − 90.91 = 1,909.09 < 12,000.
    // The person owed 40,000 − 19,000 = 21,000 and still pays 15,327.27.
    expect(out[1]).toContain('方案赔付 plan pays 5672.73  个人自付 patient pays 15327.27  (payable)');
    // Line 3, B's outpatient visit: 责任一 and 三 cover stays only; 责任二 needs a hospital designated for special drugs.
    expect(out[2]).toContain('outpatient  总额 medfee 300.00  基金 funds 150.00  方案赔付 plan pays 0.00  个人自付 patient pays 150.00  (nothing-payable)');
    // Line 4, A's second stay, amounts sent as JSON numbers: 责任一's deductible is spent, so in-catalogue
    // 19,000 − 13,000 = 6,000 + class-B 2,000 = 8,000 × 80 % = 6,400; 责任三 has 12,000 − 6,000 = 6,000 of its
    // deductible left: 9,000 − 6,000 = 3,000 × 20 % = 600. Plan 7,000.00; the person owed 17,000, still pays 10,000.00.
    expect(out[3]).toContain('方案赔付 plan pays 7000.00  个人自付 patient pays 10000.00  (payable)');
    // 5,600 + 5,672.73 + 0 + 7,000 = 18,272.73; owed 25,000 + 21,000 + 150 + 17,000 = 63,150, less the plan = 44,877.27.
    expect(out[4]).toBe(
      '合计 total: 4 settlements, 0 refused; 总额 medfee 130300.00, 基金 funds 67150.00, 方案赔付 plan pays 18272.73, 个人自付 patient pays 44877.27; 共保体分摊 split: picc-wenshan 18272.73',
    );
  });

  test('--json: each settlement with its benefits, and the totals', () => {
    const run = replay(messages, '--json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.plan).toBe('wenshan-2023');
    expect(doc.problems).toEqual([]);
    expect(doc.settlements.map((s: any) => [s.setlId, s.planPays, s.patientPays])).toEqual([
      ['530000100001', '5600.00', '19400.00'],
      ['530000100002', '5672.73', '15327.27'],
      ['530000100003', '0.00', '150.00'],
      ['530000100004', '7000.00', '10000.00'],
    ]);
    expect(doc.settlements[3].benefits).toEqual([
      { benefitId: 'inpatient-in-catalog', payable: '6400.00' },
      { benefitId: 'special-drugs', payable: '0.00', refusal: 'VISIT_NOT_COVERED' },
      { benefitId: 'inpatient-out-of-catalog', payable: '600.00' },
    ]);
    expect(doc.settlements[0]).toMatchObject({ member: '532601********123X', medinsSetlId: 'H5326010000120231020001', psnPartAmt: '25000.00' });
    expect(doc.totals).toEqual({
      settlements: 4,
      refused: 0,
      medfeeSumamt: '130300.00',
      fundPaySumamt: '67150.00',
      psnPartAmt: '63150.00',
      planPays: '18272.73',
      patientPays: '44877.27',
      split: [{ insurerId: 'picc-wenshan', share: '1', amount: '18272.73' }],
    });
    // No full resident ID in the report.
    expect(run.stdout).not.toContain('53260119800101123X');
  });

  test('--state --write carries the accumulators from one file to the next', () => {
    const first = join(tmp, 'first.jsonl');
    const second = join(tmp, 'second.jsonl');
    const state = join(tmp, 'state.json');
    writeFileSync(first, `${lines.slice(0, 3).join('\n')}\n`);
    writeFileSync(second, `${lines[3]}\n`);
    // Alone, A's second stay is under both deductibles: 8,000 and 9,000 < 12,000.
    expect(replay(second, '--json').stdout).toContain('"planPays": "0.00"');
    expect(replay(first, '--state', state, '--write').code).toBe(0);
    const written = JSON.parse(readFileSync(state, 'utf8'));
    expect(written['53260119800101123X'].deductibles).toEqual({ 'inpatient-in-catalog': '12000.00', 'inpatient-out-of-catalog': '6000.00' });
    // After the first file, as in the full replay: 7,000.00.
    expect(JSON.parse(replay(second, '--state', state, '--json').stdout).totals.planPays).toBe('7000.00');
  });

  test('refused messages are reported as file:line: field: reason and change nothing; the rest is replayed; exit 1', () => {
    const file = join(tmp, 'mixed.jsonl');
    const bad = JSON.parse(lines[1]);
    bad.setlinfo.inscp_scp_amt = '34000.00'; // the parts now add up to 39,000, not 40,000
    const stranger = JSON.parse(lines[1]);
    stranger.setlinfo.setl_id = '530000100009';
    stranger.setlinfo.certno = '53260119900615789X'; // valid, but holds no policy
    const trial = JSON.parse(lines[1]);
    trial.infno = '2303';
    delete trial.setlinfo.setl_id;
    writeFileSync(file, [lines[0], JSON.stringify(bad), lines[0], JSON.stringify(stranger), JSON.stringify(trial), '{"infno":', '', lines[3]].join('\n'));
    const run = replay(file);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `${file}:2: setlinfo.medfee_sumamt: must equal fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt (39000.00)`,
      `${file}:3: setlinfo.setl_id: was replayed on line 1: a settlement counts once`,
      `${file}:4: setlinfo.certno: no policy of wenshan-2023 for member 532601********789X`,
      `${file}:5: infno: 2303 is a trial: the replay takes settlements (2207, 2304)`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6: \\(root\\): is not JSON: `)),
    ]);
    const out = run.stdout.trim().split('\n');
    // Lines 1 and 8 only, the second stay still after the first: 5,600 + 7,000.
    expect(out.map((l) => l.split('  ')[0])).toEqual([
      '1',
      '8',
      '合计 total: 2 settlements, 5 refused; 总额 medfee 90000.00, 基金 funds 48000.00, 方案赔付 plan pays 12600.00, 个人自付 patient pays 29400.00; 共保体分摊 split: picc-wenshan 12600.00',
    ]);
  });

  test('a hospital outside the register and a broken register file', () => {
    const hospitals = join(tmp, 'hospitals.json');
    writeFileSync(hospitals, JSON.stringify([{ code: 'H53260100001', level: 3, public: true, regionCode: '532601' }]));
    const run = hmb(['settlements', 'replay', messages, '--plan', 'wenshan-2023', '--hospitals', hospitals, '--policies', 'examples/wenshan-policies.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${messages}:2: setlinfo.fixmedins_code: is not in the hospital register of this plan`);
    writeFileSync(hospitals, JSON.stringify([{ code: 'H1', level: 4, public: true, regionCode: '532601' }]));
    const broken = hmb(['settlements', 'replay', messages, '--plan', 'wenshan-2023', '--hospitals', hospitals]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/hospitals\.json: \[0\]\.level: /);
  });

  test("without --policies every member holds the plan's first tier and fixed cover", () => {
    const run = hmb(['settlements', 'replay', messages, '--plan', 'wenshan-2023', '--hospitals', 'examples/wenshan-hospitals.json', '--json']);
    expect(run.code).toBe(0);
    // Wenshan's places do not matter (any designated hospital in mainland China): the same payouts.
    expect(JSON.parse(run.stdout).totals.planPays).toBe('18272.73');
  });
});
