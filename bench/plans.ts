// Cold start of a function with 5 and with 1,000 plans published: the deployed
// bundles (a real synth: the layer and the function zips as Lambda gets them),
// a fresh Node process per start, measured from the import of the function's
// module to the answer of its first request for one plan. Plans come from the
// plan store (DynamoDB Local), one version loaded on first use, so the number
// published should not show. Run: npm run bench:plans [-- --rounds 9]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { HuiminbaoStack } from '../infra/stack.ts';
import { startDynamoLocal } from '../local/dynamodb.ts';
import { DynamoStore } from '../functions/core/store/dynamo.ts';
import { ensureTable } from '../functions/core/store/provision.ts';
import { publishPlans } from '../functions/core/plan/publish.ts';
import { defaultPlansDir, loadPlans, type LoadedPlan } from '../functions/core/plan/loader.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' } } });
const ROUNDS = Number(values.rounds);
const TARGET_MS = 250;
const repoRoot = resolve(import.meta.dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The layer and a function's zip as a real synth stages them, laid out as on Lambda (/opt, /var/task). */
function lambdaFolder(service: string): string {
  const outdir = mkdtempSync(join(tmpdir(), 'hmb-bench-cdk-'));
  const context = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')).context;
  const app = new App({ outdir, context });
  const stack = new HuiminbaoStack(app, 'HuiminbaoStack');
  const assembly = app.synth();
  const resources = JSON.parse(readFileSync(join(assembly.directory, stack.templateFile), 'utf8')).Resources;
  const asset = (construct: { node: { defaultChild?: unknown } }, prop: 'Code' | 'Content') =>
    join(assembly.directory, `asset.${resources[stack.getLogicalId(construct.node.defaultChild as never)].Properties[prop].S3Key.replace(/\.zip$/, '')}`);
  const root = mkdtempSync(join(tmpdir(), 'hmb-bench-lambda-'));
  cpSync(asset(stack.core.layer, 'Content'), join(root, 'opt'), { recursive: true });
  cpSync(asset(stack.services.fn(service as never), 'Code'), join(root, 'var/task'), { recursive: true });
  // The runtime's NODE_PATH: the layer's package and the SDK the Node.js 22 runtime ships.
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(root, 'opt/nodejs/node_modules/@huiminbao'), join(root, 'node_modules/@huiminbao'));
  symlinkSync(join(repoRoot, 'node_modules/@aws-sdk'), join(root, 'node_modules/@aws-sdk'));
  rmSync(outdir, { recursive: true, force: true });
  return root;
}

/** One cold start in a fresh process: import the function's module, then its first request; milliseconds of each. */
function coldStart(root: string, endpoint: string, table: string, planId: string): { importMs: number; firstMs: number; status: number } {
  const event = {
    version: '2.0',
    routeKey: 'GET /plans/{planId}',
    rawPath: `/plans/${planId}`,
    rawQueryString: '',
    headers: {},
    pathParameters: { planId },
    isBase64Encoded: false,
    requestContext: { requestId: 'bench', http: { method: 'GET', path: `/plans/${planId}` } },
  };
  const script = `
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(join(root, 'var/task/index.mjs'))});
    const t1 = performance.now();
    const r = await handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 10000, functionName: 'bench', awsRequestId: 'bench' });
    const t2 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, status: r.statusCode }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(root, 'var/task'),
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      TABLE_NAME: table,
      HMB_DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: 'local',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

/** The seed plans, and renamed copies of them up to `count`. */
function plansOf(seeds: LoadedPlan[], count: number): Map<string, LoadedPlan> {
  const plans = new Map(seeds.map((p) => [p.id, p]));
  for (let i = seeds.length; i < count; i++) {
    const seed = seeds[i % seeds.length];
    const id = `city${String(i).padStart(4, '0')}-${seed.productYear}`;
    plans.set(id, { ...seed, id });
  }
  return plans;
}

const seeds = [...loadPlans(defaultPlansDir()).plans.values()].slice(0, 5);
console.log('synthesizing (real bundles, as cdk synth stages them)…');
const root = lambdaFolder('adjudication');
const dynamo = await startDynamoLocal();
try {
  const tables: Record<string, number> = { 'bench-plans-5': 5, 'bench-plans-1000': 1000 };
  for (const [table, count] of Object.entries(tables)) {
    await ensureTable(dynamo.client, table);
    const started = performance.now();
    const outcomes = await publishPlans(
      new DynamoStore(dynamo.client, table),
      { plans: plansOf(seeds, count), problems: [], unavailable: new Map() },
      new Date(),
    );
    console.log(
      `published ${outcomes.filter((o) => o.status === 'published').length} plans into ${table} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const planId = seeds[0].id;
  // One start to warm the disk cache and the JVM, not counted.
  coldStart(root, dynamo.endpoint, 'bench-plans-5', planId);
  const results: Record<number, { importMs: number; firstMs: number }[]> = { 5: [], 1000: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternated, so a noisy moment of the host falls on both.
    for (const [table, count] of Object.entries(tables)) {
      const r = coldStart(root, dynamo.endpoint, table, planId);
      if (r.status !== 200) throw new Error(`GET /plans/${planId} answered ${r.status}`);
      results[count].push(r);
    }
  }
  console.log(`\ncold start of the adjudication function (import + first GET /plans/${planId}), median of ${ROUNDS} fresh processes:`);
  const total = (count: number) => median(results[count].map((r) => r.importMs + r.firstMs));
  for (const count of [5, 1000]) {
    console.log(
      `  ${String(count).padStart(5)} plans: ${total(count).toFixed(0)} ms  (import ${median(results[count].map((r) => r.importMs)).toFixed(0)} ms, first request ${median(results[count].map((r) => r.firstMs)).toFixed(0)} ms)`,
    );
  }
  const ratio = total(1000) / total(5);
  console.log(`  ratio 1,000 ÷ 5: ${ratio.toFixed(3)} (target within 1.10 either way): ${Math.abs(ratio - 1) <= 0.1 ? 'met' : 'NOT met'}`);
  console.log(`  target ≤ ${TARGET_MS} ms each: ${Math.max(total(5), total(1000)) <= TARGET_MS ? 'met' : 'NOT met'}`);
} finally {
  await dynamo.stop();
  rmSync(root, { recursive: true, force: true });
}
