// A what-if on a small year, worked out by hand: this year's 文山惠民保 (plans/wenshan-2023.yaml)
// against a draft of next year's written by the test (wenshan-2024: the in-catalogue deductible
// down from 12,000 to 8,000, the premium up from 69 to 75 yuan), on five claims of three members,
// through `hmb simulate --claims` as a user runs it (JSON lines and CSV give the same report).
//   (1) inpatient-in-catalog:     in-catalog self-pay + class-B co-pay, annual deductible 12,000 (draft: 8,000), 80 %
//   (3) inpatient-out-of-catalog: 全自费 + 超限价自费, annual deductible 12,000, 20 %
// Cover 2023-09-01 – 2024-08-31; 100 insured members (the premium base).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Decimal } from 'decimal.js';
import { parse, stringify } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HMB_PLANS_DIR'));
const hmb = (args: string[]) => {
  const run = spawnSync(process.execPath, ['bin/hmb.ts', ...args], { cwd: root, encoding: 'utf8', env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

const tmp = mkdtempSync(join(tmpdir(), 'hmb-what-if-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Next year's draft: a copy of the seed plan with its list files beside it.
const draft = parse(readFileSync(join(root, 'plans/wenshan-2023.yaml'), 'utf8'));
draft.id = 'wenshan-2024';
draft.name = '文山惠民保 2024 (draft)';
draft.tiers[0].premium = '75.00';
draft.benefits.find((b: { id: string }) => b.id === 'inpatient-in-catalog').deductible.amount = '8000';
const draftFile = join(tmp, 'wenshan-2024.yaml');
writeFileSync(draftFile, stringify(draft));
cpSync(join(root, 'plans/lists/wenshan-2023'), join(tmp, 'lists/wenshan-2023'), { recursive: true });

interface Row {
  claimId: string;
  memberId: string;
  age: number;
  preExisting?: string;
  admitted: string;
  inCatalogSelfPay?: string;
  classBCopay?: string;
  outOfCatalogSelfPay?: string;
  overLimitSelfPay?: string;
}

// The year, in acceptance order.
const rows: Row[] = [
  // m1, 45, healthy. c1: in-catalogue 6,000 + class B 1,000 = 7,000 and out-of-catalogue 2,000, both under their deductibles.
  { claimId: 'c1', memberId: 'm1', age: 45, admitted: '2023-10-10', inCatalogSelfPay: '6000', classBCopay: '1000', outOfCatalogSelfPay: '2000' },
  // m2, 70, coronary disease before cover (Wenshan's inpatient benefits pay pre-existing conditions alike).
  { claimId: 'c2', memberId: 'm2', age: 70, preExisting: 'I25.1', admitted: '2023-11-20', inCatalogSelfPay: '30000', classBCopay: '5000' },
  // m1 again: in-catalogue 9,000, out-of-catalogue 15,000 + over-limit 1,000.
  { claimId: 'c3', memberId: 'm1', age: 45, admitted: '2023-12-01', inCatalogSelfPay: '9000', outOfCatalogSelfPay: '15000', overLimitSelfPay: '1000' },
  // m3, 30, healthy. c4: admitted before cover starts: refused, consumes nothing. c5: in-catalogue 10,000.
  { claimId: 'c4', memberId: 'm3', age: 30, admitted: '2023-08-20', inCatalogSelfPay: '20000' },
  { claimId: 'c5', memberId: 'm3', age: 30, admitted: '2024-03-05', inCatalogSelfPay: '10000' },
];

function settlement(r: Row) {
  const parts = {
    basicFundPaid: '10000',
    criticalIllnessPaid: '0',
    medicalAssistancePaid: '0',
    inCatalogSelfPay: r.inCatalogSelfPay ?? '0',
    classBCopay: r.classBCopay ?? '0',
    outOfCatalogSelfPay: r.outOfCatalogSelfPay ?? '0',
    overLimitSelfPay: r.overLimitSelfPay ?? '0',
  };
  return {
    total: Object.values(parts)
      .reduce((t, v) => t.plus(v), new Decimal(0))
      .toFixed(2),
    ...parts,
  };
}

const jsonl = join(tmp, 'year.jsonl');
writeFileSync(
  jsonl,
  rows
    .map((r) =>
      JSON.stringify({
        claimId: r.claimId,
        member: { memberId: r.memberId, age: r.age, ...(r.preExisting ? { preExistingConditions: [{ icd10: r.preExisting }] } : {}) },
        visit: {
          type: 'inpatient',
          admissionDate: r.admitted,
          dischargeDate: r.admitted,
          hospital: { code: 'H1', level: 3, public: true, regionCode: '532601' },
        },
        diagnoses: [{ icd10: r.preExisting ?? 'K35.8' }],
        settlement: settlement(r),
      }),
    )
    .join('\n') + '\n',
);

const csv = join(tmp, 'year.csv');
const columns = [
  'claimId',
  'memberId',
  'age',
  'preExisting',
  'visitType',
  'admissionDate',
  'dischargeDate',
  'hospitalCode',
  'hospitalLevel',
  'hospitalPublic',
  'hospitalRegion',
  'diagnoses',
  'total',
  'basicFundPaid',
  'criticalIllnessPaid',
  'medicalAssistancePaid',
  'inCatalogSelfPay',
  'classBCopay',
  'outOfCatalogSelfPay',
  'overLimitSelfPay',
];
writeFileSync(
  csv,
  [
    columns.join(','),
    ...rows.map((r) => {
      const s = settlement(r);
      return [
        r.claimId,
        r.memberId,
        r.age,
        r.preExisting ?? '',
        'inpatient',
        r.admitted,
        r.admitted,
        'H1',
        3,
        'true',
        '532601',
        r.preExisting ?? 'K35.8',
        s.total,
        s.basicFundPaid,
        s.criticalIllnessPaid,
        s.medicalAssistancePaid,
        s.inCatalogSelfPay,
        s.classBCopay,
        s.outOfCatalogSelfPay,
        s.overLimitSelfPay,
      ].join(',');
    }),
  ].join('\n') + '\n',
);

const args = (file: string, ...more: string[]) => ['simulate', '--plan', 'wenshan-2023', '--against', draftFile, '--claims', file, '--insured', '100', ...more];

describe('what-if: deductible 12,000 → 8,000, premium 69 → 75', () => {
  const run = hmb(args(jsonl, '--format', 'json'));
  const report = JSON.parse(run.stdout || '{}');
  const [a, b] = report.plans ?? [];

  test('runs, and prints its speed on stderr', () => {
    expect(run.stderr).toMatch(/^simulated 5 claims under 2 plans in [\d.]+ s: [\d,]+ claims\/s, peak RSS \d+ MB\n$/);
    expect(run.code).toBe(0);
  });

  test('this year: paid by hand, claim by claim', () => {
    // c1: (1) 7,000 all to the deductible (12,000 − 7,000 = 5,000 left); (3) 2,000 to its deductible (10,000 left): 0.00
    // c2: (1) 35,000 − 12,000 = 23,000 × 80 % = 18,400.00
    // c3: (1) 9,000 − 5,000 left = 4,000 × 80 % = 3,200.00; (3) 16,000 − 10,000 left = 6,000 × 20 % = 1,200.00: 4,400.00
    // c4: admitted 2023-08-20, before cover: refused, nothing consumed
    // c5: (1) 10,000 < 12,000: all to the deductible: 0.00
    // Paid 18,400 + 4,400 = 22,800.00; premium 100 × 69 = 6,900.00; 22,800 ÷ 6,900 = 3.30434… → 3.3043
    expect(a).toMatchObject({
      planId: 'wenshan-2023',
      members: 100,
      claimants: 3,
      claims: 5,
      paidClaims: 2,
      premium: '6900.00',
      paid: '22800.00',
      payoutRatio: '3.3043',
    });
    expect(a.decisions).toEqual({ payable: 2, nothingPayable: 2, refused: 1 });
    expect(a.refusals).toEqual({ ADMITTED_BEFORE_COVER: 1 });
    expect(a.byBenefit.map((x: { benefitId: string; paid: string }) => [x.benefitId, x.paid])).toEqual([
      ['inpatient-in-catalog', '21600.00'], // 18,400 + 3,200
      ['special-drugs', '0.00'],
      ['inpatient-out-of-catalog', '1200.00'],
    ]);
    expect(a.largestClaim).toEqual({ claimId: 'c2', paid: '18400.00' });
  });

  test("next year's draft: the same claims, by hand", () => {
    // c1: (1) 7,000 to the 8,000 deductible (1,000 left); (3) as before: 0.00
    // c2: (1) 35,000 − 8,000 = 27,000 × 80 % = 21,600.00
    // c3: (1) 9,000 − 1,000 = 8,000 × 80 % = 6,400.00; (3) 1,200.00: 7,600.00
    // c5: (1) 10,000 − 8,000 = 2,000 × 80 % = 1,600.00
    // Paid 21,600 + 7,600 + 1,600 = 30,800.00; premium 100 × 75 = 7,500.00; 30,800 ÷ 7,500 = 4.10666… → 4.1066
    expect(b).toMatchObject({ planId: 'wenshan-2024', paidClaims: 3, premium: '7500.00', paid: '30800.00', payoutRatio: '4.1066' });
    expect(b.byBenefit.find((x: { benefitId: string }) => x.benefitId === 'inpatient-in-catalog').paid).toBe('29600.00'); // 21,600 + 6,400 + 1,600
  });

  test('the difference in total, by group and claim by claim', () => {
    const d = report.difference;
    expect(d.paid).toEqual({ plan: '22800.00', against: '30800.00', difference: '8000.00' });
    expect(d.premium).toEqual({ plan: '6900.00', against: '7500.00', difference: '600.00' });
    // 4.1066 − 3.3043 = 0.8023
    expect(d.payoutRatio).toEqual({ plan: '3.3043', against: '4.1066', difference: '0.8023' });
    expect(d.claims).toEqual({ compared: 5, changed: 3, up: 3, down: 0 });
    // c2 +3,200 (21,600 − 18,400), c3 +3,200 (7,600 − 4,400; the tie keeps acceptance order), c5 +1,600.
    expect(d.largest).toEqual([
      { claimId: 'c2', memberId: 'm2', paid: '18400.00', against: '21600.00', difference: '3200.00' },
      { claimId: 'c3', memberId: 'm1', paid: '4400.00', against: '7600.00', difference: '3200.00' },
      { claimId: 'c5', memberId: 'm3', paid: '0.00', against: '1600.00', difference: '1600.00' },
    ]);
    // Ages 45 → 41-60 (m1), 70 → 61-70 (m2), 30 → 18-40 (m3).
    const bands = Object.fromEntries(d.byAgeBand.map((x: { group: string; difference: string }) => [x.group, x.difference]));
    expect(bands).toMatchObject({ '18-40': '1600.00', '41-60': '3200.00', '61-70': '3200.00', '0-17': '0.00' });
    // healthy: m1 4,400 → 7,600 and m3 0 → 1,600; pre-existing: m2 18,400 → 21,600.
    expect(d.byPopulation).toEqual([
      { group: 'healthy', plan: '4400.00', against: '9200.00', difference: '4800.00' },
      { group: 'pre-existing', plan: '18400.00', against: '21600.00', difference: '3200.00' },
      { group: 'relief', plan: '0.00', against: '0.00', difference: '0.00' },
    ]);
  });

  test('per-member percentiles: 100 members, of whom 2 (this year) were paid', () => {
    // Sorted: 98 zeros, 4,400 (m1), 18,400 (m2). p99: rank ⌈0.99 × 100⌉ = 99 → 4,400; p99.9: rank 100 → 18,400.
    // Paid members only: p50 rank ⌈0.5 × 2⌉ = 1 → 4,400; p75 rank ⌈1.5⌉ = 2 → 18,400.
    const rows = Object.fromEntries(
      a.perMember.percentiles.map((r: { percentile: string; allMembers: string; paidMembers: string }) => [r.percentile, [r.allMembers, r.paidMembers]]),
    );
    expect(rows).toEqual({
      50: ['0.00', '4400.00'],
      75: ['0.00', '18400.00'],
      90: ['0.00', '18400.00'],
      95: ['0.00', '18400.00'],
      99: ['4400.00', '18400.00'],
      '99.9': ['18400.00', '18400.00'],
    });
    expect(a.perMember).toMatchObject({ members: 100, paidMembers: 2, max: '18400.00' });
  });

  test('the same year as CSV gives the same report', () => {
    const fromCsv = hmb(args(csv, '--format', 'json'));
    expect(fromCsv.stderr).toMatch(/^simulated 5 claims/);
    const other = JSON.parse(fromCsv.stdout);
    expect({ ...other, source: undefined }).toEqual({ ...report, source: undefined });
  });

  test('the HTML report of a claims file charts what was paid (its premiums by group are not known)', () => {
    const html = hmb(args(jsonl, '--format', 'html'));
    expect(html.code).toBe(0);
    for (const chart of [
      'paid-by-age-band',
      'paid-by-population',
      'paid-by-benefit',
      'member-percentiles',
      'difference-by-age-band',
      'difference-by-benefit',
    ]) {
      expect(html.stdout).toContain(`data-chart="${chart}"`);
    }
    expect(html.stdout).not.toContain('data-chart="ratio-by-age-band"');
    expect(html.stdout).toContain('payout ratio: <strong>3.3043</strong>');
  });

  test('--top: the claims that changed most, as many as asked; --top 0 lists none and counts them all the same', () => {
    const top = (n: string) => {
      const run = hmb(args(jsonl, '--format', 'json', '--top', n));
      expect(run.stderr).toMatch(/^simulated 5 claims/);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout).difference;
    };
    const none = top('0');
    expect(none.largest).toEqual([]);
    expect(none.claims).toEqual({ compared: 5, changed: 3, up: 3, down: 0 });
    expect(none.paid).toEqual(report.difference.paid);
    // The largest change, +3,200 (c2 before c3, accepted first).
    expect(top('1').largest.map((c: { claimId: string }) => c.claimId)).toEqual(['c2']);
    const file = join(tmp, 'top-0.csv');
    const table = hmb(args(jsonl, '--top', '0', '--claim-differences', file));
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('claims compared 5: 3 changed (3 paid more, 0 paid less)');
    expect(table.stdout).not.toContain('claims that changed most');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4); // the header and c2, c3, c5
  });

  test('the table prints a payout ratio line for each plan, and --claim-differences writes every changed claim', () => {
    const file = join(tmp, 'differences.csv');
    const table = hmb(args(jsonl, '--claim-differences', file));
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('\npayout ratio: 3.3043\n');
    expect(table.stdout).toContain('\npayout ratio: 4.1066\n');
    expect(readFileSync(file, 'utf8')).toBe(
      'claimId,memberId,paid,against,difference\nc2,m2,18400.00,21600.00,3200.00\nc3,m1,4400.00,7600.00,3200.00\nc5,m3,0.00,1600.00,1600.00\n',
    );
  });
});
