// Signed requests on DynamoDB Local: on AWS an IAM-authorized route's event
// names the caller role session that signed it; the window's history and an
// order's approvals record it beside the actor the request names, so the
// bureau can tell who really opened a window or confirmed a list. Unsigned
// (local) requests record the actor alone.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import { createHttpHandler } from '../../functions/core/http/handler.ts';
import { enrollmentApi } from '../../functions/core/api/enrollment.ts';
import { charityApi } from '../../functions/core/api/charity.ts';
import { localClient } from '../../local/dynamodb.ts';
import type { Caller, RouteAccess } from '../../functions/core/http/access.ts';
import { access as windowsAccess } from '../../functions/enrollment-windows/routes.ts';
import { access as charityAccess } from '../../functions/charity-purchase/routes.ts';
import { seedPlan } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';

const client = localClient(inject('dynamoEndpoint'));
const plan = seedPlan('sanming-2024');
/** A session of a caller role, named (as the roles' trust requires) after the partner's account. */
const role = (name: string, account: string) => `arn:aws:sts::111122223333:assumed-role/HuiminbaoStack-Api${name}Caller-ABC/${account}`;
const ROLES = Object.fromEntries(
  ['Bureau', 'Insurer', 'Sponsor', 'Channel'].map((n) => [n.toLowerCase(), `arn:aws:iam::111122223333:role/HuiminbaoStack-Api${n}Caller-ABC`]),
);
const ACCOUNTS = { bureau: '210000000001', insurer: '210000000002', sponsor: '210000000003', channel: '210000000004' } as const;
const [BUREAU, INSURER, SPONSOR, CHANNEL] = [
  role('Bureau', ACCOUNTS.bureau),
  role('Insurer', ACCOUNTS.insurer),
  role('Sponsor', ACCOUNTS.sponsor),
  role('Channel', ACCOUNTS.channel),
];

function event(routeKey: string, pathParameters: Record<string, string>, body: unknown, signedBy?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), ...(signedBy ? { authorizer: { iam: { userArn: signedBy } } } : {}) },
  } as unknown as APIGatewayProxyEventV2;
}

describe('signed requests', () => {
  test("record who signed beside the actor named: a window's history, an order's approvals", async () => {
    const table = `signed-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    const deps: Deps = { plans: fixedCatalog([plan]), store, now: () => new Date('2023-12-01T10:00:00+08:00'), queue: { send: async () => {} } };
    const logger = new Logger({ serviceName: 'test', logLevel: 'ERROR' });
    const call = async (handler: ReturnType<typeof createHttpHandler>, e: APIGatewayProxyEventV2) => {
      const r = await handler(e, {} as Context);
      return { status: r.statusCode, body: JSON.parse(r.body as string) };
    };
    const planId = plan.id;
    // Each partner serves the plan as its kind (the partner registry), as on AWS.
    for (const [kind, account] of Object.entries(ACCOUNTS))
      await store.putPartner({ partnerId: account, kind: kind as Caller, plans: [planId], updatedAt: '2023-11-01T00:00:00Z' });
    const gate = (access: RouteAccess) => () => ({ access, roles: ROLES, signing: true, partners: (id: string, kind: Caller) => store.getPartner(id, kind) });
    const windows = createHttpHandler(
      enrollmentApi(() => deps),
      logger,
      gate(windowsAccess),
    );
    const orders = createHttpHandler(
      charityApi(() => deps),
      logger,
      gate(charityAccess),
    );
    // The local stack signs nothing.
    const unsigned = createHttpHandler(
      enrollmentApi(() => deps),
      logger,
    );

    const opened = await call(
      windows,
      event('POST /plans/{planId}/window/open', { planId }, { actor: '医保局 窗口', closesAt: '2024-01-01T00:00:00+08:00' }, BUREAU),
    );
    expect(opened.status).toBe(200);
    expect(opened.body.events).toEqual([expect.objectContaining({ action: 'open', actor: '医保局 窗口', signedBy: BUREAU })]);
    // The public read of the window shows its history without who signed (partner accounts, staff sessions).
    const read = await call(windows, event('GET /plans/{planId}/window', { planId }, undefined));
    expect(read.body.events).toEqual([expect.objectContaining({ action: 'open', actor: '医保局 窗口' })]);
    expect(JSON.stringify(read.body)).not.toContain('arn:aws');
    // The bureau's audit read has it.
    const history = await call(windows, event('GET /plans/{planId}/window/history', { planId }, undefined, BUREAU));
    expect(history.body.events).toEqual([expect.objectContaining({ action: 'open', actor: '医保局 窗口', signedBy: BUREAU })]);
    // Moving the close of the window now open extends it.
    const extended = await call(
      windows,
      event('POST /plans/{planId}/window/open', { planId }, { actor: '医保局 窗口', closesAt: '2024-01-15T00:00:00+08:00' }, BUREAU),
    );
    expect(extended.body.events.map((e: { action: string }) => e.action)).toEqual(['open', 'extend']);
    // Unsigned (the local stack): the actor alone.
    expect(await call(windows, event('POST /plans/{planId}/window/close', { planId }, { actor: 'local tester' }))).toMatchObject({
      status: 403,
      body: { error: 'NOT_SIGNED' },
    });
    const closed = await call(unsigned, event('POST /plans/{planId}/window/close', { planId }, { actor: 'local tester' }));
    expect(closed.body.events.at(-1)).toEqual(expect.objectContaining({ action: 'close', actor: 'local tester' }));
    expect(closed.body.events.at(-1)).not.toHaveProperty('signedBy');
    await call(windows, event('POST /plans/{planId}/window/open', { planId }, { actor: '医保局 窗口', closesAt: '2024-01-01T00:00:00+08:00' }, BUREAU));

    // An account debit is the bureau's to confirm: a channel reporting one could spend any account.
    const member = residentId('350404', 702);
    await store.putPeople([
      {
        personId: member,
        name: '职工',
        scheme: 'employee',
        status: 'active',
        suspensions: [],
        regionCode: '350404',
        reliefGroups: [],
        newCitizen: false,
        hongKongMacaoTaiwan: false,
        accountBalance: '1000.00',
        updatedAt: '2023-11-01T00:00:00Z',
      },
    ]);
    expect(
      (
        await call(
          windows,
          event('POST /plans/{planId}/policies', { planId }, { requestId: randomUUID(), personId: member, tier: 'standard', channel: 'wechat' }, CHANNEL),
        )
      ).status,
    ).toBe(201);
    const debit = { paymentId: 'yb-000702', channel: 'personal-account', amount: '150.00' };
    expect(await call(windows, event('POST /plans/{planId}/policies/{personId}/payments', { planId, personId: member }, debit, CHANNEL))).toMatchObject({
      status: 403,
      body: { error: 'NOT_YOUR_PAYMENT' },
    });
    expect(await call(windows, event('POST /plans/{planId}/policies/{personId}/payments', { planId, personId: member }, debit, BUREAU))).toMatchObject({
      status: 200,
      body: { policy: { status: 'paid' } },
    });

    const people = [residentId('350404', 700), residentId('350404', 701)];
    await store.putPeople(
      people.map((personId) => ({
        personId,
        name: '受助人',
        scheme: 'resident',
        status: 'active',
        suspensions: [],
        regionCode: '350404',
        reliefGroups: ['tekun'],
        newCitizen: false,
        hongKongMacaoTaiwan: false,
        updatedAt: '2023-11-01T00:00:00Z',
      })),
    );
    const created = await call(
      orders,
      event(
        'POST /plans/{planId}/orders',
        { planId },
        {
          requestId: randomUUID(),
          sponsor: { name: '三明市民政局', kind: 'government', creditCode: '11110000000029209E' },
          actor: '民政局 经办人',
          tier: 'standard',
          contribution: 'full',
          beneficiaries: people,
        },
        SPONSOR,
      ),
    );
    expect(created.status).toBe(201);
    const orderId = created.body.orderId;
    // The sponsor cannot confirm its own list, nor pay where finance pays: nothing is recorded.
    const selfConfirmed = await call(
      orders,
      event('POST /plans/{planId}/orders/{orderId}/approvals', { planId, orderId }, { step: 'lead-insurer-confirms', actor: '民政局 经办人' }, SPONSOR),
    );
    expect(selfConfirmed).toMatchObject({ status: 403, body: { error: 'NOT_YOUR_STEP', takers: ['insurer'] } });
    // A role merely named like one of ours is none of them: refused before anything is read.
    expect(
      await call(
        orders,
        event(
          'POST /plans/{planId}/orders/{orderId}/approvals',
          { planId, orderId },
          { step: 'lead-insurer-confirms', actor: 'x' },
          role('Other', ACCOUNTS.insurer),
        ),
      ),
    ).toMatchObject({ status: 403, body: { error: 'UNKNOWN_CALLER' } });
    expect((await call(orders, event('GET /plans/{planId}/orders/{orderId}', { planId, orderId }, undefined, SPONSOR))).body.approvals).toHaveLength(1);
    await call(
      orders,
      event('POST /plans/{planId}/orders/{orderId}/approvals', { planId, orderId }, { step: 'lead-insurer-confirms', actor: '主承保 核对' }, INSURER),
    );
    expect(
      await call(
        orders,
        event('POST /plans/{planId}/orders/{orderId}/payment', { planId, orderId }, { paymentId: 'spn-000701', amount: '300.00', actor: '民政局' }, SPONSOR),
      ),
    ).toMatchObject({ status: 403, body: { error: 'NOT_YOUR_STEP', takers: ['bureau'] } });
    // 2 × 150.00 = 300.00, paid by finance (a bureau-side office).
    const paid = await call(
      orders,
      event('POST /plans/{planId}/orders/{orderId}/payment', { planId, orderId }, { paymentId: 'fin-000701', amount: '300.00', actor: '财政局' }, BUREAU),
    );
    expect(paid.status).toBe(200);
    expect(paid.body.approvals).toEqual([
      expect.objectContaining({ step: 'civil-affairs-submits', actor: '民政局 经办人', signedBy: SPONSOR }),
      expect.objectContaining({ step: 'lead-insurer-confirms', actor: '主承保 核对', signedBy: INSURER }),
      expect.objectContaining({ step: 'finance-pays', actor: '财政局', signedBy: BUREAU }),
    ]);
  });
});
