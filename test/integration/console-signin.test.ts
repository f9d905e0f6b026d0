// Signing in on AWS, in the browser, with Cognito played by the test (the local
// stack has none): the console reads a Cognito configuration, asks for the
// password, sets up the authenticator app the pool requires, takes credentials
// from the identity pool, and signs each API request with them — the same
// signature the AWS SDK makes for the request as sent. (The page's content
// security policy, which lets a deployed console reach Cognito's endpoints, is
// bypassed here: the local gateway's allows only its own origin.)
import { randomUUID } from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { SignatureV4 } from '@smithy/signature-v4';
import { startLocalStack, type LocalStack } from '../../local/main.ts';

const artifacts = resolve(import.meta.dirname, '../../test-artifacts/console');
const CHROMIUM = '/usr/bin/chromium';
const REGION = 'ap-east-1';
const API_HOST = 'abc123def4.execute-api.ap-east-1.amazonaws.com';
const ROLES = {
  bureau: 'arn:aws:iam::111122223333:role/Bureau',
  insurer: 'arn:aws:iam::111122223333:role/Insurer',
  sponsor: 'arn:aws:iam::111122223333:role/Sponsor',
};
const CONFIG = {
  auth: 'cognito',
  region: REGION,
  userPoolId: 'ap-east-1_AbCdEf123',
  userPoolClientId: 'client123',
  identityPoolId: 'ap-east-1:pool-1',
  apiHost: API_HOST,
  roles: ROLES,
};
const CREDENTIALS = { accessKeyId: 'ASIATESTKEY', secretAccessKey: 'test/secret+key', sessionToken: 'session-token' };
const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

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

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk (.ci/run installs them)`);
  mkdirSync(artifacts, { recursive: true });
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `signin-${randomUUID()}`, quiet: true, sweepEveryMs: 3_600_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test("password, authenticator setup, the group's role; every API request then signed as the AWS SDK signs it", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const cognito: { target: string; body: any }[] = [];
  await page.route('**/console/config.json', (route) => route.fulfill({ json: CONFIG }));
  await page.route(`https://cognito-idp.${REGION}.amazonaws.com/`, async (route) => {
    const target = route.request().headers()['x-amz-target'].split('.')[1];
    const body = route.request().postDataJSON();
    cognito.push({ target, body });
    const answers: Record<string, unknown> = {
      // The pool requires an authenticator app; this user has none yet.
      InitiateAuth: body.AuthParameters?.PASSWORD === 'Correct-Horse-9!' ? { ChallengeName: 'MFA_SETUP', Session: 's1' } : undefined,
      AssociateSoftwareToken: { SecretCode: 'JBSWY3DPEHPK3PXP', Session: 's2' },
      VerifySoftwareToken: body.UserCode === '123456' ? { Status: 'SUCCESS', Session: 's3' } : undefined,
      RespondToAuthChallenge: { AuthenticationResult: { IdToken: jwt({ 'cognito:username': 'wang.insurer', 'cognito:preferred_role': ROLES.insurer }) } },
    };
    const answer = answers[target];
    await route.fulfill(answer ? { json: answer } : { status: 400, json: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' } });
  });
  await page.route(`https://cognito-identity.${REGION}.amazonaws.com/`, async (route) => {
    const target = route.request().headers()['x-amz-target'].split('.')[1];
    cognito.push({ target, body: route.request().postDataJSON() });
    await route.fulfill({
      json:
        target === 'GetId'
          ? { IdentityId: 'ap-east-1:identity-1' }
          : {
              Credentials: {
                AccessKeyId: CREDENTIALS.accessKeyId,
                SecretKey: CREDENTIALS.secretAccessKey,
                SessionToken: CREDENTIALS.sessionToken,
                Expiration: Math.floor(Date.now() / 1000) + 3600,
              },
            },
    });
  });
  const signed: { method: string; path: string; headers: Record<string, string>; body: string }[] = [];
  await page.route(`${stack.url}/plans**`, async (route) => {
    const r = route.request();
    const url = new URL(r.url());
    signed.push({ method: r.method(), path: `${url.pathname}${url.search}`, headers: r.headers(), body: r.postData() ?? '' });
    await route.continue();
  });

  await page.goto(`${stack.url}/`);
  // No role picker on AWS: a sign-in link instead.
  expect(await page.locator('select[name=role]').count()).toBe(0);
  await page.getByRole('link', { name: '登录' }).click();
  await page.getByLabel('用户名').fill('wang.insurer');
  await page.getByLabel('密码').fill('wrong');
  await page.getByRole('button', { name: '登录' }).click();
  await expect.poll(() => page.locator('.problem').innerText()).toContain('NotAuthorizedException');
  await page.getByLabel('密码').fill('Correct-Horse-9!');
  await page.getByRole('button', { name: '登录' }).click();
  // The authenticator app: the key to add, then its code.
  await page.locator('code.secret', { hasText: 'JBSWY3DPEHPK3PXP' }).waitFor();
  expect(await page.getByRole('link', { name: '在本设备的应用中打开' }).getAttribute('href')).toBe(
    'otpauth://totp/huiminbao%3Awang.insurer?secret=JBSWY3DPEHPK3PXP&issuer=huiminbao',
  );
  await page.screenshot({ path: join(artifacts, '18-signin-authenticator.png'), fullPage: true });
  await page.getByLabel('验证码').fill('123456');
  await page.getByRole('button', { name: '完成设置并登录' }).click();
  await page.locator('.session .who', { hasText: 'wang.insurer · 保险公司' }).waitFor();
  expect(cognito.map((c) => c.target)).toEqual([
    'InitiateAuth',
    'InitiateAuth',
    'AssociateSoftwareToken',
    'VerifySoftwareToken',
    'RespondToAuthChallenge',
    'GetId',
    'GetCredentialsForIdentity',
  ]);
  expect(cognito[4].body).toMatchObject({ ChallengeName: 'MFA_SETUP', Session: 's3', ChallengeResponses: { USERNAME: 'wang.insurer' } });

  // Signed in as an insurer: the insurer's pages, and each request to the API signed for the API's own host (the
  // public pages read before signing in went unsigned).
  signed.length = 0;
  await page.goto(`${stack.url}/#/p/wuwei-2025/claims?claim=no-such-claim`);
  await page.locator('.problem', { hasText: '404' }).waitFor();
  await page.screenshot({ path: join(artifacts, '19-signin-insurer.png'), fullPage: true });
  const request = signed.find((s) => s.path === '/plans/wuwei-2025/claims/no-such-claim')!;
  expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
  const date = request.headers['x-amz-date'];
  const sdk = new SignatureV4({ service: 'execute-api', region: REGION, credentials: CREDENTIALS, sha256: Sha256 as any, applyChecksum: false });
  const expected = await sdk.sign(
    { method: request.method, protocol: 'https:', hostname: API_HOST, path: request.path, query: {}, headers: { host: API_HOST }, body: request.body },
    { signingDate: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`) },
  );
  expect(request.headers.authorization).toBe(expected.headers.authorization);
  expect(request.headers.authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=ASIATESTKEY\/\d{8}\/ap-east-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, /,
  );
  // Every request to the API since was signed.
  expect(signed.length).toBeGreaterThan(1);
  for (const s of signed) expect(s.headers.authorization, s.path).toMatch(/^AWS4-HMAC-SHA256 /);

  // Signing out forgets the credentials.
  await page.getByRole('button', { name: '退出' }).click();
  await page.locator('#session').getByRole('link', { name: '登录' }).waitFor();
  await page.waitForFunction(() => document.getElementById('main')?.dataset.ready === '#/');
  expect(await page.evaluate(() => sessionStorage.getItem('hmb.signedIn'))).toBeNull();
  await context.close();
});
