// Tenancy as deployed: for every kind of caller, a partner of plan A is refused
// on every route of plan B, and a partner of A and B reaches both. IAM (the
// synthesized caller role of the kind, its execute-api grants) admits the kind
// to its routes of any plan; each service's handler then admits a signer only
// to the plans the partner registry gives it, with the roles the template
// hands the functions (HMB_CALLER_ROLES). The registry lives in DynamoDB Local.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { HuiminbaoStack } from '../../infra/stack.ts';
import { parseRouteKey } from '../../infra/constructs/api.ts';
import { services, type ServiceSpec } from '../../functions/services.ts';
import { CALLERS, isPublic, type Caller, type CallerRoles } from '../../functions/core/http/access.ts';
import { dispatch, type Gate } from '../../functions/core/http/handler.ts';
import { DomainError } from '../../functions/core/errors.ts';
import type { Api } from '../../functions/core/http/api.ts';
import { adjudicationApi } from '../../functions/core/api/adjudication.ts';
import { enrollmentApi } from '../../functions/core/api/enrollment.ts';
import { eligibilityApi } from '../../functions/core/api/eligibility.ts';
import { charityApi } from '../../functions/core/api/charity.ts';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { localClient } from '../../local/dynamodb.ts';
import { residentId } from '../support/roster.ts';
import { shapeApp, SYNTH_TIMEOUT } from './support.ts';

const ACCOUNT = '111122223333';
const [A, B] = ['city-a-2027', 'city-b-2027'];
/** Partners by kind: one serving A, one serving A and B (a consortium insurer serves several cities). */
const partner = (kind: Caller, both: boolean) => `${both ? 5 : 4}0000000000${CALLERS.indexOf(kind)}`;

let template: Template;
/** What each function is told of the caller roles, as deployed (role ARNs named after their logical ids). */
const rolesOf = new Map<string, CallerRoles>();
/** Each role's execute-api grants, as the part after the API id. */
const grants = new Map<Caller, RegExp[]>();
let store: DynamoStore;

beforeAll(async () => {
  const stack = new HuiminbaoStack(shapeApp(), 'HuiminbaoStack');
  template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const roleArn = (logicalId: string) => `arn:aws:iam::${ACCOUNT}:role/${logicalId}`;
  for (const { spec, fn } of stack.services.deployed) {
    const env = resources[stack.getLogicalId(fn.node.defaultChild as any)].Properties.Environment.Variables.HMB_CALLER_ROLES;
    const text = (env['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : roleArn((part as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0])))
      .join('');
    rolesOf.set(spec.name, JSON.parse(text) as CallerRoles);
  }
  for (const caller of CALLERS) {
    const id = stack.getLogicalId(stack.api.callerRoles[caller].node.defaultChild as any);
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: id }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    grants.set(
      caller,
      statements
        .flatMap((st: any) => [st.Resource].flat())
        .map((arn: any) => arn['Fn::Join'][1].at(-1) as string)
        .map(
          (pattern: string) =>
            new RegExp(
              `^${pattern
                .split('*')
                .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
                .join('.*')}$`,
            ),
        ),
    );
  }
  const client = localClient(inject('dynamoEndpoint'));
  const table = `tenancy-${randomUUID()}`;
  await ensureTable(client, table);
  store = new DynamoStore(client, table);
  for (const kind of CALLERS) {
    await store.putPartner({ partnerId: partner(kind, false), kind, plans: [A], updatedAt: '2026-12-01T00:00:00Z' });
    await store.putPartner({ partnerId: partner(kind, true), kind, plans: [A, B], updatedAt: '2026-12-01T00:00:00Z' });
  }
}, SYNTH_TIMEOUT);

function apiOf(spec: ServiceSpec): Api {
  const deps = (): Deps => ({ plans: fixedCatalog([]), store, now: () => new Date('2027-03-01T10:00:00+08:00'), queue: { send: async () => {} } });
  const apis: Record<ServiceSpec['name'], () => Api> = {
    adjudication: () => adjudicationApi(deps, () => ({})),
    'enrollment-windows': () => enrollmentApi(deps),
    eligibility: () => eligibilityApi(deps),
    'charity-purchase': () => charityApi(deps),
  };
  return apis[spec.name]();
}

/** A request to the route of `planId`, signed by the kind's role in a session named after the partner's account. */
function signed(routeKey: string, planId: string, kind: Caller, partnerId: string, roleArn: string): APIGatewayProxyEventV2 {
  const roleName = roleArn.split('/').at(-1);
  const params = Object.fromEntries(
    [...routeKey.matchAll(/\{(\w+)\}/g)].map(([, name]) => [
      name,
      name === 'planId' ? planId : /person|member/i.test(name) ? residentId('620602', 1) : name === 'date' ? '2027-03-01' : 'x-1',
    ]),
  );
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: params,
    body: routeKey.startsWith('POST') ? '{}' : undefined,
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), authorizer: { iam: { userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${partnerId}` } } },
  } as unknown as APIGatewayProxyEventV2;
}

/** Whether the gate admits it: refusals of the gate are 403s; anything past it (400, 404, 200…) was admitted. */
async function admitted(spec: ServiceSpec, event: APIGatewayProxyEventV2): Promise<{ admitted: true } | { admitted: false; code: string }> {
  const gate: Gate = { access: spec.access, roles: rolesOf.get(spec.name)!, signing: true, partners: (id, kind) => store.getPartner(id, kind) };
  try {
    await dispatch(apiOf(spec), event, gate);
    return { admitted: true };
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'forbidden' && ['NOT_YOUR_PLAN', 'NOT_YOUR_ROUTE', 'UNKNOWN_CALLER', 'NOT_SIGNED'].includes(error.code))
      return { admitted: false, code: error.code };
    return { admitted: true };
  }
}

const planRoutes = services.flatMap((spec) =>
  spec.routes.filter((key) => key.includes('{planId}') && !isPublic(spec.access[key])).map((key) => ({ spec, key })),
);

describe.each(CALLERS)('a partner signing as %s', (kind) => {
  const theirs = planRoutes.filter(({ spec, key }) => (spec.access[key] as readonly string[]).includes(kind));
  const request = (key: string, planId: string) => {
    const { method, path } = parseRouteKey(key);
    return `/$default/${method}${path.replaceAll('{planId}', planId).replace(/\{[^}]+\}/g, 'x1')}`;
  };

  test("IAM lets the kind's role invoke its routes of A and of B alike (the registry tells the plans apart)", () => {
    expect(theirs.length).toBeGreaterThan(0);
    for (const { key } of theirs)
      for (const planId of [A, B])
        expect(
          grants.get(kind)!.some((g) => g.test(request(key, planId))),
          `${key} ${planId}`,
        ).toBe(true);
  });

  test("of plan A only: refused on every route of plan B, admitted on A's", async () => {
    for (const { spec, key } of theirs) {
      const role = rolesOf.get(spec.name)![kind]!;
      expect(await admitted(spec, signed(key, B, kind, partner(kind, false), role)), `${key} on B`).toEqual({ admitted: false, code: 'NOT_YOUR_PLAN' });
      expect(await admitted(spec, signed(key, A, kind, partner(kind, false), role)), `${key} on A`).toEqual({ admitted: true });
    }
  });

  test('of plans A and B: admitted on both', async () => {
    for (const { spec, key } of theirs) {
      const role = rolesOf.get(spec.name)![kind]!;
      for (const planId of [A, B])
        expect(await admitted(spec, signed(key, planId, kind, partner(kind, true), role)), `${key} on ${planId}`).toEqual({ admitted: true });
    }
  });

  test('refused on the routes of other kinds, even of its own plan', async () => {
    for (const { spec, key } of planRoutes.filter((r) => !theirs.includes(r))) {
      const other = CALLERS.find((c) => (spec.access[key] as readonly string[]).includes(c))!;
      // Signed with its own role: IAM would refuse it already; the handler does too.
      expect(await admitted(spec, signed(key, A, kind, partner(kind, true), rolesOf.get(spec.name)![kind]!)), key).toEqual({
        admitted: false,
        code: 'NOT_YOUR_ROUTE',
      });
      expect(other).toBeDefined();
    }
  });
});

test("a role named like a caller role but not one of the deployment's is refused", async () => {
  const { spec, key } = planRoutes[0];
  const event = signed(key, A, 'insurer', partner('insurer', true), `arn:aws:iam::${ACCOUNT}:role/SomeonesInsurerCallerRole`);
  expect(await admitted(spec, event)).toEqual({ admitted: false, code: 'UNKNOWN_CALLER' });
});
