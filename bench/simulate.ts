// A generated city-year through `hmb simulate`'s pipeline (generate → adjudicate →
// aggregate, member by member), beside the engine's raw rate on claims of the same
// generator held in memory (adjudicate only), in the same run. Prints the medians
// of rounds, the time a 1,000,000-claim year takes against the 60 s target, and
// the memory sampled every 50,000 claims: the live heap after a full collection
// (flat memory: the last sample is where the first was) and the resident set size.
// Run: npm run bench:simulate [-- --claims 1000000 --rounds 3 --plan <planId>]; without --plan, the plans folder's
// plan with the most benefits (the most of the engine a claim can go through; ties by id).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { defaultPlansDir, loadPlans } from '../functions/core/plan/loader.ts';
import { adjudicate, emptyAccumulators } from '../functions/core/engine/index.ts';
import { defaultParametersFile, loadParameters } from '../functions/core/simulation/parameters.ts';
import { CityYearGenerator } from '../functions/core/simulation/generator.ts';
import { simulateGenerated } from '../functions/core/simulation/simulate.ts';

const { values } = parseArgs({
  options: {
    claims: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    plan: { type: 'string' },
  },
});
const target = Number(values.claims);
const rounds = Number(values.rounds);
const TARGET_SECONDS = 60;

const catalogue = [...loadPlans(defaultPlansDir()).plans.values()];
const chosen =
  values.plan === undefined
    ? catalogue.sort((a, b) => b.benefits.length - a.benefits.length || a.id.localeCompare(b.id))[0]
    : catalogue.find((p) => p.id === values.plan);
if (!chosen) throw new Error(`unknown plan "${values.plan}"; known plans: ${catalogue.map((p) => p.id).join(', ')}`);
const plan = chosen;
const params = loadParameters(defaultParametersFile());
const generator = new CityYearGenerator([plan], params);
const figure = (n: number) => Math.round(n).toLocaleString('en');
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// Members for a year of about `target` claims: the generator's claims per member, from a sample year.
let claimsPerMember = 0;
{
  let claims = 0;
  for (const y of generator.year(999, 1, 20_000)) claims += y.claims.length;
  claimsPerMember = claims / 20_000;
}
const members = Math.ceil(target / claimsPerMember);

// `npm run bench:simulate` runs node with --expose-gc: a full collection before each sample shows the live heap.
const collect = (globalThis as { gc?: () => void }).gc;
interface Sample {
  heap: number;
  rss: number;
}
const sampleMemory = (): Sample => {
  collect?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};

// The baseline: the engine alone on ~100,000 claims of the same generator, held in memory (generated before the clock
// starts), accumulators carried per member. A baseline round runs before each simulation round, so both meet the host
// in the same state (its speed swings); the held claims are garbage again before the simulation's first sample.
let heldClaims = 0;
function engineRound(seed: number): number {
  const held = [...generator.year(seed, 1, Math.ceil(100_000 / claimsPerMember))].filter((y) => y.claims.length > 0);
  heldClaims = held.reduce((n, y) => n + y.claims.length, 0);
  const started = performance.now();
  for (const { member, claims } of held) {
    let accumulators = emptyAccumulators();
    for (const claim of claims) accumulators = adjudicate(plan, member.context, accumulators, claim).accumulators;
  }
  return heldClaims / ((performance.now() - started) / 1000);
}
engineRound(997); // warm-up

const engine: number[] = [];
const simulated: { rate: number; claims: number; memory: Sample[] }[] = [];
for (let round = 1; round <= rounds; round++) {
  engine.push(engineRound(997 - round));
  const memory: Sample[] = [];
  const started = performance.now();
  const report = simulateGenerated([{ plan, ref: plan.id }], params, {
    membersPerYear: members,
    seed: round,
    years: 1,
    parametersFile: 'default',
    onProgress: () => memory.push(sampleMemory()),
  });
  const seconds = (performance.now() - started) / 1000;
  memory.push(sampleMemory());
  const claims = report.plans[0].claims;
  simulated.push({ rate: claims / seconds, claims, memory });
  const [first, last] = [memory[0], memory.at(-1)!];
  console.log(
    `round ${round}: engine alone ${figure(engine.at(-1)!)} claims/s; simulate ${figure(claims)} claims of ${figure(members)} members in ${seconds.toFixed(1)} s = ${figure(claims / seconds)} claims/s; ` +
      `live heap ${mb(first.heap)} after the first 50,000 claims, ${mb(last.heap)} at the end; RSS ${mb(first.rss)} → ${mb(last.rss)}`,
  );
}

const rate = median(simulated.map((s) => s.rate));
const engineRate = median(engine);
console.log(
  `simulate: ${plan.id}, years of ~${figure(target)} claims (${figure(members)} members, ${claimsPerMember.toFixed(3)} claims each), ${rounds} rounds: ${simulated.map((s) => figure(s.rate)).join(', ')} claims/s`,
);
console.log(
  `simulate: median ${figure(rate)} claims/s on one core: ${figure(1_000_000)} claims in ${(1_000_000 / rate).toFixed(1)} s (target ≤ ${TARGET_SECONDS} s)`,
);
console.log(
  `engine alone on ${figure(heldClaims)} held claims of the same generator: ${engine.map(figure).join(', ')} claims/s, median ${figure(engineRate)}; simulate ÷ engine ${(rate / engineRate).toFixed(2)}`,
);
const growth = Math.max(...simulated.map((s) => s.memory.at(-1)!.heap - s.memory[0].heap));
const largest = Math.max(...simulated.flatMap((s) => s.memory.map((m) => m.heap)));
console.log(
  `memory: live heap ${collect ? 'after full collections' : '(no --expose-gc: not collected first)'} at most ${mb(largest)}, and grew at most ${mb(Math.max(0, growth))} from the first 50,000 claims to the end of a year; ` +
    `peak RSS of the whole run (baseline's held claims included) ${mb(process.resourceUsage().maxRSS * 1024)}`,
);
