// A hospital's trial calculation (2303) through the local HTTP API (gateway → adjudication handler → the mapping,
// the hospital register, one BatchGetItem of the member's inputs, the engine, the quote's PutItem), beside the
// settlement route (2304: the same reads, the quote's GetItem, one TransactWriteItems of the claim, the member year
// and the payout shard) in the same run: each round trials a batch of visits, then settles them; the medians of
// each round's latencies, and their median over the rounds.
// Run: npm run bench:settle [-- --visits 200 --rounds 5 --members 100 --concurrency 4]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DynamoStore } from '../functions/core/store/dynamo.ts';
import type { RegisteredHospital } from '../functions/core/settlement/model.ts';
import { residentId, withStack } from './support.ts';

const { values } = parseArgs({
  options: {
    visits: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    members: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
  },
});
const visits = Number(values.visits);
const rounds = Number(values.rounds);
const members = Number(values.members);
const concurrency = Number(values.concurrency);
const PLAN = 'wenshan-2023';
const hospitals = JSON.parse(readFileSync(new URL('../examples/wenshan-hospitals.json', import.meta.url), 'utf8')) as RegisteredHospital[];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x: number) => `${x.toFixed(2)} ms`;

/** Runs `task(i)` for i < n with `concurrency` in flight; each task's latency in ms. */
async function latencies(n: number, task: (i: number) => Promise<unknown>): Promise<number[]> {
  const took: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const started = performance.now();
        await task(i);
        took.push(performance.now() - started);
      }
    }),
  );
  return took;
}

/** A national inpatient message of `setl` (absent: a trial) for a stay with 6,000.00 self-pay in the policy range and 20 fee lines. */
function message(member: string, visit: string, setl?: string) {
  const lines = Array.from({ length: 20 }, (_, k) => ({
    feedetl_sn: String(k + 1),
    med_list_codg: `XB01AC${String(k).padStart(2, '0')}`,
    hilist_name: '药品',
    det_item_fee_sumamt: '100.00',
    inscp_scp_amt: '100.00',
    chrgitm_lv: '01',
    med_chrgitm_type: '09',
  }));
  return {
    infno: setl ? '2304' : '2303',
    setlinfo: {
      ...(setl ? { setl_id: setl } : {}),
      mdtrt_id: visit,
      psn_no: `PSN${member.slice(-8)}`,
      certno: member,
      fixmedins_code: hospitals[0].code,
      med_type: '21',
      begndate: '2023-11-01 09:00:00',
      enddate: '2023-11-06 10:00:00',
      medfee_sumamt: '26000.00',
      inscp_scp_amt: '26000.00',
      hifp_pay: '20000.00',
      fund_pay_sumamt: '20000.00',
      psn_part_amt: '6000.00',
      psn_cash_pay: '6000.00',
      opter_name: '收费员',
    },
    diseinfo: [{ diag_type: '1', maindiag_flag: '1', diag_code: 'K35.800x002' }],
    feedetail: lines,
  };
}

await withStack(
  async (dynamo, _stack, post) => {
    await new DynamoStore(dynamo.client, 'bench').putHospitals(PLAN, hospitals);
    await post(`/plans/${PLAN}/window/open`, { actor: 'bench', closesAt: '2024-06-01T00:00:00+08:00' });
    const ids = Array.from({ length: members }, (_, i) => residentId('532601', i));
    await post(`/plans/${PLAN}/roster`, {
      people: ids.map((personId) => ({ personId, name: '基准', scheme: 'resident', status: 'active', regionCode: '532601' })),
    });
    await latencies(members, async (i) => {
      await post(`/plans/${PLAN}/policies`, { requestId: randomUUID(), personId: ids[i], tier: 'standard', channel: 'wechat' });
      await post(`/plans/${PLAN}/policies/${ids[i]}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '69.00' });
    });

    const round = async (r: number) => {
      const visit = (i: number) => ({ member: ids[i % members], visit: `V${r}-${i}`, setl: `S${r}-${i}` });
      const trials = await latencies(visits, (i) => {
        const v = visit(i);
        return post(`/plans/${PLAN}/direct-settlement/trials`, message(v.member, v.visit));
      });
      const settlements = await latencies(visits, (i) => {
        const v = visit(i);
        return post(`/plans/${PLAN}/direct-settlement/settlements`, message(v.member, v.visit, v.setl));
      });
      return { trial: median(trials), settle: median(settlements) };
    };
    await round(0); // warm-up: the JVM and the handlers' first paths
    const measured = [];
    for (let r = 1; r <= rounds; r++) measured.push(await round(r));

    console.log(
      `direct settlement through the local API (${PLAN}, ${visits} visits a round, ${members} members, ${concurrency} in flight), median latency per round:`,
    );
    for (const [i, m] of measured.entries()) console.log(`  round ${i + 1}: trial ${ms(m.trial)}   settlement ${ms(m.settle)}`);
    const [trial, settle] = [median(measured.map((m) => m.trial)), median(measured.map((m) => m.settle))];
    console.log(`median of ${rounds} rounds: trial (2303) ${ms(trial)}, settlement (2304) ${ms(settle)}; trial ÷ settlement ${(trial / settle).toFixed(2)}`);
  },
  { clock: '2023-12-10T10:00:00+08:00' },
);
