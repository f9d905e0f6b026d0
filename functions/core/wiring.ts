// The composition root: what a Lambda container (or the local process) serves
// with, built once from the environment. Only handlers and local/ import it;
// the domain depends on Deps (deps.ts) alone and never on the AWS SDK.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AdminListGroupsForUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Deps } from './deps.ts';
import { storedCatalog } from './plan/catalog.ts';
import { DynamoStore } from './store/dynamo.ts';
import { DynamoWorkJournal } from './store/work-journal.ts';
import { InProcessQueue } from './work/queue.ts';
import { SqsQueue } from './work/sqs-queue.ts';
import { runWork } from './work/worker.ts';
import type { Gate } from './http/handler.ts';
import type { CallerRoles, ConsolePools, RouteAccess } from './http/access.ts';
import { cached, cachedPartners, type ConsoleGroup, type ConsoleGroups } from './http/partners.ts';

const built = new Map<string, Deps>();

/** A Lambda given no queue sends no work (CDK gives QUEUE_URL to the functions that do); sending would be a wiring fault. */
const NO_QUEUE = {
  send: async (message: { kind: string }) => {
    throw new Error(`this function has no work queue (QUEUE_URL), yet sent ${message.kind}`);
  },
};

/** Milliseconds from an environment variable, or the default. */
function millis(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Deps from TABLE_NAME, QUEUE_URL (on AWS) and, locally, HMB_DYNAMODB_ENDPOINT; built once per distinct environment
 * (a Lambda container has one; a test process may run several local stacks). Plans are read from the plan store on
 * first use (HMB_PLAN_CACHE_MS: how long the index and a plan's versions are trusted, default a minute).
 */
export function defaultDeps(): Deps {
  const table = process.env.TABLE_NAME;
  if (!table) throw new Error('TABLE_NAME is not set');
  const endpoint = process.env.HMB_DYNAMODB_ENDPOINT;
  const clock = localClock();
  const key = `${table}|${endpoint ?? ''}|${process.env.HMB_CLOCK ?? ''}`;
  const known = built.get(key);
  if (known) return known;
  const client = new DynamoDBClient(endpoint ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {});
  const store = new DynamoStore(client, table);
  // On AWS the worker Lambda consumes the SQS queue; locally the work runs in this process's background, journaled in
  // the table so a process killed mid-work resumes it at its next start.
  const queueUrl = process.env.QUEUE_URL;
  const deps: Deps = {
    plans: storedCatalog(store, { freshForMs: millis('HMB_PLAN_CACHE_MS', 60_000) }),
    store,
    now: clock,
    queue: queueUrl
      ? new SqsQueue(queueUrl)
      : process.env.AWS_LAMBDA_FUNCTION_NAME
        ? NO_QUEUE
        : new InProcessQueue((m) => runWork(deps, m), new DynamoWorkJournal(client, table)),
  };
  built.set(key, deps);
  return deps;
}

/**
 * The clock: the real one, or locally (never on Lambda) one that starts at HMB_CLOCK and runs on from there, so a
 * local stack can live in a plan's own year (a demo of a past plan: ended cover takes no order in real time).
 */
export function localClock(): () => Date {
  const start = process.env.HMB_CLOCK ? Date.parse(process.env.HMB_CLOCK) : Number.NaN;
  if (Number.isNaN(start) || process.env.AWS_LAMBDA_FUNCTION_NAME) return () => new Date();
  const startedAt = Date.now();
  return () => new Date(start + (Date.now() - startedAt));
}

/**
 * Who may call a service's routes: on AWS (HMB_CALLER_ROLES, the caller roles' ARNs by kind) every non-public route
 * needs a signer of an allowed kind whose partner serves the plan; without it (the local stack) nothing is signed.
 */
export function defaultGate(access: RouteAccess): () => Gate {
  let gate: Gate | undefined;
  return () => {
    if (gate) return gate;
    const roles = process.env.HMB_CALLER_ROLES ? (JSON.parse(process.env.HMB_CALLER_ROLES) as CallerRoles) : undefined;
    const store = defaultDeps().store;
    const consolePools = process.env.HMB_CONSOLE ? (JSON.parse(process.env.HMB_CONSOLE) as ConsolePools & { userPoolId: string }) : undefined;
    gate = {
      access,
      roles: roles ?? {},
      signing: roles !== undefined,
      partners: cachedPartners((partnerId, kind) => store.getPartner(partnerId, kind), millis('HMB_PARTNER_CACHE_MS', 60_000)),
      // A console user's groups, read as often as the registry: leaving a group takes effect within a minute.
      ...(consolePools
        ? { console: { pools: consolePools, groups: cached(userGroups(consolePools.userPoolId), millis('HMB_PARTNER_CACHE_MS', 60_000)) } }
        : {}),
    };
    return gate;
  };
}

/** A user pool user's groups (by sub, which Cognito takes where a user name is asked), every page. */
function userGroups(userPoolId: string): ConsoleGroups {
  const cognito = new CognitoIdentityProviderClient({});
  return async (user) => {
    const groups: ConsoleGroup[] = [];
    let NextToken: string | undefined;
    do {
      const page = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: user, Limit: 60, NextToken }));
      for (const g of page.Groups ?? []) if (g.GroupName) groups.push({ name: g.GroupName, roleArn: g.RoleArn, precedence: g.Precedence });
      NextToken = page.NextToken;
    } while (NextToken);
    return groups;
  };
}
