// A console user on AWS signs with the caller role their user pool group maps to
// (Cognito names every such session "CognitoIdentityCredentials"): the handler
// admits them as the partner console:<group>, to the plans the registry gives
// it, exactly as any partner; a web identity from anywhere else is unknown.
import { describe, expect, test } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { dispatch, type Gate } from '../../functions/core/http/handler.ts';
import { route, type Api } from '../../functions/core/http/api.ts';
import { consoleUserOf, type CallerRoles, type Signer } from '../../functions/core/http/access.ts';
import { consoleGroupFor, type ConsoleGroup, type Partner } from '../../functions/core/http/partners.ts';
import { DomainError } from '../../functions/core/errors.ts';

const ROLES: CallerRoles = {
  bureau: 'arn:aws:iam::111122223333:role/HuiminbaoStack-ApiBureauCaller1A2B',
  insurer: 'arn:aws:iam::111122223333:role/HuiminbaoStack-ApiInsurerCaller3C4D',
};
const POOLS = { identityPoolId: 'ap-east-1:0f0e0d0c-aaaa-bbbb-cccc-000000000001', userPoolProvider: 'cognito-idp.ap-east-1.amazonaws.com/ap-east-1_AbCdEf123' };
const USER = '6f1c2b3a-1111-4222-8333-944445555666';
const amr = (user = USER, provider = POOLS.userPoolProvider) => ['authenticated', provider, `${provider}:CognitoSignIn:${user}`];

/** What Cognito and API Gateway put in the request of a console user signing as `role`. */
function event(
  planId: string,
  role: 'BureauCaller1A2B' | 'InsurerCaller3C4D',
  cognitoIdentity: unknown,
  session = 'CognitoIdentityCredentials',
): APIGatewayProxyEventV2 {
  return {
    routeKey: 'GET /plans/{planId}/claims/{claimId}',
    pathParameters: { planId, claimId: 'c1' },
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r1',
      authorizer: { iam: { userArn: `arn:aws:sts::111122223333:assumed-role/HuiminbaoStack-Api${role}/${session}`, cognitoIdentity } },
    },
  } as unknown as APIGatewayProxyEventV2;
}

/** One route for insurers and the bureau that answers who it admitted. */
const api: Api = {
  'GET /plans/{planId}/claims/{claimId}': route({ summary: 'probe', responses: {}, handle: async ({ caller }) => ({ status: 200, body: caller }) }),
};

/** The registry: the PICC group's console users serve Wenshan as insurer; the city's account serves it as bureau. */
const REGISTRY: Partner[] = [
  { partnerId: 'console:insurer-picc-wenshan', kind: 'insurer', plans: ['wenshan-2023'], updatedAt: '2026-01-01T00:00:00Z' },
  { partnerId: 'console:bureau-wenshan', kind: 'bureau', plans: ['wenshan-2023'], updatedAt: '2026-01-01T00:00:00Z' },
];

function gate(groups: Record<string, ConsoleGroup[]>): Gate & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    access: { 'GET /plans/{planId}/claims/{claimId}': ['insurer', 'bureau'] },
    roles: ROLES,
    signing: true,
    partners: async (partnerId, kind) => REGISTRY.find((p) => p.partnerId === partnerId && p.kind === kind),
    console: {
      pools: POOLS,
      groups: async (user) => {
        asked.push(user);
        return groups[user] ?? [];
      },
    },
  };
}

const PICC: ConsoleGroup = { name: 'insurer-picc-wenshan', roleArn: ROLES.insurer, precedence: 1 };

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'admitted';
}

describe('a console user', () => {
  test('is the partner console:<group> of the group whose role they signed with, admitted to its plans only', async () => {
    const g = gate({ [USER]: [PICC] });
    const reply = await dispatch(api, event('wenshan-2023', 'InsurerCaller3C4D', { identityPoolId: POOLS.identityPoolId, amr: amr() }), g);
    expect(reply.body as Signer).toMatchObject({ kind: 'insurer', partnerId: 'console:insurer-picc-wenshan' });
    expect(g.asked).toEqual([USER]);
    // Another city's plan: as for any partner of Wenshan.
    expect(await refusal(dispatch(api, event('sanming-2024', 'InsurerCaller3C4D', { identityPoolId: POOLS.identityPoolId, amr: amr() }), g))).toBe(
      'NOT_YOUR_PLAN',
    );
  });

  test('in groups of two roles the identity pool gives none; in two groups of one role, the first in precedence names the partner', () => {
    const second: ConsoleGroup = { name: 'insurer-picc-sanming', roleArn: ROLES.insurer, precedence: 5 };
    expect(consoleGroupFor([second, PICC], ROLES.insurer!)).toBe('insurer-picc-wenshan');
    expect(consoleGroupFor([{ name: 'bureau-wenshan', roleArn: ROLES.bureau, precedence: 0 }, second], ROLES.insurer!)).toBe('insurer-picc-sanming');
    expect(consoleGroupFor([{ name: 'no-role' }], ROLES.insurer!)).toBeUndefined();
  });

  test('whose groups have no group of the role they signed with is unknown (a group removed since the credentials were given)', async () => {
    const g = gate({ [USER]: [{ name: 'bureau-wenshan', roleArn: ROLES.bureau, precedence: 1 }] });
    expect(await refusal(dispatch(api, event('wenshan-2023', 'InsurerCaller3C4D', { identityPoolId: POOLS.identityPoolId, amr: amr() }), g))).toBe(
      'UNKNOWN_CALLER',
    );
  });

  test('a web identity of another pool, a guest, or another user pool is unknown; the groups are not even read', async () => {
    const g = gate({ [USER]: [PICC] });
    for (const identity of [
      { identityPoolId: 'ap-east-1:99999999-aaaa-bbbb-cccc-000000000009', amr: amr() },
      { identityPoolId: POOLS.identityPoolId, amr: ['unauthenticated'] },
      { identityPoolId: POOLS.identityPoolId, amr: amr(USER, 'cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Other9999') },
    ])
      expect(await refusal(dispatch(api, event('wenshan-2023', 'InsurerCaller3C4D', identity), g))).toBe('UNKNOWN_CALLER');
    expect(g.asked).toEqual([]);
    // Without the console deployed (no pools known), any web identity is unknown.
    const { console: _, ...bare } = g;
    expect(await refusal(dispatch(api, event('wenshan-2023', 'InsurerCaller3C4D', { identityPoolId: POOLS.identityPoolId, amr: amr() }), bare))).toBe(
      'UNKNOWN_CALLER',
    );
  });

  test("a partner's own session (no Cognito identity) is read as before: the partner its session names", async () => {
    const reply = await dispatch(api, event('wenshan-2023', 'BureauCaller1A2B', null, '444455556666'), {
      ...gate({}),
      partners: async (partnerId, kind) => ({ partnerId, kind, plans: ['wenshan-2023'], updatedAt: '2026-01-01T00:00:00Z' }),
    });
    expect(reply.body).toMatchObject({ kind: 'bureau', partnerId: '444455556666' });
  });
});

describe('consoleUserOf', () => {
  test('the sub the authentication names, only for an authenticated identity of this pool and user pool', () => {
    expect(consoleUserOf({ identityPoolId: POOLS.identityPoolId, amr: amr() }, POOLS)).toBe(USER);
    expect(consoleUserOf({ identityPoolId: POOLS.identityPoolId, amr: amr('../../evil') }, POOLS)).toBeUndefined();
    expect(consoleUserOf({ identityPoolId: POOLS.identityPoolId, amr: ['authenticated'] }, POOLS)).toBeUndefined();
    expect(consoleUserOf(null, POOLS)).toBeUndefined();
    expect(consoleUserOf({ identityPoolId: POOLS.identityPoolId, amr: amr() }, undefined)).toBeUndefined();
  });
});
