// What a service needs at run time: the plans, the store and a clock. Built
// once per Lambda container (or local process) from the environment.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadPlans, defaultPlansDir, formatProblem, type LoadedPlan } from './plan/loader.ts';
import { DynamoStore } from './store/dynamo.ts';
import type { Store } from './store/store.ts';
import { notFound } from './errors.ts';
import { InProcessQueue, SqsQueue, type WorkQueue } from './work/queue.ts';
import { runWork } from './work/worker.ts';

export interface Deps {
  plans: ReadonlyMap<string, LoadedPlan>;
  store: Store;
  now: () => Date;
  /** Where sponsors' orders wait for their long work (quoting a long list, fulfilment). */
  queue: WorkQueue;
}

export function requirePlan(deps: Deps, planId: string): LoadedPlan {
  const plan = deps.plans.get(planId);
  if (!plan) throw notFound('PLAN_NOT_FOUND', `no plan "${planId}"`, { planId });
  return plan;
}

const cache = new Map<string, Deps>();

/**
 * Deps from TABLE_NAME, HMB_PLANS_DIR, QUEUE_URL (on AWS) and (locally) HMB_DYNAMODB_ENDPOINT, built once per distinct environment
 * (a Lambda container has one; a test process may run several local stacks). Plans that fail to load are logged and skipped.
 */
export function defaultDeps(): Deps {
  const table = process.env.TABLE_NAME;
  if (!table) throw new Error('TABLE_NAME is not set');
  const endpoint = process.env.HMB_DYNAMODB_ENDPOINT;
  const plansDir = defaultPlansDir();
  const key = `${table}|${endpoint ?? ''}|${plansDir}`;
  const known = cache.get(key);
  if (known) return known;
  const client = new DynamoDBClient(endpoint
    ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {});
  const { plans, problems } = loadPlans(plansDir);
  for (const p of problems) console.error(formatProblem(p));
  // On AWS the charity Lambda consumes the SQS queue; locally the work runs in this process's background.
  const queueUrl = process.env.QUEUE_URL;
  const deps: Deps = {
    plans, store: new DynamoStore(client, table), now: () => new Date(),
    queue: queueUrl ? new SqsQueue(queueUrl) : new InProcessQueue((m) => runWork(deps, m)),
  };
  cache.set(key, deps);
  return deps;
}
