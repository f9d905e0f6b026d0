// kill -9 of the local stack in the middle of a sponsor's fulfilment: the work
// was journaled when queued, so the next start resumes it with no manual call,
// and every beneficiary is enrolled exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { localClient } from '../../local/dynamodb.ts';
import { residentId } from '../support/roster.ts';

const root = resolve(import.meta.dirname, '../..');
const table = `crash-${randomUUID()}`;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the stack in a process of its own; resolves with its URL once it serves. */
async function startStack(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['test/support/stack-process.ts'], {
    cwd: root,
    env: { ...process.env, HMB_TEST_ENDPOINT: inject('dynamoEndpoint'), HMB_TEST_TABLE: table },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('{')) return { url: (JSON.parse(line) as { url: string }).url, child };
  }
  throw new Error('the stack process ended before serving');
}

describe('a local stack killed mid-fulfilment', () => {
  test('resumes the fulfilment by itself when it starts again, enrolling everyone once', { timeout: 240_000 }, async () => {
    let { url, child } = await startStack();
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as any };
    };
    // Wuwei's cover starts at enrollment (即参即享): it sells in any year. 4,000 dibao recipients of Liangzhou.
    expect((await call('POST', '/plans/wuwei-2025/window/open', { actor: 'bureau', reason: 'crash test' })).status).toBe(200);
    const people = Array.from({ length: 4000 }, (_, i) => residentId('620602', 80_000 + i));
    for (let i = 0; i < people.length; i += 500) {
      const rows = people
        .slice(i, i + 500)
        .map((personId) => ({ personId, name: '受助人', scheme: 'resident', status: 'active', regionCode: '620602', reliefGroups: ['dibao'] }));
      expect((await call('POST', '/plans/wuwei-2025/roster', { people: rows })).body.accepted).toBe(500);
    }
    const sponsor = { name: '武威市慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' };
    const placed = await call('POST', '/plans/wuwei-2025/orders', {
      requestId: randomUUID(),
      sponsor,
      actor: '慈善总会',
      tier: 'basic',
      contribution: 'full',
      beneficiaries: people,
    });
    const orderId = placed.body.orderId as string;
    let order = placed.body;
    while (order.status !== 'quoted') {
      await new Promise((r) => setTimeout(r, 100));
      order = (await call('GET', `/plans/wuwei-2025/orders/${orderId}`)).body;
    }
    // 4,000 × 69.00 = 276,000.00.
    expect(order.quote).toMatchObject({ covered: 4000, amount: '276000.00' });
    expect(
      (await call('POST', `/plans/wuwei-2025/orders/${orderId}/payment`, { paymentId: randomUUID(), amount: '276000.00', actor: '慈善总会' })).body.status,
    ).toBe('paid');

    // Killed as soon as the fulfilment has enrolled its first page, long before it ends.
    for (let i = 0; i < 600; i++) {
      const counted = (await call('GET', '/plans/wuwei-2025/participation')).body;
      if (counted.enrolled > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const store = new DynamoStore(localClient(inject('dynamoEndpoint')), table);
    const atKill = (await store.getOrder('wuwei-2025', orderId))!;
    expect(atKill.status).toBe('paid');
    const enrolledAtKill = (await store.getCounters('wuwei-2025')).total ?? 0;
    expect(enrolledAtKill).toBeGreaterThan(0);
    expect(enrolledAtKill).toBeLessThan(4000);

    // Started again: nobody replays the payment; the work resumes from where its job stood.
    ({ url, child } = await startStack());
    for (let i = 0; i < 2000 && order.status !== 'fulfilled'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      order = (await call('GET', `/plans/wuwei-2025/orders/${orderId}`)).body;
    }
    expect(order).toMatchObject({ status: 'fulfilled', result: { enrolled: 4000, refunded: { people: 0, amount: '0.00' } } });
    // Counted once each, whatever page was redone.
    expect((await store.getCounters('wuwei-2025')).total).toBe(4000);
    const policies = await store.getPeopleAndPolicies('wuwei-2025', people);
    expect(policies.policies.size).toBe(4000);
    expect([...policies.policies.values()].every((p) => p.status === 'paid' && p.payments.length === 1)).toBe(true);
    child.kill('SIGKILL');
  });
});
