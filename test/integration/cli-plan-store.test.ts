// `hmb plan publish`, `hmb plan diff` and `hmb partner` as an engineer runs them
// against a platform's table (here DynamoDB Local): a child process on Node 22,
// checked by exit code and output.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { shanghaiDay } from '../../functions/core/dates/dates.ts';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { ensureTable } from '../../functions/core/store/provision.ts';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { localClient } from '../../local/dynamodb.ts';
import { loadPlans } from '../../functions/core/plan/loader.ts';

const root = resolve(import.meta.dirname, '../..');
const client = localClient(inject('dynamoEndpoint'));
let table: string;
let dir: string;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['HMB_PLANS_DIR', 'TABLE_NAME', 'HMB_DYNAMODB_ENDPOINT'].includes(k)));

function hmb(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/hmb.ts', ...args, '--table', table, '--endpoint', inject('dynamoEndpoint')], {
    cwd: root,
    encoding: 'utf8',
    env,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  table = `cli-${randomUUID()}`;
  await ensureTable(client, table);
  dir = join(mkdtempSync(join(tmpdir(), 'hmb-cli-')), 'plans');
  cpSync(resolve(root, 'plans'), dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hmb plan publish', () => {
  test('publishes every valid plan as version 1, then nothing new; a dry run stores nothing', () => {
    const plans = [...loadPlans(dir).plans.keys()];
    const dry = hmb('plan', 'publish', '--plans-dir', dir, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout.match(/^would publish /gm)).toHaveLength(plans.length);
    const first = hmb('plan', 'publish', '--plans-dir', dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const id of plans) expect(first.stdout).toMatch(new RegExp(`^published ${id} v1 \\([0-9a-f]{12}\\), in force from the start of the plan year$`, 'm'));
    const again = hmb('plan', 'publish', '--plans-dir', dir);
    expect(again.stdout.match(/^unchanged /gm)).toHaveLength(plans.length);
  });

  test('a changed list becomes version 2 from its effective day; diff shows the entries added, in the words of plan show', () => {
    // The city's updated list in a file of its own (another plan of the folder may share the old one).
    writeFileSync(join(dir, 'lists/wuwei-2025/heavy-ion-treatments-2.yaml'), 'entries:\n  - { code: HI-IRR, name: 重离子放射治疗 }\n');
    const planFile = join(dir, 'wuwei-2025.yaml');
    writeFileSync(
      planFile,
      readFileSync(planFile, 'utf8').replace('file: lists/wuwei-2025/heavy-ion-treatments.yaml', 'file: lists/wuwei-2025/heavy-ion-treatments-2.yaml'),
    );
    // A new version takes effect on a day after it is published (two days on: a run across midnight stays after).
    const day = shanghaiDay(new Date(Date.now() + 2 * 86_400_000));
    writeFileSync(planFile, readFileSync(planFile, 'utf8').replace(/^productYear: (\d+)$/m, `productYear: $1\neffectiveFrom: ${day}`));
    const pending = hmb('plan', 'diff', 'wuwei-2025', '--plans-dir', dir);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain('wuwei-2025: v1 (');
    expect(pending.stdout).toContain('→ file (unpublished)');
    expect(pending.stdout).toMatch(/\[名单 list heavy-ion-treatments\]\n {2}\+ HI-IRR 重离子放射治疗/);
    const published = hmb('plan', 'publish', '--plans-dir', dir);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(new RegExp(`^published wuwei-2025 v2 \\([0-9a-f]{12}\\), in force from ${day}$`, 'm'));
    const diff = hmb('plan', 'diff', 'wuwei-2025', '1', '2', '--plans-dir', dir);
    expect(diff.stdout).toMatch(new RegExp(`wuwei-2025: v1 \\([0-9a-f]{12}\\) in force from the start → v2 \\([0-9a-f]{12}\\) in force from ${day}`));
    expect(diff.stdout).toContain('+ HI-IRR 重离子放射治疗');
    expect(hmb('plan', 'diff', 'wuwei-2025', '7', '--plans-dir', dir)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('has no version 7 (versions: 1, 2)'),
    });
    // A what-if between the two published versions, read from the store.
    const whatIf = hmb('simulate', '--plan', 'wuwei-2025@1', '--against', 'wuwei-2025@2', '--generate', '200', '--seed', '3');
    expect(whatIf.stderr).not.toContain('hmb:');
    expect(whatIf.code).toBe(0);
    expect(whatIf.stdout).toContain('wuwei-2025@2');
    expect(whatIf.stdout).toMatch(/payout ratio: /);
    expect(hmb('simulate', '--plan', 'wuwei-2025@3', '--generate', '10')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('wuwei-2025 has versions 1, 2'),
    });
  });

  test('diff of a plan never published (here a .yml file): all of it is new, as publishing would make it v1', () => {
    const file = join(dir, 'diff-new-2026.yml');
    writeFileSync(file, readFileSync(join(dir, 'wenshan-2023.yaml'), 'utf8').replace(/^id: wenshan-2023$/m, 'id: diff-new-2026'));
    try {
      const run = hmb('plan', 'diff', 'diff-new-2026', '--plans-dir', dir);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^diff-new-2026: no published version → file \(unpublished\): publishing creates v1, all of it new\n\[【保障方案】\]\n {2}\+ 保障方案: /,
      );
      expect(run.stdout).not.toContain('无变化');
      expect(run.stdout).not.toMatch(/^ {2}[-~] /m);
      expect(hmb('plan', 'publish', '--plans-dir', dir, '--dry-run').stdout).toMatch(/^would publish diff-new-2026 v1 /m);
    } finally {
      rmSync(file);
    }
  });

  test('a plan with problems is refused with them, exit 1; the others are still published', () => {
    const file = join(dir, 'wenshan-2023.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('schedule: { flat: "0.8" }', 'schedule: { flat: "1.8" }'));
    const run = hmb('plan', 'publish', '--plans-dir', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused:\n {2}.*wenshan-2023\.yaml: benefits\[inpatient-in-catalog\]\.schedule\.flat: must be ≤ 1/);
    expect(run.stdout).toMatch(/^unchanged jiangxi-2023 v1/m);
  });
});

describe('hmb partner', () => {
  test("grant, revoke and show a partner's plans, as the handlers read them", async () => {
    expect(hmb('partner', 'grant', '444455556666', '--kind', 'insurer', '--plans', 'city-a-2027,city-b-2027', '--name', '某保险公司').stdout).toContain(
      '444455556666 as insurer: city-a-2027, city-b-2027',
    );
    expect(hmb('partner', 'revoke', '444455556666', '--kind', 'insurer', '--plans', 'city-a-2027').stdout).toContain('as insurer: city-b-2027');
    expect(hmb('partner', 'show', '444455556666').stdout).toBe('insurer  city-b-2027  (某保险公司)\n');
    expect(await new DynamoStore(client, table).getPartner('444455556666', 'insurer')).toMatchObject({ plans: ['city-b-2027'], name: '某保险公司' });
    expect(hmb('partner', 'grant', '4444', '--kind', 'insurer', '--plans', 'x')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('12-digit AWS account id'),
    });
    expect(hmb('partner', 'grant', '444455556666', '--kind', 'pharmacy', '--plans', 'x')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the kind is one of'),
    });
    // The console users of a user pool group are a partner too (infra/constructs/console.ts).
    expect(hmb('partner', 'grant', 'console:insurer-picc-wenshan', '--kind', 'insurer', '--plans', 'wenshan-2023').stdout).toContain(
      'console:insurer-picc-wenshan as insurer: wenshan-2023',
    );
    expect(await new DynamoStore(client, table).getPartner('console:insurer-picc-wenshan', 'insurer')).toMatchObject({ plans: ['wenshan-2023'] });
    expect(hmb('partner', 'grant', 'console:', '--kind', 'insurer', '--plans', 'x')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('console:<group>'),
    });
  });

  test('a hospital partner: its plans and the hospitals (fixmedins_code) it settles as', async () => {
    expect(hmb('partner', 'grant', '555566667777', '--kind', 'hospital', '--plans', 'city-a-2027', '--hospitals', 'H1,H2').stdout).toContain(
      '555566667777 as hospital: city-a-2027; settles as H1, H2',
    );
    expect(hmb('partner', 'revoke', '555566667777', '--kind', 'hospital', '--hospitals', 'H1').stdout).toContain('as hospital: city-a-2027; settles as H2');
    expect(await new DynamoStore(client, table).getPartner('555566667777', 'hospital')).toMatchObject({ plans: ['city-a-2027'], hospitals: ['H2'] });
    expect(hmb('partner', 'grant', '555566667777', '--kind', 'insurer', '--hospitals', 'H1')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--hospitals is for a partner of kind hospital'),
    });
    expect(hmb('partner', 'grant', '555566667777', '--kind', 'hospital', '--hospitals', 'H 1')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('1–64 letters and digits'),
    });
    expect(hmb('partner', 'grant', '555566667777', '--kind', 'hospital')).toMatchObject({ code: 1, stderr: expect.stringContaining('name at least one plan') });
  });
});

describe('hmb hospitals', () => {
  test("registers a plan's hospitals from the file the offline replay reads, as the settlement routes read them", async () => {
    const run = hmb('hospitals', 'register', 'wenshan-2023', 'examples/wenshan-hospitals.json');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('wenshan-2023: 2 hospital(s) registered: H53260100001, H53262200001') });
    expect(await new DynamoStore(client, table).getHospital('wenshan-2023', 'H53262200001')).toEqual({
      code: 'H53262200001',
      level: 2,
      public: true,
      regionCode: '532622',
      designations: [],
      ward: 'general',
    });
    expect(hmb('hospitals', 'show', 'wenshan-2023').stdout).toBe(
      'H53260100001  level 3  public  532601  special-drug  general\nH53262200001  level 2  public  532622  -  general\n',
    );
    // A file with problems is refused as file: path: reason, nothing registered.
    const bad = join(dir, 'hospitals.json');
    writeFileSync(bad, JSON.stringify([{ code: 'H 1', level: 4, public: true, regionCode: '532601' }]));
    const refused = hmb('hospitals', 'register', 'wenshan-2023', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${bad}: [0].code: must be a hospital code`);
    expect(refused.stderr).toContain(`${bad}: [0].level:`);
  });
});
