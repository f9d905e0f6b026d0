// Claims per second through the pure engine on a mix of the plans in plans/.
// Each member's year runs claim by claim with accumulators carried forward, as
// in production. Run: npm run bench:engine [-- --claims 200000]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadPlans, defaultPlansDir, type LoadedPlan } from '../functions/core/plan/loader.ts';
import { ClaimSchema, PolicyContextSchema, type Claim, type PolicyContext } from '../functions/core/claim/schema.ts';
import { adjudicate, emptyAccumulators, type Accumulators } from '../functions/core/engine/index.ts';

const { values } = parseArgs({ options: { claims: { type: 'string', default: '100000' } } });
const total = Number(values.claims);
const TARGET = 20_000;

/**
 * One member per plan, from the plan's own data (any plan in plans/, a new city's too): its last tier (the fullest
 * cover), its first county, its cover year (fixed dates, or the product year), admitted two months in.
 */
interface BenchMember {
  tier: string;
  coverStart: string;
  coverEnd: string;
  region: string;
  admitted: string;
  /** Every designation the plan's benefits ask of a hospital: the bench's hospital has them all, so its claims pay. */
  designations: string[];
}
function memberOf(plan: LoadedPlan): BenchMember {
  const cover = plan.enrollment.cover;
  const [coverStart, coverEnd] = cover.kind === 'fixed' ? [cover.start, cover.end] : [`${plan.productYear}-01-01`, `${plan.productYear}-12-31`];
  const admitted = new Date(`${coverStart}T00:00:00Z`);
  admitted.setUTCMonth(admitted.getUTCMonth() + 2);
  return {
    tier: plan.tiers.at(-1)!.id,
    coverStart,
    coverEnd,
    region: plan.region.counties[0]?.code ?? plan.region.adminCode,
    admitted: admitted.toISOString().slice(0, 10),
    designations: [...new Set(plan.benefits.flatMap((b) => b.where.designations))],
  };
}

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const yuan = (max: number) => (Math.floor(random() * max * 100) / 100).toFixed(2);

function makeClaim(plan: LoadedPlan, i: number): Claim {
  const m = members.get(plan.id)!;
  const parts = { inCatalogSelfPay: yuan(60_000), classBCopay: yuan(8_000), outOfCatalogSelfPay: yuan(40_000), overLimitSelfPay: yuan(2_000) };
  const basic = yuan(80_000);
  const total = [basic, ...Object.values(parts)].reduce((a, b) => a + Number(b) * 100, 0) / 100;
  return ClaimSchema.parse({
    claimId: `bench-${i}`,
    planId: plan.id,
    visit: {
      type: 'inpatient',
      admissionDate: m.admitted,
      dischargeDate: m.admitted,
      hospital: { code: 'H1', level: 3, public: true, regionCode: m.region, designations: m.designations },
    },
    diagnoses: [{ icd10: random() < 0.2 ? 'I21.0' : 'K35.8' }],
    settlement: { total: total.toFixed(2), basicFundPaid: basic, criticalIllnessPaid: '0', medicalAssistancePaid: '0', ...parts },
    items: [{ code: 'D1', category: 'drug', catalogClass: 'C', amount: '3000.00', selfPay: '3000.00' }],
  });
}

const plans = [...loadPlans(defaultPlansDir()).plans.values()];
const planById = new Map(plans.map((p) => [p.id, p]));
const members = new Map(plans.map((p) => [p.id, memberOf(p)]));
const contexts = new Map<string, PolicyContext>(
  plans.map((p) => {
    const m = members.get(p.id)!;
    return [
      p.id,
      PolicyContextSchema.parse({
        memberId: 'bench',
        tier: m.tier,
        coverStart: m.coverStart,
        coverEnd: m.coverEnd,
        regionCode: m.region,
        participationRate: '0.25',
        preExistingConditions: [{ icd10: 'I21.0' }],
      }),
    ];
  }),
);
// Claims are built before timing: the benchmark measures adjudication, not fixture generation.
const claims = Array.from({ length: 2_000 }, (_, i) => makeClaim(plans[i % plans.length], i));

function run(n: number): number {
  const state = new Map<string, Accumulators>();
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const claim = claims[i % claims.length];
    // A member's year holds 20 claims; then a fresh year starts, so limits do not freeze the mix.
    const key = `${claim.planId}:${Math.floor(i / (plans.length * 20))}`;
    const result = adjudicate(planById.get(claim.planId)!, contexts.get(claim.planId)!, state.get(key) ?? emptyAccumulators(), claim);
    state.set(key, result.accumulators);
  }
  return performance.now() - started;
}

run(20_000); // warm-up: V8 keeps optimising well past the first few thousand claims
// Five rounds: this machine's speed drifts by a third from one second to the next, so one figure says little.
const ROUNDS = 5;
const rates = Array.from({ length: ROUNDS }, () => {
  const n = Math.ceil(total / ROUNDS);
  return n / (run(n) / 1000);
}).sort((a, b) => a - b);
const median = rates[ROUNDS >> 1];
const figure = (rate: number) => Math.round(rate).toLocaleString('en');
console.log(`engine: ${total} claims over ${plans.length} plans in ${ROUNDS} rounds: ${rates.map(figure).join(', ')} claims/s`);
console.log(
  `engine: median ${figure(median)} claims/s on one core, best ${figure(rates[ROUNDS - 1])} (target ${TARGET.toLocaleString('en')}; median ratio ${(median / TARGET).toFixed(2)}×)`,
);
