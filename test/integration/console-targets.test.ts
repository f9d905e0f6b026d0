// Participation against the plan's county targets, in the browser: Sanming 2024
// (at least 20 % of each county, aiming at 30 %), its stack living in the plan's
// sale (ended cover takes no order). The bars are coloured by the API's verdicts
// and the two targets are drawn where the plan puts them.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { residentId } from '../support/roster.ts';

const artifacts = resolve(import.meta.dirname, '../../test-artifacts/console');
const CHROMIUM = '/usr/bin/chromium';
let stack: LocalStack;
let browser: Browser;

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${stack.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk (.ci/run installs them)`);
  mkdirSync(artifacts, { recursive: true });
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `targets-${randomUUID()}`, quiet: true, sweepEveryMs: 3_600_000, clock: '2023-12-10T10:00:00+08:00' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the bureau sees each county against the floor and the aim, as the API judges them', async () => {
  // 三元区 10 insured, 3 enrolled: 30 % meets the aim; 沙县区 20 insured, 1 enrolled: 5 %, below the floor.
  expect((await call('PUT', '/plans/sanming-2024/participation/population', { source: 'test figures', counties: { 350404: 10, 350405: 20 } })).status).toBe(200);
  expect((await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'targets test' })).status).toBe(200);
  const people = [1, 2, 3].map((n) => residentId('350404', n)).concat(residentId('350405', 4));
  expect((await call('POST', '/plans/sanming-2024/roster', { people: people.map((p) => ({ personId: p, name: '居民', scheme: 'resident', status: 'active', regionCode: p.slice(0, 6) })) })).body.accepted).toBe(4);
  for (const personId of people) {
    expect((await call('POST', '/plans/sanming-2024/policies', { requestId: randomUUID(), personId, tier: 'standard', channel: 'wechat' })).status).toBe(201);
    expect((await call('POST', `/plans/sanming-2024/policies/${personId}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '150.00' })).status).toBe(200);
  }
  const p = (await call('GET', '/plans/sanming-2024/participation')).body;
  expect(p.counties.find((c: { code: string }) => c.code === '350404')).toMatchObject({ rate: '0.3000', meetsFloor: true, meetsAim: true });
  expect(p.counties.find((c: { code: string }) => c.code === '350405')).toMatchObject({ rate: '0.0500', meetsFloor: false, meetsAim: false });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.url}/`);
  await page.selectOption('select[name=role]', 'bureau');
  await page.goto(`${stack.url}/#/p/sanming-2024/participation`);
  await page.locator('svg.chart rect.bar').first().waitFor();
  const bars = await page.$$eval('svg.chart rect.bar', (rects) => Object.fromEntries(rects.map((r) => [r.getAttribute('data-county'), r.getAttribute('class')])));
  expect(bars['350404']).toBe('bar aim');
  expect(bars['350405']).toBe('bar below');
  expect(await page.$$eval('svg.chart .target text', (t) => t.map((x) => x.textContent))).toEqual(['底线 20%', '目标 30%']);
  expect(await page.locator('main').innerText()).toContain('不低于 20%，力争 30%');
  await page.screenshot({ path: join(artifacts, '15-bureau-participation-targets.png'), fullPage: true });
  await page.close();
});
