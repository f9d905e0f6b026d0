// Embedding the adjudication engine where the data must not leave: a plan file, a settlement and the member's
// policy in, the explanation of benefits out; no network, no database. Run it from the checkout:
//
//   node examples/embed-engine.ts [plan.yaml] [claim.json] [policy.json]
//
// (defaults: the Jiangxi plan and examples/jiangxi-claim.json, examples/jiangxi-policy.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  adjudicate,
  ClaimSchema,
  emptyAccumulators,
  formatPath,
  formatProblem,
  loadPlanFile,
  PolicyContextSchema,
  renderAdjudication,
} from '@huiminbao/core/engine';
import type { z } from 'zod';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const [planFile = here('../plans/jiangxi-2023.yaml'), claimFile = here('jiangxi-claim.json'), policyFile = here('jiangxi-policy.json')] = process.argv.slice(2);

/** Reads a JSON file and validates it; every problem names its field. */
function read<T>(schema: z.ZodType<T>, file: string): T {
  const result = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (result.success) return result.data;
  for (const issue of result.error.issues) console.error(`${file}: ${formatPath(issue.path)}: ${issue.message}`);
  process.exit(1);
}

// 1. The insurer's rules: one plan file (and the list files it names), checked whole.
const loaded = loadPlanFile(planFile);
if (!loaded.ok) {
  for (const problem of loaded.problems) console.error(formatProblem(problem));
  process.exit(1);
}

// 2. The settlement and what the host knows of the member's policy.
const claim = read(ClaimSchema, claimFile);
const policy = read(PolicyContextSchema, policyFile);

// 3. Adjudicate against the member's accumulators for the year (here a fresh year). The result carries the new
//    accumulators: the host keeps them and passes them with the member's next claim (ruling 10: in order).
const result = adjudicate(loaded.plan, policy, emptyAccumulators(), claim);
process.stdout.write(renderAdjudication(result));
console.log(`accumulators after: ${JSON.stringify(result.accumulators.deductibles)}`);
