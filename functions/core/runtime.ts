// What a service needs at run time: the plans, the store and a clock. Built
// once per Lambda container (or local process) from the environment.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadPlans, defaultPlansDir, formatProblem, type LoadedPlan } from './plan/loader.ts';
import { DynamoStore } from './store/dynamo.ts';
import type { Store } from './store/store.ts';
import { notFound } from './errors.ts';

export interface Deps {
  plans: ReadonlyMap<string, LoadedPlan>;
  store: Store;
  now: () => Date;
}

export function requirePlan(deps: Deps, planId: string): LoadedPlan {
  const plan = deps.plans.get(planId);
  if (!plan) throw notFound('PLAN_NOT_FOUND', `no plan "${planId}"`, { planId });
  return plan;
}

let cached: Deps | undefined;

/** Deps from TABLE_NAME, HMB_PLANS_DIR and (locally) HMB_DYNAMODB_ENDPOINT; plans that fail to load are logged and skipped. */
export function defaultDeps(): Deps {
  if (cached) return cached;
  const table = process.env.TABLE_NAME;
  if (!table) throw new Error('TABLE_NAME is not set');
  const endpoint = process.env.HMB_DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(endpoint
    ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {});
  const { plans, problems } = loadPlans(defaultPlansDir());
  for (const p of problems) console.error(formatProblem(p));
  cached = { plans, store: new DynamoStore(client, table), now: () => new Date() };
  return cached;
}
