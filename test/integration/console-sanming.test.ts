// Sanming 2024 in the browser, its stack living in the plan's sale (ended cover
// takes no order): participation against the county targets (at least 20 %,
// aiming at 30 %), the bars coloured by the API's verdicts and the targets drawn
// where the plan puts them; and a government order through the plan's approval
// steps, each taken by its own party (civil affairs with the order, the lead
// insurer confirms, finance pays), followed to fulfilled.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { residentId } from '../support/roster.ts';

const artifacts = resolve(import.meta.dirname, '../../test-artifacts/console');
const CHROMIUM = '/usr/bin/chromium';
let stack: LocalStack;
let browser: Browser;

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk (.ci/run installs them)`);
  mkdirSync(artifacts, { recursive: true });
  stack = await startLocalStack({
    endpoint: inject('dynamoEndpoint'),
    tableName: `targets-${randomUUID()}`,
    quiet: true,
    sweepEveryMs: 3_600_000,
    clock: '2023-12-10T10:00:00+08:00',
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the bureau sees each county against the floor and the aim, as the API judges them', async () => {
  // 三元区 10 insured, 3 enrolled: 30 % meets the aim; 沙县区 20 insured, 1 enrolled: 5 %, below the floor.
  expect((await call('PUT', '/plans/sanming-2024/participation/population', { source: 'test figures', counties: { 350404: 10, 350405: 20 } })).status).toBe(
    200,
  );
  expect((await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'targets test' })).status).toBe(200);
  const people = [1, 2, 3].map((n) => residentId('350404', n)).concat(residentId('350405', 4));
  expect(
    (
      await call('POST', '/plans/sanming-2024/roster', {
        people: people.map((p) => ({ personId: p, name: '居民', scheme: 'resident', status: 'active', regionCode: p.slice(0, 6) })),
      })
    ).body.accepted,
  ).toBe(4);
  for (const personId of people) {
    expect((await call('POST', '/plans/sanming-2024/policies', { requestId: randomUUID(), personId, tier: 'standard', channel: 'wechat' })).status).toBe(201);
    expect(
      (await call('POST', `/plans/sanming-2024/policies/${personId}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '150.00' })).status,
    ).toBe(200);
  }
  const p = (await call('GET', '/plans/sanming-2024/participation')).body;
  expect(p.counties.find((c: { code: string }) => c.code === '350404')).toMatchObject({ rate: '0.3000', meetsFloor: true, meetsAim: true });
  expect(p.counties.find((c: { code: string }) => c.code === '350405')).toMatchObject({ rate: '0.0500', meetsFloor: false, meetsAim: false });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.url}/`);
  await page.selectOption('select[name=role]', 'bureau');
  await page.goto(`${stack.url}/#/p/sanming-2024/participation`);
  await page.locator('svg.chart rect.bar').first().waitFor();
  const bars = await page.$$eval('svg.chart rect.bar', (rects) =>
    Object.fromEntries(rects.map((r) => [r.getAttribute('data-county'), r.getAttribute('class')])),
  );
  expect(bars['350404']).toBe('bar aim');
  expect(bars['350405']).toBe('bar below');
  expect(await page.$$eval('svg.chart .target text', (t) => t.map((x) => x.textContent))).toEqual(['底线 20%', '目标 30%']);
  expect(await page.locator('main').innerText()).toContain('不低于 20%，力争 30%');
  await page.screenshot({ path: join(artifacts, '15-bureau-participation-targets.png'), fullPage: true });
  await page.close();
});

test('a government order passes its approval steps, each taken by its own party, to fulfilled', async () => {
  const people = [11, 12].map((n) => residentId('350404', n));
  expect(
    (
      await call('POST', '/plans/sanming-2024/roster', {
        people: people.map((p) => ({ personId: p, name: '居民', scheme: 'resident', status: 'active', regionCode: '350404', reliefGroups: ['tekun'] })),
      })
    ).body.accepted,
  ).toBe(2);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const as = async (role: string, hash: string) => {
    await page.goto(`${stack.url}/#${hash}`);
    await page.selectOption('select[name=role]', role);
    await page.waitForFunction((h) => document.getElementById('main')?.dataset.ready === h, `#${hash}`);
  };
  // The city's civil-affairs office places the order (the first step, recorded with it).
  await as('sponsor', '/p/sanming-2024/orders');
  await page.getByLabel('捐助方名称').fill('三明市民政局');
  await page.getByLabel('类别').selectOption('government');
  await page.getByLabel('统一社会信用代码').fill('91440300708461136T');
  await page.getByLabel('受益人身份证号（每行一个）').fill(people.join('\n'));
  await page.getByRole('button', { name: '获取报价' }).click();
  await page.locator('[data-status=quoted]').waitFor();
  const orderId = decodeURIComponent(page.url().split('/orders/')[1]);
  // Two at 150.00 each: 300.00.
  expect(await page.locator('[data-figure=amount]').innerText()).toBe('300.00');
  // The sponsor cannot take the insurer's step: the page says whose it is, and offers no button.
  expect(await page.locator('main').innerText()).toContain('下一步：主承保公司核对（由保险公司办理）');
  expect(await page.getByRole('button', { name: /支付/ }).count()).toBe(0);
  await shotOf(page, '16-order-approvals-sponsor');

  await as('insurer', `/p/sanming-2024/orders/${orderId}`);
  await page.getByRole('button', { name: '记录: 主承保公司核对' }).click();
  await expect
    .poll(async () => (await call('GET', `/plans/sanming-2024/orders/${orderId}`)).body.approvals.map((a: { step: string }) => a.step))
    .toEqual(['civil-affairs-submits', 'lead-insurer-confirms']);

  await as('bureau', `/p/sanming-2024/orders/${orderId}`);
  await page.getByRole('button', { name: '支付 300.00 元' }).click();
  await page.locator('[data-status=fulfilled]').waitFor({ timeout: 30_000 });
  const done = (await call('GET', `/plans/sanming-2024/orders/${orderId}`)).body;
  expect(done).toMatchObject({ status: 'fulfilled', payment: { amount: '300.00' }, result: { enrolled: 2 } });
  expect(done.approvals.map((a: { step: string }) => a.step)).toEqual(['civil-affairs-submits', 'lead-insurer-confirms', 'finance-pays']);
  // Each step's row shows who took it.
  const rows = await page.$$eval('table.approvals tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  expect(rows.map((r) => r.slice(0, 2))).toEqual([
    ['民政部门提交名单', '捐助方'],
    ['主承保公司核对', '保险公司'],
    ['财政部门付款', '医保局'],
  ]);
  await shotOf(page, '17-order-approvals-fulfilled');
  expect(errors).toEqual([]);
  await page.close();
});

async function shotOf(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}
