// `npm run demo`: a year of 江西卫惠保 (jiangxi-2023) through the HTTP API, for a
// newcomer. Opens the window, imports three people from the basic-insurance
// roster, enrolls them, sends each three or four hospital settlements across the
// cover year and prints every explanation of benefits, then their accumulators,
// the plan's loss ratio and the day's statement.
//
// The story is set in the plan's own year: cover that has ended takes no order,
// so by default the demo starts a stack in memory whose clock begins at
// DEMO_CLOCK, inside the 2023 window, and stops it at the end. With $HMB_URL it
// plays against that stack instead, which must run in the same year:
// `HMB_CLOCK=2023-05-20T09:00:00+08:00 npm start`.
import { randomInt, randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { renderAdjudication } from '../functions/core/engine/explain.ts';
import type { Adjudication } from '../functions/core/engine/adjudicate.ts';
import type { Accumulators } from '../functions/core/engine/accumulators.ts';
import { maskId, residentIdCheckChar } from '../functions/core/identity/resident-id.ts';
import { shanghaiDay } from '../functions/core/dates/dates.ts';
import type { LocalStack } from './main.ts';

const PLAN = 'jiangxi-2023';
/** Inside Jiangxi's 2023 window (14 March – 31 May); cover starts on 1 June. */
const DEMO_CLOCK = '2023-05-20T09:00:00+08:00';
const REGION = '360102'; // 南昌市东湖区

// ---------- the people and their year ----------

/** A resident ID (GB 11643): region, birth date, sequence (odd for men), check character. */
function residentId(birth: string, male: boolean): string {
  const sequence = randomInt(0, 500) * 2 + (male ? 1 : 0);
  const first17 = `${REGION}${birth.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

interface Parts {
  basicFundPaid: string;
  criticalIllnessPaid?: string;
  inCatalogSelfPay: string;
  classBCopay: string;
  outOfCatalogSelfPay: string;
  overLimitSelfPay?: string;
}

interface Visit {
  key: string;
  story: string;
  type?: 'inpatient' | 'outpatient';
  admitted: string;
  discharged?: string;
  hospital: { code: string; level: number; regionCode: string };
  referral?: boolean;
  icd10: string;
  parts: Parts;
  items?: { code: string; name: string; category: string; catalogClass: string; amount: string; selfPay: string }[];
}

interface Member {
  name: string;
  birth: string;
  male: boolean;
  scheme: 'employee' | 'resident';
  visits: Visit[];
}

const NANCHANG = { code: 'H360102001', level: 3, regionCode: '360102' }; // 南昌, the members' own area
const JIUJIANG = { code: 'H360402001', level: 3, regionCode: '360402' }; // 九江: in the province, another area
const GANZHOU = { code: 'H360702003', level: 2, regionCode: '360702' }; // 赣州
const SHANGHAI = { code: 'H310104001', level: 3, regionCode: '310104' }; // 上海: out of the province

const members: Member[] = [
  {
    name: '王秀兰',
    birth: '1956-03-12',
    male: false,
    scheme: 'resident',
    visits: [
      {
        key: 'mi',
        story: '急性心梗, 经转诊在九江住院18天 — heart attack, referred to Jiujiang: in-province, ratio × 0.9; meals excluded',
        admitted: '2023-09-10',
        discharged: '2023-09-28',
        hospital: JIUJIANG,
        referral: true,
        icd10: 'I21.0',
        parts: {
          basicFundPaid: '90000.00',
          criticalIllnessPaid: '30000.00',
          inCatalogSelfPay: '100000.00',
          classBCopay: '15000.00',
          outOfCatalogSelfPay: '24000.00',
          overLimitSelfPay: '1000.00',
        },
        items: [
          { code: 'XB01AC04', name: '氯吡格雷', category: 'drug', catalogClass: 'B', amount: '30000.00', selfPay: '12000.00' },
          { code: 'C-STENT-01', name: '冠脉支架', category: 'material', catalogClass: 'none', amount: '20000.00', selfPay: '20000.00' },
          { code: 'MEAL', name: '伙食费', category: 'meal', catalogClass: 'none', amount: '600.00', selfPay: '600.00' },
        ],
      },
      {
        key: 'check',
        story: '冠心病复查, 南昌本地住院 — follow-up at home: the year is past 10万 in the catalogue, so 50%',
        admitted: '2023-12-05',
        discharged: '2023-12-12',
        hospital: NANCHANG,
        icd10: 'I25.1',
        parts: { basicFundPaid: '18000.00', inCatalogSelfPay: '12000.00', classBCopay: '3000.00', outOfCatalogSelfPay: '8000.00' },
      },
      {
        key: 'hf',
        story: '心力衰竭, 南昌住院 — heart failure: both deductibles used up, each benefit continues up its bands',
        admitted: '2024-03-02',
        discharged: '2024-03-20',
        hospital: NANCHANG,
        icd10: 'I50.0',
        parts: { basicFundPaid: '85000.00', inCatalogSelfPay: '60000.00', classBCopay: '10000.00', outOfCatalogSelfPay: '30000.00' },
      },
    ],
  },
  {
    name: '刘建军',
    birth: '1979-08-21',
    male: true,
    scheme: 'employee',
    visits: [
      {
        key: 'early',
        story: '阑尾炎, 5月28日入院 — admitted before cover starts (2023-06-01): nothing is paid',
        admitted: '2023-05-28',
        discharged: '2023-06-03',
        hospital: NANCHANG,
        icd10: 'K35.8',
        parts: { basicFundPaid: '9000.00', inCatalogSelfPay: '3000.00', classBCopay: '600.00', outOfCatalogSelfPay: '900.00' },
      },
      {
        key: 'gallstones',
        story: '胆结石手术 — gallstones: below the deductibles, nothing payable yet, but they start to fill',
        admitted: '2023-08-14',
        discharged: '2023-08-20',
        hospital: NANCHANG,
        icd10: 'K80.2',
        parts: { basicFundPaid: '14000.00', inCatalogSelfPay: '4200.00', classBCopay: '800.00', outOfCatalogSelfPay: '1500.00' },
      },
      {
        key: 'lung',
        story: '肺癌手术, 经转诊在上海 — lung cancer surgery, referred to Shanghai (out of province: ratio × 0.7)',
        admitted: '2023-11-02',
        discharged: '2023-11-30',
        hospital: SHANGHAI,
        referral: true,
        icd10: 'C34.1',
        parts: {
          basicFundPaid: '60000.00',
          criticalIllnessPaid: '20000.00',
          inCatalogSelfPay: '50000.00',
          classBCopay: '12000.00',
          outOfCatalogSelfPay: '45000.00',
        },
      },
      {
        key: 'chemo',
        story: '化疗与靶向药, 南昌 — chemotherapy and a targeted drug out of the catalogue, back home',
        admitted: '2024-02-05',
        discharged: '2024-02-16',
        hospital: NANCHANG,
        icd10: 'C34.1',
        parts: { basicFundPaid: '40000.00', inCatalogSelfPay: '30000.00', classBCopay: '8000.00', outOfCatalogSelfPay: '60000.00' },
        items: [{ code: 'XL01EB04', name: '奥希替尼', category: 'drug', catalogClass: 'none', amount: '52000.00', selfPay: '52000.00' }],
      },
    ],
  },
  {
    name: '张丽',
    birth: '1992-11-05',
    male: false,
    scheme: 'employee',
    visits: [
      {
        key: 'ganzhou',
        story: '肺炎, 在赣州住院未办转诊 — pneumonia in Ganzhou without referral (ratio × 0.5)',
        admitted: '2023-07-08',
        discharged: '2023-07-30',
        hospital: GANZHOU,
        icd10: 'J18.9',
        parts: { basicFundPaid: '30000.00', inCatalogSelfPay: '28000.00', classBCopay: '6000.00', outOfCatalogSelfPay: '32000.00' },
      },
      {
        key: 'outpatient',
        story: '门诊 — an outpatient visit: the plan covers inpatient stays only',
        type: 'outpatient',
        admitted: '2024-01-12',
        hospital: NANCHANG,
        icd10: 'J06.9',
        parts: { basicFundPaid: '300.00', inCatalogSelfPay: '200.00', classBCopay: '50.00', outOfCatalogSelfPay: '150.00' },
      },
      {
        key: 'late',
        story: '骨折, 5月20日入院6月10日出院 — admitted within cover, discharged after it ends: within the 30-day grace',
        admitted: '2024-05-20',
        discharged: '2024-06-10',
        hospital: NANCHANG,
        icd10: 'S72.0',
        parts: { basicFundPaid: '45000.00', inCatalogSelfPay: '25000.00', classBCopay: '5000.00', outOfCatalogSelfPay: '28000.00' },
      },
    ],
  },
];

// ---------- HTTP ----------

class DemoError extends Error {}

interface Answer<T> {
  status: number;
  replayed: boolean;
  body: T;
}

let base = '';

async function api<T>(method: string, path: string, body: unknown, expected: number[]): Promise<Answer<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  if (!expected.includes(res.status)) {
    throw new DemoError(
      `${method} ${path} answered ${res.status} (expected ${expected.join(' or ')}):\n${typeof parsed === 'string' ? parsed : JSON.stringify(parsed, null, 2)}`,
    );
  }
  return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', body: parsed as T };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/plans`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

// ---------- printing ----------

const out = (line = '') => console.log(line);
const indent = (text: string, by = '    ') =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => by + l)
    .join('\n');
const yuan = (s: string) => new Decimal(s).toFixed(2);
const entries = (r: Record<string, string>) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '—';

function printAccumulators(a: Accumulators, claimIds: string[]): void {
  out(`    年度累计 accumulators after ${claimIds.length} claims (${a.claimsApplied} applied)`);
  out(`      免赔额已用 deductibles used       ${entries(a.deductibles)}`);
  out(`      分段位置 band positions           ${entries(a.bandPositions)}`);
  out(`      各责任已赔 paid by benefit        ${entries(a.benefitPaid)}`);
  out(`      年度已赔 paid this year           ${a.yearPaid}`);
}

function settlementOf(member: Member, memberId: string, visit: Visit, run: string) {
  const p = { criticalIllnessPaid: '0.00', overLimitSelfPay: '0.00', ...visit.parts };
  const total = [p.basicFundPaid, p.criticalIllnessPaid, p.inCatalogSelfPay, p.classBCopay, p.outOfCatalogSelfPay, p.overLimitSelfPay].reduce(
    (sum, x) => sum.plus(x),
    new Decimal(0),
  );
  const type = visit.type ?? 'inpatient';
  return {
    memberId,
    claimId: `demo-${run}-${member.birth.slice(0, 4)}-${visit.key}`,
    planId: PLAN,
    visit: {
      type,
      admissionDate: visit.admitted,
      ...(visit.discharged ? { dischargeDate: visit.discharged } : {}),
      hospital: { ...visit.hospital, public: true },
      referral: visit.referral ?? false,
    },
    diagnoses: [{ icd10: visit.icd10 }],
    settlement: {
      total: total.toFixed(2),
      basicFundPaid: p.basicFundPaid,
      criticalIllnessPaid: p.criticalIllnessPaid,
      medicalAssistancePaid: '0.00',
      inCatalogSelfPay: p.inCatalogSelfPay,
      classBCopay: p.classBCopay,
      outOfCatalogSelfPay: p.outOfCatalogSelfPay,
      overLimitSelfPay: p.overLimitSelfPay,
    },
    items: visit.items ?? [],
  };
}

// ---------- the story ----------

async function demo(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const people = members.map((m) => ({ ...m, personId: residentId(m.birth, m.male) }));

  out(`江西卫惠保 第三轮 (${PLAN}): cover 2023-06-01 – 2024-05-31, tier standard (120 元), two benefits:`);
  out('  医保目录内 in-catalogue self-pay (deductible 15000/year) and 目录外 out-of-catalogue (25000/year),');
  out("  each paying 30% / 50% / 70% / 80% in bands of the year's amount after the deductible (0–10万, 10–20万, 20–30万, 30万+).");
  out();

  out(`1. The administrator opens the enrollment window: POST /plans/${PLAN}/window/open`);
  const window = await api<{ state: string; events: { at: string }[] }>(
    'POST',
    `/plans/${PLAN}/window/open`,
    { actor: 'demo', reason: 'demo enrollment' },
    [200, 422],
  );
  if (window.status === 422) {
    throw new DemoError(
      `the stack refuses to open ${PLAN}: ${JSON.stringify(window.body)}\n` +
        `Its 2023 cover has ended in the stack's time. Run the demo on its own (npm run demo, without HMB_URL), or start the stack in the plan's year: HMB_CLOCK=${DEMO_CLOCK} npm start`,
    );
  }
  // The platform's day (its clock may be set in the plan's year), for the statement below.
  const today = shanghaiDay(window.body.events.at(-1)?.at ?? new Date());
  out(`   → ${window.status}, window ${window.body.state}`);
  out();

  out(`2. The city shares its basic-insurance roster: POST /plans/${PLAN}/roster`);
  const roster = await api<{ accepted: number; rejected: unknown[] }>(
    'POST',
    `/plans/${PLAN}/roster`,
    {
      people: people.map((p) => ({ personId: p.personId, name: p.name, scheme: p.scheme, status: 'active', regionCode: REGION, reliefGroups: [] })),
    },
    [200],
  );
  out(`   → ${roster.status}, accepted ${roster.body.accepted}, rejected ${roster.body.rejected.length}`);
  for (const p of people)
    out(`     ${p.name}  ${maskId(p.personId)}  ${p.scheme === 'employee' ? '职工医保 employee' : '居民医保 resident'}  region ${REGION}`);
  out();

  out(`3. Each orders through WeChat (POST /plans/${PLAN}/policies, idempotent by requestId) and WeChat Pay confirms the payment`);
  out(`   (POST /plans/${PLAN}/policies/{personId}/payments): pending → paid`);
  for (const p of people) {
    const policy = await api<{ coverStart: string; coverEnd: string; tier: string; premium: string; lifecycle: string; status: string }>(
      'POST',
      `/plans/${PLAN}/policies`,
      { requestId: randomUUID(), personId: p.personId, tier: 'standard', channel: 'wechat' },
      [200, 201],
    );
    const paid = await api<{ policy: { status: string; lifecycle: string } }>(
      'POST',
      `/plans/${PLAN}/policies/${p.personId}/payments`,
      { paymentId: `demo-${run}-${p.personId.slice(-6)}`, channel: 'wechat', amount: policy.body.premium },
      [200],
    );
    out(
      `   → ${policy.status} ${policy.body.lifecycle} → ${paid.body.policy.status}  ${p.name} ${maskId(p.personId)}: ${policy.body.tier} ${policy.body.premium} 元, cover ${policy.body.coverStart} – ${policy.body.coverEnd}`,
    );
  }
  out();

  out(`4. Hospitals send one-stop settlements: POST /plans/${PLAN}/claims → the explanation of benefits`);
  let firstClaim: ReturnType<typeof settlementOf> | undefined;
  let firstTotal = '';
  for (const p of people) {
    out();
    out(`━━ ${p.name} ${maskId(p.personId)} ━━`);
    for (const visit of p.visits) {
      const claim = settlementOf(p, p.personId, visit, run);
      const answer = await api<{ adjudication: Adjudication }>('POST', `/plans/${PLAN}/claims`, claim, [200, 201]);
      const a = answer.body.adjudication;
      out();
      out(`  ${visit.admitted}${visit.discharged ? ` – ${visit.discharged}` : ''}  ${visit.story}`);
      out(
        `  费用 ${yuan(claim.settlement.total)}, 基本医保等已付 public schemes paid ${new Decimal(claim.settlement.basicFundPaid).plus(claim.settlement.criticalIllnessPaid).toFixed(2)}  → ${answer.status}, 惠民保赔付 pays ${a.total}`,
      );
      out(indent(renderAdjudication(a)));
      if (!firstClaim) {
        firstClaim = claim;
        firstTotal = a.total;
      }
    }
    const acc = await api<{ accumulators: Accumulators; claimIds: string[] }>('GET', `/plans/${PLAN}/members/${p.personId}/accumulators`, undefined, [200]);
    out();
    printAccumulators(acc.body.accumulators, acc.body.claimIds);
  }
  out();

  out('5. A settlement sent twice (a retry, a duplicate upload) is answered, not paid again:');
  const again = await api<{ adjudication: Adjudication }>('POST', `/plans/${PLAN}/claims`, firstClaim, [200, 201]);
  out(
    `   POST /plans/${PLAN}/claims ${firstClaim!.claimId} again → ${again.status}${again.replayed ? ' (idempotent-replayed)' : ''}, the same answer: pays ${again.body.adjudication.total} (first time ${firstTotal}); accumulators unchanged`,
  );
  out();

  out(`6. The bureau watches the loss ratio (GET /plans/${PLAN}/loss-ratio) and the insurer reconciles the day (GET /plans/${PLAN}/statements/{date}):`);
  const ratio = await api<{ premiums: { policies: number; amount: string }; claims: { adjudicated: number; paid: string }; payoutRatio: string | null }>(
    'GET',
    `/plans/${PLAN}/loss-ratio`,
    undefined,
    [200],
  );
  out(
    `   so far: ${ratio.body.premiums.policies} paid policies, premiums ${ratio.body.premiums.amount}; ${ratio.body.claims.adjudicated} claims paid ${ratio.body.claims.paid}; payout ratio ${ratio.body.payoutRatio ?? '—'}`,
  );
  const statement = await api<{ totals: { adjudicated: number; reversed: number; paid: string; byInsurer: { insurerId: string; paid: string }[] } }>(
    'GET',
    `/plans/${PLAN}/statements/${today}`,
    undefined,
    [200],
  );
  const t = statement.body.totals;
  out(`   ${today}: ${t.adjudicated} adjudicated, ${t.reversed} reversed, paid ${t.paid} (${t.byInsurer.map((i) => `${i.insurerId} ${i.paid}`).join(', ')})`);
  out();
  out(`More: curl -s ${base}/openapi.json · npm run hmb -- plan show ${PLAN} · docs/architecture.md`);
}

async function main(): Promise<void> {
  const url = process.env.HMB_URL?.replace(/\/+$/, '');
  let stack: LocalStack | undefined;
  if (url && (await answers(url))) {
    base = url;
    console.log(`Using the local stack at ${url}.\n`);
  } else {
    console.log(
      `${url ? `Nothing answers at ${url}: s` : 'S'}tarting a stack in memory for this demo, its clock at ${DEMO_CLOCK} (DynamoDB Local takes a few seconds)…`,
    );
    const { startLocalStack } = await import('./main.ts');
    try {
      stack = await startLocalStack({ dataDir: null, quiet: true, clock: DEMO_CLOCK });
    } catch (error) {
      console.error(`The local stack did not start: ${(error as Error).message}`);
      process.exit(1);
    }
    base = stack.url;
    console.log(`Started at ${base}; it stops when the demo ends.\n`);
  }
  try {
    await demo();
  } catch (error) {
    if (!(error instanceof DemoError)) throw error;
    console.error(`\nThe demo stopped: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await stack?.stop();
  }
}

await main();
