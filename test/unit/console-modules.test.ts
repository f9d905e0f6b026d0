// The console's pure modules: its SigV4 signer against the AWS SDK's own (the
// same signature for the same request), the display of the API's values without
// arithmetic on money, and Cognito sign-in as the console speaks it.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { sigv4 } from '../../console/src/sigv4.ts';
import { beijing, countyCounts, percent, toCsv } from '../../console/src/format.ts';
import { countLabel } from '../../console/src/outcomes.ts';
import { answerCode, claimsOf, credentialsFor, kindOf, signIn, type CognitoConfig } from '../../console/src/cognito.ts';

/** The SDK's hash interface over node:crypto (HMAC when given a secret). */
class Sha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: Uint8Array | string) {
    this.hash = secret ? createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret)) : createHash('sha256');
  }
  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const credentials = {
  accessKeyId: 'ASIAEXAMPLEKEY123456',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/chars=',
};
const HOST = 'abc123def4.execute-api.ap-east-1.amazonaws.com';

describe('sigv4', () => {
  const cases = [
    { name: 'a GET without a query', method: 'GET', path: '/plans/wuwei-2025/participation', query: '', headers: {}, body: '' },
    {
      name: 'a POST with a JSON body (Chinese included)',
      method: 'POST',
      path: '/plans/wuwei-2025/window/open',
      query: '',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actor: '医保局', reason: '2025年度 集中参保' }),
    },
    {
      name: 'a cursor in the query (+, / and = in it)',
      method: 'GET',
      path: '/plans/wuwei-2025/statements/2025-07-01',
      query: `after=${encodeURIComponent('eyJrIjoiYSJ9+/x==')}&b=1`,
      headers: {},
      body: '',
    },
    { name: 'an encoded path segment', method: 'GET', path: `/plans/wuwei-2025/claims/${encodeURIComponent('claim id/1')}`, query: '', headers: {}, body: '' },
  ];
  test.each(cases)("$name: the same signature as the AWS SDK's signer", async ({ method, path, query, headers: given, body }) => {
    const headers = given as Record<string, string>;
    const at = new Date('2026-12-04T10:11:12Z');
    const ours = await sigv4({ method, host: HOST, path, query, headers, body }, credentials, 'ap-east-1', 'execute-api', at);
    // applyChecksum off: the payload's hash is signed either way; the console sends no x-amz-content-sha256 header.
    const sdk = new SignatureV4({ service: 'execute-api', region: 'ap-east-1', credentials, sha256: Sha256 as any, applyChecksum: false });
    const queryObject = Object.fromEntries(new URLSearchParams(query));
    const signed = await sdk.sign(
      { method, protocol: 'https:', hostname: HOST, path, query: queryObject, headers: { host: HOST, ...headers }, body },
      { signingDate: at },
    );
    expect(ours.authorization).toBe(signed.headers.authorization);
    expect(ours['x-amz-date']).toBe(signed.headers['x-amz-date']);
    expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
  });

  test('another body, path or secret signs differently', async () => {
    const at = new Date('2026-12-04T10:11:12Z');
    const base = { method: 'POST', host: HOST, path: '/plans/a/orders', query: '', headers: { 'content-type': 'application/json' }, body: '{"a":"1.00"}' };
    const one = (await sigv4(base, credentials, 'ap-east-1', 'execute-api', at)).authorization;
    expect((await sigv4({ ...base, body: '{"a":"1.01"}' }, credentials, 'ap-east-1', 'execute-api', at)).authorization).not.toBe(one);
    expect((await sigv4({ ...base, path: '/plans/b/orders' }, credentials, 'ap-east-1', 'execute-api', at)).authorization).not.toBe(one);
    expect((await sigv4(base, { ...credentials, secretAccessKey: 'x' }, 'ap-east-1', 'execute-api', at)).authorization).not.toBe(one);
  });
});

describe('display', () => {
  test('a ratio as a percentage, its decimal point moved as text (exact, whatever its size)', () => {
    expect(percent('0.0030')).toBe('0.30%');
    expect(percent('0.2')).toBe('20%');
    expect(percent('0.85')).toBe('85%');
    expect(percent('1')).toBe('100%');
    expect(percent('407.9305')).toBe('40793.05%');
    expect(percent('0.123456789')).toBe('12.3456789%');
    expect(percent('not a ratio')).toBe('not a ratio');
  });

  test('instants in Beijing time, as the plans print them', () => {
    expect(beijing('2023-05-20T01:00:00.171Z')).toBe('2023-05-20 09:00');
    expect(beijing('2023-06-01T00:00:00+08:00')).toBe('2023-06-01 00:00');
    expect(beijing(null)).toBeNull();
  });

  test('CSV cells: quoted where needed, a formula made text, money strings kept as they are', () => {
    expect(
      toCsv([
        ['claimId', 'paid'],
        ['a,b', '-3000.00'],
        ['=SUM(A1)', '"x"'],
      ]),
    ).toBe('\ufeffclaimId,paid\r\n"a,b",-3000.00\r\n\'=SUM(A1),"""x"""\r\n');
  });
});

describe('cognito', () => {
  const config: CognitoConfig = {
    auth: 'cognito',
    region: 'ap-east-1',
    userPoolId: 'ap-east-1_AbCdEf123',
    userPoolClientId: 'client123',
    identityPoolId: 'ap-east-1:pool',
    apiHost: HOST,
    roles: {
      bureau: 'arn:aws:iam::111122223333:role/Bureau',
      insurer: 'arn:aws:iam::111122223333:role/Insurer',
      sponsor: 'arn:aws:iam::111122223333:role/Sponsor',
    },
  };
  const jwt = (claims: Record<string, unknown>) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

  test("the user's kind is the one whose caller role their group maps to; none for a user in no console group", () => {
    expect(kindOf(jwt({ 'cognito:preferred_role': config.roles.insurer, 'cognito:roles': [config.roles.insurer] }), config.roles)).toBe('insurer');
    expect(kindOf(jwt({ 'cognito:roles': [config.roles.sponsor] }), config.roles)).toBe('sponsor');
    expect(kindOf(jwt({ 'cognito:preferred_role': 'arn:aws:iam::111122223333:role/Other' }), config.roles)).toBeUndefined();
    expect(claimsOf(jwt({ name: '张三' })).name).toBe('张三');
  });

  test('sign-in and credentials: the calls Cognito expects, the credentials it gives', async () => {
    const calls: { url: string; target: string; body: any }[] = [];
    const answers: Record<string, unknown> = {
      'AWSCognitoIdentityProviderService.InitiateAuth': {
        AuthenticationResult: { IdToken: jwt({ 'cognito:preferred_role': config.roles.bureau, 'cognito:username': 'wang' }) },
      },
      'AWSCognitoIdentityService.GetId': { IdentityId: 'ap-east-1:id-1' },
      'AWSCognitoIdentityService.GetCredentialsForIdentity': {
        Credentials: { AccessKeyId: 'A', SecretKey: 'S', SessionToken: 'T', Expiration: 1_900_000_000 },
      },
    };
    const fake = (async (url: string, init: RequestInit) => {
      const target = (init.headers as Record<string, string>)['x-amz-target'];
      calls.push({ url, target, body: JSON.parse(init.body as string) });
      return new Response(JSON.stringify(answers[target]), { status: 200 });
    }) as typeof fetch;
    const first = await signIn(config, 'wang', 'secret-Passw0rd', fake);
    expect(calls[0]).toMatchObject({
      url: 'https://cognito-idp.ap-east-1.amazonaws.com/',
      body: { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'client123', AuthParameters: { USERNAME: 'wang' } },
    });
    if (!('idToken' in first)) throw new Error('expected a token');
    const signedIn = await credentialsFor(config, first.idToken, fake);
    expect(signedIn).toEqual({
      credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' },
      expires: 1_900_000_000_000,
      kind: 'bureau',
      name: 'wang',
    });
    const logins = { 'cognito-idp.ap-east-1.amazonaws.com/ap-east-1_AbCdEf123': first.idToken };
    expect(calls.slice(1)).toEqual([
      {
        url: 'https://cognito-identity.ap-east-1.amazonaws.com/',
        target: 'AWSCognitoIdentityService.GetId',
        body: { IdentityPoolId: 'ap-east-1:pool', Logins: logins },
      },
      {
        url: 'https://cognito-identity.ap-east-1.amazonaws.com/',
        target: 'AWSCognitoIdentityService.GetCredentialsForIdentity',
        body: { IdentityId: 'ap-east-1:id-1', Logins: logins },
      },
    ]);
  });

  test('a user with an authenticator app answers its code', async () => {
    const calls: any[] = [];
    const fake = (async (_url: string, init: RequestInit) => {
      calls.push({ target: (init.headers as Record<string, string>)['x-amz-target'], body: JSON.parse(init.body as string) });
      return new Response(
        JSON.stringify(calls.length === 1 ? { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's1' } : { AuthenticationResult: { IdToken: 'token' } }),
        { status: 200 },
      );
    }) as typeof fetch;
    expect(await signIn(config, 'wang', 'pw', fake)).toEqual({ challenge: 'SOFTWARE_TOKEN_MFA', session: 's1' });
    expect(await answerCode(config, 'wang', '654321', 's1', fake)).toEqual({ idToken: 'token' });
    expect(calls[1]).toEqual({
      target: 'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
      body: {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ClientId: 'client123',
        Session: 's1',
        ChallengeResponses: { USERNAME: 'wang', SOFTWARE_TOKEN_MFA_CODE: '654321' },
      },
    });
  });

  test("Cognito's refusal keeps its code", async () => {
    const refuse = (async () =>
      new Response(JSON.stringify({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }), { status: 400 })) as typeof fetch;
    await expect(signIn(config, 'wang', 'wrong', refuse)).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });
});

describe("the population form's lines", () => {
  test('a count may group its thousands; a line that is not "code,count" is named, never read as another number', () => {
    expect(countyCounts('350404,12,000\n350405 ，  8 000\n\n350421,1234567\n350423,900')).toEqual({
      ok: true,
      counties: { '350404': 12000, '350405': 8000, '350421': 1234567, '350423': 900 },
    });
    expect(countyCounts('350404,12000\n350405,12,00')).toEqual({ ok: false, line: 2, text: '350405,12,00' });
    expect(countyCounts('三元区,12000')).toMatchObject({ ok: false, line: 1 });
    expect(countyCounts('350404')).toMatchObject({ ok: false, line: 1 });
  });
});

describe("a run's and an order's counts, in words", () => {
  test('relief groups, counties and outcomes are named; a code nobody named yet is shown as itself', () => {
    const counties = new Map([['620602', '凉州区']]);
    expect(countLabel('group#dibao')).toBe('低保');
    expect(countLabel('county#620602', (c) => counties.get(c))).toBe('凉州区');
    expect(countLabel('county#999999', (c) => counties.get(c))).toBe('999999');
    expect(countLabel('refund#BENEFICIARY_DID_NOT_PAY')).toBe('退款：受益人未付个人部分');
    expect(countLabel('RENEWED')).toBe('已续保');
    expect(countLabel('SOME_NEW_CODE')).toBe('SOME_NEW_CODE');
  });
});
