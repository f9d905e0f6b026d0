// What the HTTP benchmarks share: a warm DynamoDB Local, the local stack on it,
// a bounded concurrent runner, and valid resident IDs.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal, type DynamoLocal } from '../local/dynamodb.ts';
import { startLocalStack, type LocalStack } from '../local/main.ts';
import { residentIdCheckChar } from '../functions/core/identity/resident-id.ts';
import { addDays } from '../functions/core/dates/dates.ts';

/** Runs `task(i)` for i < n with `concurrency` in flight; returns operations per second. */
export async function rate(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

/** CPU time an operation cost, in ms: DynamoDB Local's JVM, and this process (load generator, gateway, handlers, SDK). */
export interface CpuPerOperation {
  dynamo: number;
  node: number;
}

export interface Measured {
  perSecond: number;
  /** Absent where the JVM's CPU time cannot be read (no /proc: not Linux). */
  cpu?: CpuPerOperation;
}

/** A process's CPU time so far in ms (user + system, from /proc); undefined without /proc. */
function cpuMs(pid: number | 'self'): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime and stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** As rate, and the CPU each operation cost DynamoDB Local's JVM (`javaPid`) and this process. */
export async function measure(javaPid: number, n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<Measured> {
  const dynamoBefore = cpuMs(javaPid);
  const nodeBefore = process.cpuUsage();
  const perSecond = await rate(n, concurrency, task);
  const dynamoAfter = cpuMs(javaPid);
  const node = process.cpuUsage(nodeBefore);
  if (dynamoBefore === undefined || dynamoAfter === undefined) return { perSecond };
  return { perSecond, cpu: { dynamo: (dynamoAfter - dynamoBefore) / n, node: (node.user + node.system) / 1000 / n } };
}

/** A valid resident ID (GB 11643) in `region`, numbered n: a birth day in 1980 and a sequence (365,000 distinct). */
export function residentId(region: string, n: number): string {
  const born = addDays('1980-01-01', Math.floor(n / 1000) % 365).replaceAll('-', '');
  const first17 = `${region}${born}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

// The load generator shares the machine with what it measures: node:http on kept-alive sockets costs it about
// a third less CPU per request than fetch (undici and its web streams), and that CPU goes to the stack instead.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a JSON body; answers the status and the body's text. */
function send(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** DynamoDB Local and the local stack on it, stopped afterwards whatever happens. */
export async function withStack<T>(
  run: (dynamo: DynamoLocal, stack: LocalStack, post: (path: string, body: unknown) => Promise<unknown>) => Promise<T>,
  options: { clock?: string } = {},
): Promise<T> {
  const dynamo = await startDynamoLocal();
  try {
    const stack = await startLocalStack({ endpoint: dynamo.endpoint, tableName: 'bench', quiet: true, ...options });
    const post = async (path: string, body: unknown) => {
      const response = await send(`${stack.url}${path}`, JSON.stringify(body));
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
      return JSON.parse(response.text);
    };
    try {
      return await run(dynamo, stack, post);
    } finally {
      await stack.stop();
    }
  } finally {
    await dynamo.stop();
  }
}

/** The better of two raw runs around the measured one: the JVM warms up, and a slow raw figure must not flatter a ratio. */
export async function rawAround<R extends number | Measured, M>(
  raw: (round: number) => Promise<R>,
  measured: () => Promise<M>,
): Promise<{ raw: R; measured: M }> {
  const speed = (r: R) => (typeof r === 'number' ? r : r.perSecond);
  await raw(0); // warm-up; each round writes its own keys
  const before = await raw(1);
  const value = await measured();
  const after = await raw(2);
  return { raw: speed(after) > speed(before) ? after : before, measured: value };
}

/** The raw-rate table the benchmarks write to, beside the product's own. */
export const RAW_TABLE = 'bench-raw';

/** DynamoDB Local's raw conditional PutItem: `n` new items with `concurrency` in flight, round `r` writing its own keys. */
export function rawConditionalPuts(dynamo: DynamoLocal, n: number, concurrency: number) {
  return (r: number) =>
    measure(dynamo.pid, n, concurrency, async (i) => {
      await dynamo.client.send(
        new PutItemCommand({
          TableName: RAW_TABLE,
          Item: { pk: { S: `PERSON#${r}#${i}` }, sk: { S: 'POLICY' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    });
}

/** One enrollment's reads as DynamoDB sees them: a BatchGetItem of the policy, the person and the window (keys of round `r`, item `i`). */
export async function rawEnrollmentReads(dynamo: DynamoLocal, r: number, i: number): Promise<void> {
  const key = (prefix: string) => ({ pk: { S: `${prefix}#${r}#${i}` }, sk: { S: 'F' } });
  await dynamo.client.send(
    new BatchGetItemCommand({
      RequestItems: { [RAW_TABLE]: { ConsistentRead: true, Keys: [key('POLICY'), key('PERSON'), { pk: { S: 'WINDOW' }, sk: { S: 'F' } }] } },
    }),
  );
}
