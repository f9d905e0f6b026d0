// `npm start`: the four services on this machine. DynamoDB Local (data kept in
// .data/dynamodb), the plans folder published into its plan store (each changed
// plan a new version), the handlers in-process behind the local gateway, and
// the sweep opening and closing enrollment windows at the plans' instants.
import { mkdirSync, realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { checkJava, localClient, startDynamoLocal, type DynamoLocal } from './dynamodb.ts';
import { createGateway, lambdaContext, type GatewayService, type HttpHandler } from './gateway.ts';
import { startSweep } from './scheduler.ts';
import type { WindowSweep } from '../functions/core/enrollment/window-schedule.ts';
import { describeOutcome, publishPlans, type PublishOutcome } from '../functions/core/plan/publish.ts';
import { storedCatalog, type PlanSummary } from '../functions/core/plan/catalog.ts';
import { summariesInForce } from '../functions/core/deps.ts';
import { DynamoStore } from '../functions/core/store/dynamo.ts';
import { defaultDeps } from '../functions/core/wiring.ts';
import { InProcessQueue } from '../functions/core/work/queue.ts';
import { ensureTable } from '../functions/core/store/provision.ts';
import type { WindowState } from '../functions/core/enrollment/model.ts';
import { defaultPlansDir, loadPlans } from '../functions/core/plan/loader.ts';
import { services } from '../functions/services.ts';
import { buildConsole, type ConsoleFiles } from '../console/build.ts';

export const repoRoot = resolve(import.meta.dirname, '..');
export const defaultDataDir = resolve(repoRoot, '.data/dynamodb');

export interface LocalStackOptions {
  /** Gateway port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  /** DynamoDB Local's data folder (absolute or from the repo root); default .data/dynamodb; null keeps data in memory. */
  dataDir?: string | null;
  /** DynamoDB Local's port; default a free one. */
  dynamoPort?: number;
  /** Use this running DynamoDB (e.g. the integration tests' one) instead of starting DynamoDB Local. */
  endpoint?: string;
  plansDir?: string;
  tableName?: string;
  /** No banner and no request logs (neither the gateway's nor, unless POWERTOOLS_LOG_LEVEL says otherwise, the handlers'). */
  quiet?: boolean;
  /** How often the sweep opens and closes windows at their instants; default SWEEP_EVERY_MS (a minute). */
  sweepEveryMs?: number;
  /** How long a service trusts the plan index and a plan's versions before reading them again (HMB_PLAN_CACHE_MS); default a minute. */
  planCacheMs?: number;
  /**
   * The platform's clock starts at this instant and runs on (HMB_CLOCK): a stack living in a past plan's year (the
   * demo). Default: the real time.
   */
  clock?: string;
}

let consoleFiles: ConsoleFiles | undefined;
/** The console, built once per process (esbuild, in memory): locally nobody signs in. */
function localConsole(): ConsoleFiles {
  consoleFiles ??= buildConsole({ config: { auth: 'none' } });
  return consoleFiles;
}

export interface LocalStack {
  url: string;
  /** The DynamoDB endpoint the handlers use. */
  endpoint: string;
  /** DynamoDB Local's data folder; null when in memory or not ours. */
  dataDir: string | null;
  tableName: string;
  plansDir: string;
  /** What publishing the plans folder at start did: each plan published, unchanged or refused. */
  published: PublishOutcome[];
  /** The plans served (the plan store's index: every plan published, from this folder or before). */
  plans: PlanSummary[];
  /** Windows the sweep opened and closed so far. */
  swept: { opened: string[]; closed: string[] };
  stop(): Promise<void>;
}

/**
 * Starts the local stack. The handlers read TABLE_NAME, HMB_DYNAMODB_ENDPOINT
 * and HMB_PLANS_DIR from the process environment, which this sets: stacks in
 * one process may run one after another, not at the same time.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const say = options.quiet ? () => {} : (line = '') => console.log(line);
  const tableName = options.tableName ?? 'huiminbao';
  const plansDir = resolve(options.plansDir ?? defaultPlansDir());
  const dataDir = options.endpoint ? null : options.dataDir === null ? null : resolve(repoRoot, options.dataDir ?? defaultDataDir);

  let dynamo: DynamoLocal | undefined;
  let sweep: { stop(): Promise<void> } | undefined;
  let server: ReturnType<typeof createGateway> | undefined;
  const stop = async () => {
    await sweep?.stop();
    if (server?.listening) {
      const closed = new Promise<void>((r) => server!.close(() => r()));
      server.closeIdleConnections();
      // Requests in flight get a moment to finish.
      const force = setTimeout(() => server!.closeAllConnections(), 2000);
      await closed;
      clearTimeout(force);
    }
    await dynamo?.stop();
  };

  try {
    let endpoint = options.endpoint;
    if (!endpoint) {
      if (dataDir) mkdirSync(dataDir, { recursive: true });
      dynamo = await startDynamoLocal({ port: options.dynamoPort, path: dataDir ?? undefined });
      endpoint = dynamo.endpoint;
    }
    // The plans folder is published as a deploy publishes it: a plan that fails validation is refused (the versions
    // published before stay served), the others become new versions where they changed.
    const client = localClient(endpoint);
    let published: PublishOutcome[];
    let plans: PlanSummary[];
    try {
      await ensureTable(client, tableName);
      const store = new DynamoStore(client, tableName);
      // Published and listed on the stack's day (its clock, when it lives in a past plan's year): a version's day is
      // judged against it, and one published ahead of its effective day is not yet what it serves.
      const now = options.clock ? new Date(options.clock) : new Date();
      published = await publishPlans(store, loadPlans(plansDir), now);
      plans = await summariesInForce({ plans: storedCatalog(store), now: () => now });
    } finally {
      client.destroy();
    }
    if (!options.quiet) for (const o of published) if (o.status === 'refused') console.error(describeOutcome(o));

    // What the handlers read at first use; the SDK also wants a region and credentials (DynamoDB Local accepts any).
    process.env.TABLE_NAME = tableName;
    process.env.HMB_DYNAMODB_ENDPOINT = endpoint;
    process.env.HMB_PLAN_CACHE_MS = String(options.planCacheMs ?? 60_000);
    if (options.clock) process.env.HMB_CLOCK = options.clock;
    else delete process.env.HMB_CLOCK;
    process.env.AWS_REGION ??= 'local';
    if (!process.env.AWS_ACCESS_KEY_ID) Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    // The handlers' loggers read their level when first imported: warnings and errors only.
    if (options.quiet) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

    const loaded: GatewayService[] = [];
    for (const spec of services) {
      const module = (await import(new URL(`../functions/${spec.entry}`, import.meta.url).href)) as { handler?: HttpHandler };
      if (typeof module.handler !== 'function') throw new Error(`functions/${spec.entry} exports no handler`);
      loaded.push({ name: spec.name, routes: spec.routes, handler: module.handler });
    }

    // The handlers log the requests they answer; the gateway adds those it answers itself.
    server = createGateway(loaded, {
      log: (line, handled) => {
        if (!handled) say(line);
      },
      files: localConsole(),
    });
    await new Promise<void>((resolveListen, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server!.off('error', reject);
        resolveListen();
      });
    });
    const address = server.address() as AddressInfo;
    const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

    // Work a stack killed mid-way left unfinished (a sponsor's fulfilment, a renewal run) resumes by itself.
    const queue = defaultDeps().queue;
    const resumed = queue instanceof InProcessQueue ? await queue.resume() : 0;
    if (resumed > 0) say(`queue: resumed ${resumed} unfinished piece(s) of work`);

    const windows = loaded.find((s) => s.name === 'enrollment-windows')!;
    const toggle = windows.handler as unknown as (
      event: WindowSweep,
      context: Context,
    ) => Promise<{ opened: string[]; closed: string[]; failed?: { planId: string; error: string }[] }>;
    const swept: LocalStack['swept'] = { opened: [], closed: [] };
    sweep = startSweep(async (event) => {
      const { opened, closed, failed } = await toggle(event, lambdaContext(windows.name));
      for (const f of failed ?? []) console.error(`scheduler: ${f.planId}: ${f.error}`);
      swept.opened.push(...opened);
      swept.closed.push(...closed);
      if (opened.length > 0) say(`scheduler: opened ${opened.join(', ')} (opening instant passed)`);
      if (closed.length > 0) say(`scheduler: closed ${closed.join(', ')} (closing instant passed with no close recorded)`);
    }, options.sweepEveryMs);

    const stack: LocalStack = { url, endpoint, dataDir, tableName, plansDir, published, plans, swept, stop };
    if (!options.quiet) say(await banner(stack, dynamo !== undefined));
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Terminal columns of a string (CJK characters take two). */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

/** The window as the plan dates it, relative to now. */
export function windowSummary(plan: Pick<PlanSummary, 'window'>, now = Date.now()): string {
  const { opens, closes } = plan.window;
  const past = (at: string | null) => at !== null && Date.parse(at) <= now;
  if (opens === null && closes === null) return 'undated: an administrator opens and closes it';
  if (past(closes)) return `closed since ${closes}${opens ? ` (opened ${opens})` : ''}`;
  const until = closes ? `closes ${closes}` : 'closing undated (administrator)';
  if (opens === null) return `opening undated (administrator), ${until}`;
  if (past(opens)) return `open since ${opens}, ${until}`;
  return `scheduled: opens ${opens}, ${until}`;
}

/** The banner lists this many plans; GET /plans lists them all. */
const BANNER_PLANS = 20;

/** The windows as stored once someone (an administrator, the sweep) acted on them. */
async function storedWindows(stack: LocalStack, plans: PlanSummary[]): Promise<Map<string, WindowState>> {
  const client = localClient(stack.endpoint);
  try {
    return await new DynamoStore(client, stack.tableName).getWindows(plans.map((p) => p.id));
  } finally {
    client.destroy();
  }
}

function storedSummary(w: WindowState): string {
  const last = w.events.at(-1);
  const until = w.state === 'open' ? (w.closesAt ? ` until ${w.closesAt}` : ' until closed') : '';
  return `${w.state}${until} — stored: last ${last ? `${last.action} by ${last.actor} at ${last.at}${last.reason ? ` (${last.reason})` : ''}` : 'change unknown'}`;
}

async function banner(stack: LocalStack, ownDynamo: boolean): Promise<string> {
  const shown = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p) || '.');
  const lines = ['', `huiminbao local stack — ${stack.url}`, ''];
  lines.push(`  console         ${stack.url}/   (the plans, the ledger; pick a role at the top right: bureau, insurer, sponsor)`);
  lines.push(`  API             ${stack.url}   (routes: functions/*/routes.ts)`);
  lines.push(`  DynamoDB Local  ${stack.endpoint}   table ${stack.tableName}`);
  if (ownDynamo) lines.push(`  data            ${stack.dataDir ?? 'in memory (lost on stop)'}`);
  lines.push(`  plans           ${shown(stack.plansDir)}`);
  const count = (status: PublishOutcome['status']) => stack.published.filter((o) => o.status === status).length;
  lines.push(`  published       ${count('published')} new version(s), ${count('unchanged')} unchanged, ${count('refused')} refused (above)`);
  lines.push('', `Plans served (${stack.plans.length})`);
  const shownPlans = stack.plans.slice(0, BANNER_PLANS);
  const idWidth = Math.max(...shownPlans.map((p) => p.id.length), 4) + 2;
  const nameWidth = Math.max(...shownPlans.map((p) => width(p.name)), 4) + 2;
  const stored = await storedWindows(stack, shownPlans);
  for (const plan of shownPlans) {
    const w = stored.get(plan.id);
    lines.push(`  ${pad(plan.id, idWidth)}${pad(plan.name, nameWidth)}v${plan.latest.seq}  window ${w ? storedSummary(w) : windowSummary(plan)}`);
  }
  if (stack.plans.length > shownPlans.length) lines.push(`  … and ${stack.plans.length - shownPlans.length} more (GET /plans)`);
  lines.push('', 'Windows open and close at their instants: the sweep checks every minute (undated windows are opened through the API).');
  const undated = stack.plans.find((p) => p.window.opens === null)?.id ?? stack.plans[0]?.id ?? '<planId>';
  lines.push('', 'Try');
  lines.push(`  curl -s ${stack.url}/plans`);
  lines.push(`  curl -s ${stack.url}/plans/${undated}/window`);
  // Closing a month on (the stack's month): a window whose cover starts after it (after-window cover) needs its close named.
  const closesAt = new Date(Date.parse(process.env.HMB_CLOCK ?? '') || Date.now());
  closesAt.setUTCDate(closesAt.getUTCDate() + 30);
  const open = JSON.stringify({ actor: 'me', reason: 'trying it out', closesAt: closesAt.toISOString() });
  lines.push(`  curl -s -X POST ${stack.url}/plans/${undated}/window/open -H 'content-type: application/json' -d '${open}'`);
  lines.push(`  curl -s ${stack.url}/plans/${undated}`);
  lines.push(`  curl -s ${stack.url}/openapi.json`);
  const clock = process.env.HMB_CLOCK ? `HMB_CLOCK=${process.env.HMB_CLOCK} ` : '';
  lines.push(`  ${clock}npm run hmb -- plan publish --endpoint ${stack.endpoint} --table ${stack.tableName}   # publish plans/ again while it runs`);
  lines.push(
    process.env.HMB_CLOCK
      ? `  HMB_URL=${stack.url} npm run demo     # enroll members, send settlements, read the explanations (the demo's plan must be in force in this stack's time)`
      : '  npm run demo                          # a plan year played on its own stack: enrollments, settlements, explanations',
  );
  lines.push('', 'Ctrl-C stops the gateway, the sweep and DynamoDB Local.', '');
  return lines.join('\n');
}

const inUse = (port: number) => `port ${port} is in use: stop what holds it, or start on another one: PORT=3001 npm start`;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort(true)));
  });
}

async function main(): Promise<void> {
  try {
    checkJava();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const number = (name: string, fallback?: number) => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      console.error(`${name} must be a port number, not "${raw}"`);
      process.exit(1);
    }
    return n;
  };
  const port = number('PORT', 3000)!;
  // Before DynamoDB Local's slow start: a taken port is the commonest failure.
  if (port !== 0 && !(await portFree(port))) {
    console.error(inUse(port));
    process.exit(1);
  }
  let stack: LocalStack | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    // Exiting runs startDynamoLocal's exit hook, so an interrupted start leaves no Java behind.
    if (!stack) {
      console.error(`\n${signal} while starting: exiting`);
      process.exit(130);
    }
    if (stopping) {
      console.error('stopping anyway');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the gateway, the scheduler and DynamoDB Local…`);
    stack.stop().then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    const clock = process.env.HMB_CLOCK || undefined;
    if (clock !== undefined && Number.isNaN(Date.parse(clock))) {
      console.error(`HMB_CLOCK must be an instant, e.g. 2023-05-20T09:00:00+08:00, not "${clock}"`);
      process.exit(1);
    }
    stack = await startLocalStack({ port, dynamoPort: number('HMB_DYNAMODB_PORT'), tableName: process.env.TABLE_NAME || 'huiminbao', clock });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    console.error(e.code === 'EADDRINUSE' ? inUse(port) : `the local stack did not start: ${e.stack ?? e.message}`);
    process.exit(1);
  }
}

/** True when this file is the program (node local/main.ts), not an import. */
function executedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (executedDirectly()) await main();
