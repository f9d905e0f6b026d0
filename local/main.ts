// `npm start`: the four services on this machine. DynamoDB Local (data kept in
// .data/dynamodb), the handlers in-process behind the local gateway, and the
// scheduler opening and closing enrollment windows at the plan files' instants.
import { mkdirSync, realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { checkJava, localClient, startDynamoLocal, type DynamoLocal } from './dynamodb.ts';
import { createGateway, lambdaContext, type GatewayService, type HttpHandler } from './gateway.ts';
import { startScheduler, startSweep, type Scheduler, type Toggle, type WindowScheduleEvent } from './scheduler.ts';
import type { WindowSweep } from '../functions/core/enrollment/window-schedule.ts';
import { DynamoStore, ensureTable } from '../functions/core/store/dynamo.ts';
import type { WindowState } from '../functions/core/enrollment/model.ts';
import { defaultPlansDir, formatProblem, loadPlans, type LoadedPlan, type PlanProblem } from '../functions/core/plan/loader.ts';
import { services } from '../functions/services.ts';

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
  /** How often the sweep closes windows past their closing instant with no close recorded; default SWEEP_EVERY_MS (a minute). */
  sweepEveryMs?: number;
}

export interface LocalStack {
  url: string;
  /** The DynamoDB endpoint the handlers use. */
  endpoint: string;
  /** DynamoDB Local's data folder; null when in memory or not ours. */
  dataDir: string | null;
  tableName: string;
  plansDir: string;
  plans: LoadedPlan[];
  problems: PlanProblem[];
  upcoming: Toggle[];
  /** Scheduled toggles sent to the enrollment-windows handler so far, with its answers. */
  toggled: { at: string; event: WindowScheduleEvent; result: unknown }[];
  /** Plans the sweep closed so far. */
  swept: string[];
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

  const catalogue = loadPlans(plansDir);
  const plans = [...catalogue.plans.values()];
  if (!options.quiet) for (const p of catalogue.problems) console.error(formatProblem(p));

  let dynamo: DynamoLocal | undefined;
  let scheduler: Scheduler | undefined;
  let sweep: { stop(): void } | undefined;
  let server: ReturnType<typeof createGateway> | undefined;
  const stop = async () => {
    scheduler?.stop();
    sweep?.stop();
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
      await ensureTable(dynamo.client, tableName);
    } else {
      const client = localClient(endpoint);
      try { await ensureTable(client, tableName); } finally { client.destroy(); }
    }

    // What the handlers read at first use; the SDK also wants a region and credentials (DynamoDB Local accepts any).
    process.env.TABLE_NAME = tableName;
    process.env.HMB_DYNAMODB_ENDPOINT = endpoint;
    process.env.HMB_PLANS_DIR = plansDir;
    process.env.AWS_REGION ??= 'local';
    if (!process.env.AWS_ACCESS_KEY_ID) Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    // The handlers' loggers read their level when first imported: warnings and errors only.
    if (options.quiet) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

    const loaded: GatewayService[] = [];
    for (const spec of services) {
      const module = await import(new URL(`../functions/${spec.entry}`, import.meta.url).href) as { handler?: HttpHandler };
      if (typeof module.handler !== 'function') throw new Error(`functions/${spec.entry} exports no handler`);
      loaded.push({ name: spec.name, routes: spec.routes, handler: module.handler });
    }

    // The handlers log the requests they answer; the gateway adds those it answers itself.
    server = createGateway(loaded, { log: (line, handled) => { if (!handled) say(line); } });
    await new Promise<void>((resolveListen, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => { server!.off('error', reject); resolveListen(); });
    });
    const address = server.address() as AddressInfo;
    const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

    const windows = loaded.find((s) => s.name === 'enrollment-windows')!;
    const toggle = windows.handler as unknown as (event: WindowScheduleEvent | WindowSweep, context: Context) => Promise<unknown>;
    const toggled: LocalStack['toggled'] = [];
    scheduler = startScheduler(plans, async (event) => {
      const at = new Date().toISOString();
      const result = await toggle(event, lambdaContext(windows.name));
      toggled.push({ at, event, result });
      say(`scheduler: ${event.action} ${event.planId} → ${JSON.stringify(result)?.slice(0, 200)}`);
    });
    const swept: string[] = [];
    sweep = startSweep(async (event) => {
      const { closed } = await toggle(event, lambdaContext(windows.name)) as { closed: string[] };
      swept.push(...closed);
      if (closed.length > 0) say(`scheduler: swept ${closed.join(', ')} (closing instant passed with no close recorded)`);
    }, options.sweepEveryMs);

    const stack: LocalStack = { url, endpoint, dataDir, tableName, plansDir, plans, problems: catalogue.problems, upcoming: scheduler.upcoming, toggled, swept, stop };
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

/** The window as the plan file dates it, relative to now. */
export function windowSummary(plan: Pick<LoadedPlan, 'enrollment'>, now = Date.now()): string {
  const { opens, closes } = plan.enrollment.window;
  const past = (at: string | null) => at !== null && Date.parse(at) <= now;
  if (opens === null && closes === null) return 'undated: an administrator opens and closes it';
  if (past(closes)) return `closed since ${closes}${opens ? ` (opened ${opens})` : ''}`;
  const until = closes ? `closes ${closes}` : 'closing undated (administrator)';
  if (opens === null) return `opening undated (administrator), ${until}`;
  if (past(opens)) return `open since ${opens}, ${until}`;
  return `scheduled: opens ${opens}, ${until}`;
}

/** The window as stored once someone (an administrator, the scheduler) acted on it. */
async function storedWindows(stack: LocalStack): Promise<Map<string, WindowState>> {
  const client = localClient(stack.endpoint);
  try {
    const store = new DynamoStore(client, stack.tableName);
    const states = await Promise.all(stack.plans.map(async (p) => [p.id, await store.getWindow(p.id)] as const));
    return new Map(states.filter((s): s is readonly [string, WindowState] => s[1] !== undefined));
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
  lines.push(`  API             ${stack.url}   (routes: functions/*/routes.ts)`);
  lines.push(`  DynamoDB Local  ${stack.endpoint}   table ${stack.tableName}`);
  if (ownDynamo) lines.push(`  data            ${stack.dataDir ?? 'in memory (lost on stop)'}`);
  lines.push(`  plans           ${shown(stack.plansDir)}`);
  lines.push('', `Plans served (${stack.plans.length})`);
  const idWidth = Math.max(...stack.plans.map((p) => p.id.length), 4) + 2;
  const nameWidth = Math.max(...stack.plans.map((p) => width(p.name)), 4) + 2;
  const stored = await storedWindows(stack);
  for (const plan of stack.plans) {
    const w = stored.get(plan.id);
    lines.push(`  ${pad(plan.id, idWidth)}${pad(plan.name, nameWidth)}window ${w ? storedSummary(w) : windowSummary(plan)}`);
  }
  if (stack.problems.length > 0) lines.push(`  (${stack.problems.length} problem(s) above: those plans are not served)`);
  lines.push('', 'Scheduled window toggles');
  if (stack.upcoming.length === 0) lines.push('  none: every dated open/close instant of the plans has passed (undated windows are opened through the API)');
  for (const t of stack.upcoming) lines.push(`  ${t.at}  ${pad(t.action, 6)}${t.planId}`);
  const undated = stack.plans.find((p) => p.enrollment.window.opens === null)?.id ?? stack.plans[0]?.id ?? '<planId>';
  lines.push('', 'Try');
  lines.push(`  curl -s ${stack.url}/plans`);
  lines.push(`  curl -s ${stack.url}/plans/${undated}/window`);
  lines.push(`  curl -s -X POST ${stack.url}/plans/${undated}/window/open -H 'content-type: application/json' -d '{"actor":"me","reason":"trying it out"}'`);
  lines.push(`  curl -s ${stack.url}/openapi.json`);
  lines.push(`  HMB_URL=${stack.url} npm run demo     # enroll members, send settlements, read the explanations`);
  lines.push('', 'Ctrl-C stops the gateway, the scheduler and DynamoDB Local.', '');
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
    if (!Number.isInteger(n) || n < 0 || n > 65535) { console.error(`${name} must be a port number, not "${raw}"`); process.exit(1); }
    return n;
  };
  const port = number('PORT', 3000)!;
  // Before DynamoDB Local's slow start: a taken port is the commonest failure.
  if (port !== 0 && !(await portFree(port))) { console.error(inUse(port)); process.exit(1); }
  let stack: LocalStack | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    // Exiting runs startDynamoLocal's exit hook, so an interrupted start leaves no Java behind.
    if (!stack) { console.error(`\n${signal} while starting: exiting`); process.exit(130); }
    if (stopping) { console.error('stopping anyway'); process.exit(1); }
    stopping = true;
    console.log(`\n${signal}: stopping the gateway, the scheduler and DynamoDB Local…`);
    stack.stop().then(() => { console.log('stopped'); process.exit(0); }, (error: unknown) => { console.error(error); process.exit(1); });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    stack = await startLocalStack({ port, dynamoPort: number('HMB_DYNAMODB_PORT'), tableName: process.env.TABLE_NAME || 'huiminbao' });
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
