// `hmb simulate` as a user runs it: plan references, the parameters file, the
// options, reproducible generated years, repeated years' interval, and bad claims
// files, each refused with a line naming the field and the rule.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { residentIdCheckChar } from '../../functions/core/identity/resident-id.ts';
import { simulateCommand, type SimulateOptions } from '../../bin/commands/simulate.ts';

const root = resolve(import.meta.dirname, '../..');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HMB_PLANS_DIR'));
const hmb = (args: string[]) => {
  const run = spawnSync(process.execPath, ['bin/hmb.ts', 'simulate', ...args], { cwd: root, encoding: 'utf8', env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'hmb-simulate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const shown = (file: string) => relative(root, file);

describe('plan references', () => {
  test('an unknown id names the known plans', () => {
    const run = hmb(['--plan', 'nope', '--generate', '10']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^hmb: unknown plan "nope"; known plans: .*wenshan-2023/);
  });

  test('<id>@<version> names a number (versions are read from the plan store: test/integration/cli-plan-store.test.ts)', () => {
    const run = hmb(['--plan', 'wenshan-2023@latest', '--generate', '10']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('hmb: plan "wenshan-2023@latest": a published version is named <planId>@<number>, e.g. wenshan-2023@2\n');
  });

  test('<id>@<version> with no plan store to read it from says what it takes, not the AWS SDK\'s "Region is missing"', () => {
    // No region, no AWS configuration files, no endpoint: the SDK cannot reach AWS.
    const noAws = Object.fromEntries(Object.entries(env).filter(([k]) => !/^AWS_/.test(k) && k !== 'HMB_DYNAMODB_ENDPOINT' && k !== 'TABLE_NAME'));
    const none = join(tmp, 'no-such-aws-file');
    const run = spawnSync(process.execPath, ['bin/hmb.ts', 'simulate', '--plan', 'wuwei-2025@1', '--generate', '10'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...noAws, AWS_CONFIG_FILE: none, AWS_SHARED_CREDENTIALS_FILE: none },
    });
    expect(run.status).toBe(1); // as every other refusal of the command
    expect(run.stdout).toBe('');
    const needs =
      "reading a published version needs the plan store: --endpoint <url> for a local stack's DynamoDB Local, or --table <name> on AWS (default: $TABLE_NAME, else huiminbao) with AWS credentials and a region (AWS_REGION)";
    expect(run.stderr).toBe(`hmb: plan "wuwei-2025@1": ${needs}; table huiminbao (AWS): Region is missing\n`);
    // An endpoint where nothing listens: the same, naming it.
    const closed = hmb(['--plan', 'wuwei-2025@1', '--generate', '10', '--endpoint', 'http://127.0.0.1:1', '--table', 'hmb-test']);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(
      /^hmb: plan "wuwei-2025@1": reading a published version needs the plan store: .*; table hmb-test at http:\/\/127\.0\.0\.1:1: /,
    );
  });

  test('a broken plan file: its problems as file: path: reason', () => {
    const doc = parse(readFileSync(join(root, 'plans/jiangxi-2023.yaml'), 'utf8'));
    doc.benefits[0].deductible.amount = '-5';
    const file = join(tmp, 'jiangxi-2023.yaml');
    writeFileSync(file, stringify(doc));
    const run = hmb(['--plan', file, '--generate', '10']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`hmb: ${shown(file)}: benefits[inpatient-in-catalog].deductible.amount: must be ≥ 0\n`);
  });
});

describe('the parameters file', () => {
  const base = parse(readFileSync(join(root, 'simulation/default.yaml'), 'utf8'));

  test('every problem as file: path: reason, nothing simulated', () => {
    const doc = structuredClone(base);
    doc.population.ageBands[1].from = 19; // a gap after 0–17
    doc.population.ageBands[0].share = 0.3; // shares now sum to 1.1
    doc.inpatient.cost.tail.alpha = 0.8;
    doc.hospitals.colour = 'blue';
    const file = join(tmp, 'broken.yaml');
    writeFileSync(file, stringify(doc));
    const run = hmb(['--plan', 'wenshan-2023', '--generate', '10', '--parameters', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const f = shown(file);
    expect(
      run.stderr
        .trim()
        .replace(/^hmb: /, '')
        .split('\n')
        .sort(),
    ).toEqual([
      `${f}: hospitals.colour: unknown field`,
      `${f}: inpatient.cost.tail.alpha: must be > 1 (a finite mean)`,
      `${f}: population.ageBands: shares must sum to 1 (they sum to 1.1)`,
      `${f}: population.ageBands[1].from: must follow the previous band (18)`,
    ]);
  });

  test('a tier the plan does not have', () => {
    const file = join(tmp, 'tiers.yaml');
    writeFileSync(file, stringify({ ...base, tiers: { premium: 1 } }));
    const run = hmb(['--plan', 'wuwei-2025', '--generate', '10', '--parameters', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('hmb: parameters: tiers: plan wuwei-2025 has no tier "premium" (tiers: basic, upgraded)\n');
  });

  test('the tiers a city sets are priced at their premiums: Wuwei 69 and 99', () => {
    const file = join(tmp, 'wuwei.yaml');
    writeFileSync(file, stringify({ ...base, tiers: { basic: 1, upgraded: 1 } }));
    const report = JSON.parse(hmb(['--plan', 'wuwei-2025', '--generate', '2000', '--parameters', file, '--format', 'json']).stdout);
    const members = report.plans[0].members;
    // 2,000 members between 69 and 99 yuan: neither all basic (138,000) nor all upgraded (198,000).
    const premium = Number(report.plans[0].premium);
    expect(members).toBe(2000);
    expect(premium).toBeGreaterThan(138_000);
    expect(premium).toBeLessThan(198_000);
    expect((premium - 138_000) % 30).toBe(0); // each upgraded member adds 30
    // Wuwei's cover runs from enrollment: the year starts on 1 January of its product year unless the parameters say.
    expect(report.source.cover).toEqual({ start: '2025-01-01', end: '2025-12-31' });
  });
});

describe('options', () => {
  // In process: each case is refused before anything runs.
  const defaults: SimulateOptions = { plan: 'wenshan-2023', seed: '1', years: '1', format: 'table', top: '20' };
  const io = { out: () => {}, err: () => {} };
  test.each([
    [{}, 'give either --generate <members> or --claims <file>'],
    [{ generate: '10', claims: 'x.csv' }, 'give either --generate <members> or --claims <file>'],
    [{ generate: '0' }, '--generate: must be a whole number from 1 to 100,000,000 (got "0")'],
    [{ generate: '10', seed: '-1' }, '--seed: must be a whole number from 0 to 4,294,967,295 (got "-1")'],
    [{ generate: '10', years: '0' }, '--years: must be a whole number from 1 to 1,000 (got "0")'],
    [{ generate: '10', format: 'pdf' }, '--format: must be one of table, json, html (got "pdf")'],
    [{ generate: '10', claimDifferences: 'x.csv' }, '--claim-differences: needs --against'],
    [{ generate: '10', against: 'wenshan-2023' }, '--against: names the same plan as --plan'],
    [
      { claims: 'examples/none.jsonl' },
      '--insured: is required with --claims (a claims file lists claimants only; the premium needs everyone insured), e.g. --insured 250000',
    ],
    [{ claims: 'x.csv', insured: '10', years: '3' }, '--years: repeats generated years; it has no meaning with --claims'],
    [{ claims: 'x.csv', insured: 'gold=10' }, '--insured: plan wenshan-2023 has no tier "gold"'],
    [{ claims: 'x.csv', insured: 'standard:10' }, '--insured: must be "<n>" or "<tier>=<n>,…" (got "standard:10")'],
    [{ claims: 'x.json', insured: '10' }, 'x.json: a claims file is .csv or .jsonl (JSON lines), not ".json"'],
  ] as [Partial<SimulateOptions>, string][])('%j', async (options, message) => {
    await expect(simulateCommand({ ...defaults, ...options }, io)).rejects.toThrow(message);
  });
});

describe('generated years', () => {
  const json = (...more: string[]) => hmb(['--plan', 'jiangxi-2023', '--generate', '3000', '--format', 'json', ...more]);

  test('the same seed gives the same report; another seed another', () => {
    const first = json('--seed', '5');
    expect(first.code).toBe(0);
    expect(json('--seed', '5').stdout).toBe(first.stdout);
    expect(json('--seed', '6').stdout).not.toBe(first.stdout);
    const report = JSON.parse(first.stdout);
    expect(report.source).toMatchObject({ kind: 'generated', seed: 5, years: 1, membersPerYear: 3000, parameters: 'simulation/default.yaml' });
    expect(report.plans[0].members).toBe(3000);
    // The premium is every member's 120 yuan: 3,000 × 120.
    expect(report.plans[0].premium).toBe('360000.00');
  });

  test('--years: a yearly payout ratio each, year 1 as in a one-year run, and the 90 % interval around their mean', () => {
    const run = json('--seed', '5', '--years', '6');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const years = report.plans[0].years;
    expect(years.map((y: { year: number; members: number }) => [y.year, y.members])).toEqual([1, 2, 3, 4, 5, 6].map((y) => [y, 3000]));
    expect(years[0]).toEqual(JSON.parse(json('--seed', '5').stdout).plans[0].years[0]);
    const ratios = years.map((y: { payoutRatio: string }) => Number(y.payoutRatio));
    expect(new Set(ratios).size).toBeGreaterThan(1);
    const [u] = report.uncertainty;
    expect(u).toMatchObject({ plan: 'jiangxi-2023', years: 6 });
    // The interval lies within the yearly ratios and around their mean (ratios rounded down to 4 decimals: ± 0.0001).
    expect(Number(u.low)).toBeGreaterThanOrEqual(Math.min(...ratios));
    expect(Number(u.high)).toBeLessThanOrEqual(Math.max(...ratios) + 0.0001);
    expect(Number(u.low)).toBeLessThanOrEqual(Number(u.mean));
    expect(Number(u.mean)).toBeLessThanOrEqual(Number(u.high));
    expect(Math.abs(Number(u.mean) - ratios.reduce((a: number, b: number) => a + b, 0) / 6)).toBeLessThan(0.0002);
    // Pooled over the years: 18,000 members.
    expect(report.plans[0].members).toBe(18_000);
  });

  test('the table: the headline lines', () => {
    const run = hmb(['--plan', 'wenshan-2023', '--generate', '2000', '--years', '3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\npayout ratio: \d+\.\d{4}\n/);
    expect(run.stdout).toMatch(/\npayout ratio of wenshan-2023, 90 % interval over 3 years: \d+\.\d{4} – \d+\.\d{4} \(mean \d+\.\d{4}\)\n/);
    expect(run.stdout).toContain('by age band');
    expect(run.stdout).toContain('by population');
    expect(run.stdout).toContain('per-member payout');
    expect(run.stderr).toMatch(/^simulated [\d,]+ claims under 1 plan in [\d.]+ s: [\d,]+ claims\/s, peak RSS \d+ MB\n$/);
  });
});

describe('bad claims files stop the run naming line, field and rule', () => {
  const member = { memberId: 'm1' };
  const claim = {
    claimId: 'c1',
    member,
    visit: {
      type: 'inpatient',
      admissionDate: '2023-10-01',
      dischargeDate: '2023-10-02',
      hospital: { code: 'H', level: 3, public: true, regionCode: '532601' },
    },
    diagnoses: [{ icd10: 'K35.8' }],
    settlement: {
      total: '100.00',
      basicFundPaid: '0',
      criticalIllnessPaid: '0',
      medicalAssistancePaid: '0',
      inCatalogSelfPay: '100',
      classBCopay: '0',
      outOfCatalogSelfPay: '0',
      overLimitSelfPay: '0',
    },
  };
  const write = (name: string, lines: unknown[]) => {
    const file = join(tmp, name);
    writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
    return file;
  };
  const simulate = (file: string) => hmb(['--plan', 'wenshan-2023', '--claims', file, '--insured', '10']);

  test('JSON lines: a settlement whose parts do not add up, on line 2', () => {
    const file = write('sum.jsonl', [claim, { ...claim, claimId: 'c2', settlement: { ...claim.settlement, total: '90.00' } }]);
    const run = simulate(file);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`hmb: ${file}: line 2: settlement.total: must equal the sum of the fund payments and self-pay parts (100.00)\n`);
  });

  test('JSON lines: a line that is not JSON; a missing member', () => {
    expect(simulate(write('text.jsonl', [claim, 'not json'])).stderr).toBe(`hmb: ${join(tmp, 'text.jsonl')}: line 2: must be one JSON object on one line\n`);
    const { member: _, ...noMember } = claim;
    expect(simulate(write('member.jsonl', [noMember])).stderr).toBe(`hmb: ${join(tmp, 'member.jsonl')}: line 1: member: is required\n`);
  });

  test('a member id that is a resident ID number with a wrong check character: refused, shown masked', () => {
    const first17 = '53260119800101123';
    const wrong = first17 + (residentIdCheckChar(first17) === '1' ? '2' : '1');
    const run = simulate(write('id.jsonl', [{ ...claim, member: { memberId: wrong } }]));
    expect(run.stderr).toBe(
      `hmb: ${join(tmp, 'id.jsonl')}: line 1: member.memberId: 532601********${wrong.slice(-4)} check character does not match (GB 11643)\n`,
    );
    expect(run.stderr).not.toContain(wrong);
  });

  test('a member whose context changes between claims', () => {
    const run = simulate(write('context.jsonl', [claim, { ...claim, claimId: 'c2', member: { memberId: 'm1', reliefGroups: ['dibao'] } }]));
    expect(run.stderr).toBe(
      `hmb: ${join(tmp, 'context.jsonl')}: line 2: member: differs from the same member's first claim (line 1); a member's context is the same on each of their claims\n`,
    );
  });

  test('CSV: a bad cell and a bad value named by their columns; the header checked first', () => {
    const header =
      'claimId,memberId,visitType,admissionDate,dischargeDate,hospitalCode,hospitalLevel,hospitalPublic,hospitalRegion,diagnoses,total,basicFundPaid,criticalIllnessPaid,medicalAssistancePaid,inCatalogSelfPay,classBCopay,outOfCatalogSelfPay,overLimitSelfPay';
    const row = 'c1,m1,inpatient,2023-10-01,2023-10-02,H,3,true,532601,K35.8,100.00,0,0,0,100,0,0,0';
    const level = join(tmp, 'level.csv');
    writeFileSync(level, `${header}\n${row}\n${row.replace(',3,true,', ',three,true,').replace('c1', 'c2')}\n`);
    expect(simulate(level).stderr).toBe(`hmb: ${level}: line 3: hospitalLevel: must be a whole number\n`);
    const date = join(tmp, 'date.csv');
    writeFileSync(date, `${header}\n${row.replace('2023-10-01', '2023-09-31')}\n`);
    expect(simulate(date).stderr).toBe(`hmb: ${date}: line 2: admissionDate: must be a date YYYY-MM-DD\n`);
    const columns = join(tmp, 'columns.csv');
    writeFileSync(columns, `${header.replace('total', 'totl')}\n${row}\n`);
    expect(simulate(columns).stderr).toBe(`hmb: ${columns}: line 1 (header): unknown column "totl"; missing required column "total"\n`);
  });
});
