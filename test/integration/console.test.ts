// The console in a real browser (Debian's Chromium, driven by playwright-core)
// against the local stack, in Wuwei 2025's year-round sale (cover from
// enrollment: no clock needed). A bureau opens the window and watches
// participation move as enrollments arrive; an insurer finds a claim, reads its
// explanation and reverses it; a sponsor follows an order to fulfilled; the
// public ledger lists that order. Every figure checked on a page is the API's own
// string (or a hand-worked amount), and each page is kept as a screenshot in
// test-artifacts/console/ for a person to look at.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { residentId, badChecksum } from '../support/roster.ts';
import { importRoster } from '../../functions/core/eligibility/roster-import.ts';
import { readRosterFile } from '../../functions/core/eligibility/roster-file.ts';
import { shanghaiDay } from '../../functions/core/dates/dates.ts';

const root = resolve(import.meta.dirname, '../..');
const artifacts = join(root, 'test-artifacts/console');
const CHROMIUM = '/usr/bin/chromium';
const PLAN = 'wuwei-2025';
const COUNTY = '620602'; // 凉州区
const CHARITY = { name: '武威市慈善总会', creditCode: '91440300708461136T' };

let stack: LocalStack;
let browser: Browser;
let page: Page;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  personId: residentId(COUNTY, n),
  name: `居民${n}`,
  scheme: 'resident',
  status: 'active',
  regionCode: COUNTY,
  ...extra,
});

async function enroll(personId: string): Promise<void> {
  expect((await call('POST', `/plans/${PLAN}/policies`, { requestId: randomUUID(), personId, tier: 'basic', channel: 'wechat' })).status).toBe(201);
  expect((await call('POST', `/plans/${PLAN}/policies/${personId}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '69.00' })).status).toBe(
    200,
  );
}

/** A one-stop settlement at a level-3 hospital of 凉州区, admitted and discharged today (cover started at enrollment). */
function settlementClaim(claimId: string, memberId: string, classBCopay: string) {
  const today = shanghaiDay(new Date());
  return {
    claimId,
    planId: PLAN,
    memberId,
    visit: { type: 'inpatient', admissionDate: today, dischargeDate: today, hospital: { code: 'H620602001', level: 3, public: true, regionCode: COUNTY } },
    diagnoses: [{ icd10: 'K35.8' }],
    settlement: {
      total: (Number(classBCopay) + 30000).toFixed(2),
      basicFundPaid: '30000.00',
      criticalIllnessPaid: '0.00',
      medicalAssistancePaid: '0.00',
      inCatalogSelfPay: '0.00',
      classBCopay,
      outOfCatalogSelfPay: '0.00',
      overLimitSelfPay: '0.00',
    },
    items: [],
  };
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Waits until the console has drawn the page at `hash` (main[data-ready] is set once a page is drawn). */
const drawn = (hash: string) => page.waitForFunction((h) => document.getElementById('main')?.dataset.ready === h, `#${hash}`);

/** Opens a console page (hash route) and waits until it is drawn. */
async function open(hash: string): Promise<void> {
  await page.goto(`${stack.url}/#${hash}`);
  await drawn(hash);
}

/** Picks the role at the top right (the local stack signs nobody in); the page is drawn again for it. */
async function asRole(role: 'public' | 'bureau' | 'insurer' | 'sponsor'): Promise<void> {
  const hash = new URL(page.url()).hash.slice(1);
  await page.selectOption('select[name=role]', role);
  await drawn(hash);
}

/** Form controls without an accessible name (a label, aria-label or aria-labelledby): there must be none. */
async function unlabelled(): Promise<string[]> {
  return page.$$eval('main input:not([type=hidden]), main select, main textarea, header select', (els) =>
    els
      .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 80)),
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk (.ci/run installs them)`);
  mkdirSync(artifacts, { recursive: true });
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `console-${randomUUID()}`, quiet: true, sweepEveryMs: 3_600_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (error) => {
    pageErrors.push(error.message);
  });
  // The browser reports what the content security policy blocked (an inline style, a script): nothing may be.
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
  });
}, 90_000);

/** Script errors in the page, and anything the content security policy refused: none may happen. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the public pages', () => {
  test("/ is the console: small on first load, the plans listed, a plan's benefit table as the API gives it, readable on a phone", async () => {
    // What the first page downloads of the console's own files (the page, the script, its first chunks, the styles).
    const sizes: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.match(/^\/($|console\/)/)) sizes.push(Number(r.headers()['content-length'] ?? 0));
    });
    await open('/');
    page.removeAllListeners('response');
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(60_000);
    expect(await page.locator('main h1').innerText()).toBe('惠民保方案');
    const plans = (await call('GET', '/plans')).body.plans as { id: string; name: string }[];
    // Every plan the API lists has its card (the seed plans and any other published), its link named as the plan
    // (two cities' plans may share a name: a copy of a plan dropped in under a new id does).
    for (const p of plans) expect(await page.locator(`main h2 a[href="#/p/${encodeURIComponent(p.id)}"]`).innerText()).toBe(p.name);
    await shot('01-plans');

    await page.locator(`main h2 a[href="#/p/${PLAN}"]`).click();
    await page.locator('.benefits .benefit').first().waitFor();
    // The benefit table is the API's `table`, section for section, label and value as given.
    const table = (await call('GET', `/plans/${PLAN}`)).body.table as { title: string; rows: { label: string; value: string }[] }[];
    const shown = await page.$$eval('.benefits .benefit', (sections) =>
      sections.map((s) => ({
        title: s.querySelector('h3')!.textContent,
        rows: [...s.querySelectorAll('dt')].map((dt) => ({ label: dt.textContent, value: dt.nextElementSibling!.textContent })),
      })),
    );
    expect(shown).toEqual(table);
    expect(await page.getByText('未定：由管理员开启和关闭').count()).toBe(0);
    expect(await unlabelled()).toEqual([]);
    await shot('02-plan');
    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone nothing scrolls sideways: the page is no wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('02-plan-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // English is available; the choice is kept.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Benefit table' }).waitFor();
    await shot('02-plan-english');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '保障责任表' }).waitFor();
  });
});

describe('the bureau', () => {
  test('opens the window and sees participation move as enrollments arrive', async () => {
    await open(`/p/${PLAN}`);
    await asRole('bureau');
    await open(`/p/${PLAN}/window`);
    expect(await unlabelled()).toEqual([]);
    const openForm = page.locator('section', { has: page.getByRole('heading', { name: '开启', exact: true }) });
    await openForm.getByLabel('原因').fill('2025年度集中参保期');
    await openForm.getByRole('button', { name: '立即开启' }).click();
    await page.locator('.state.open').first().waitFor();
    const window = (await call('GET', `/plans/${PLAN}/window`)).body;
    expect(window).toMatchObject({ state: 'open', events: [{ action: 'open', actor: '医保局', reason: '2025年度集中参保期' }] });
    expect(await page.locator('main table').first().innerText()).toContain('2025年度集中参保期');
    await shot('03-bureau-window');
    // Read in English, the bureau is still recorded under the one name: a record is data, not the page's language.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Open', exact: true }).waitFor();
    expect(await page.locator('input[name=actor]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(
      expect.arrayContaining(['医保局']),
    );
    expect(await page.locator('input[name=actor]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).not.toContain('Bureau');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '开启', exact: true }).waitFor();

    await open(`/p/${PLAN}/participation?refresh=1`);
    const enrolled = page.locator('[data-figure=enrolled]');
    await expect.poll(() => enrolled.innerText()).toBe('0');
    const people = [1, 2, 3].map((n) => person(n));
    expect((await call('POST', `/plans/${PLAN}/roster`, { people })).body).toMatchObject({ accepted: 3, rejected: [] });
    for (const p of people) await enroll(p.personId);
    // The page refreshes by itself: the count arrives without a reload, and equals the API's.
    await expect.poll(() => enrolled.innerText(), { timeout: 15_000 }).toBe('3');
    const counted = (await call('GET', `/plans/${PLAN}/participation`)).body;
    expect(counted.enrolled).toBe(3);
    expect(await page.locator(`td [data-county="${COUNTY}"]`).innerText()).toBe('3');
    // The chart draws that county's bar; the others (nobody enrolled) have none.
    const widths = await page.$$eval('svg.chart rect.bar', (rects) =>
      Object.fromEntries(rects.map((r) => [r.getAttribute('data-county'), Number(r.getAttribute('width'))])),
    );
    expect(widths[COUNTY]).toBeGreaterThan(100);
    expect(widths['620621']).toBe(0);
    await shot('04-bureau-participation');

    // With the city's population figures the page shows rates: 3 of 1,000 in 凉州区 = 0.0030, shown as 0.30%.
    await page.getByText('参保人数（计算参保率的分母）').click();
    await page.getByLabel('数据来源').fill('武威市医保局 测试数据');
    await page.getByLabel('各区县基本医保参保人数（每行：区县代码,人数）').fill(`${COUNTY},1,000\n620621,500`);
    await page.getByRole('button', { name: '保存人数' }).click();
    await expect.poll(() => page.locator(`svg.chart text.value`).first().textContent(), { timeout: 15_000 }).toBe('0.30%');
    const rated = (await call('GET', `/plans/${PLAN}/participation`)).body;
    expect(rated.counties.find((c: { code: string }) => c.code === COUNTY)).toMatchObject({ insured: 1000, rate: '0.0030' });
    // City-wide 3 / 1,500 = 0.0020 (rounded down to four places).
    expect(rated.rate).toBe('0.0020');
    await expect.poll(() => page.locator('main').innerText()).toContain('0.20% (0.0020)');
    await shot('04-bureau-participation-rates');
  });

  test('imports a roster file: progress, and the rejected row numbered as in the file with its ID masked', async () => {
    await open(`/p/${PLAN}/roster`);
    const bad = badChecksum(residentId(COUNTY, 11));
    const csv = [
      'personId,name,scheme,status,regionCode,reliefGroups',
      `${residentId(COUNTY, 10)},张三,resident,active,${COUNTY},dibao`,
      `${bad},李四,resident,active,${COUNTY},`,
      // A quoted name over two lines (lines 4–5; a name holds no line break), then a row of four cells (line 6).
      `${residentId(COUNTY, 13)},"赵\n六",resident,active,${COUNTY},`,
      `${residentId(COUNTY, 14)},钱七,resident,active`,
      `${residentId(COUNTY, 12)},王五,employee,active,${COUNTY},dibao;disabled`,
    ].join('\n');
    const file = join(tmpdir(), `roster-${randomUUID()}.csv`);
    writeFileSync(file, `${csv}\n`);
    await page.setInputFiles('input[type=file]', file);
    await page.getByRole('button', { name: '导入' }).click();
    await expect.poll(() => page.locator('p.status').innerText()).toBe('完成：共 5 行，接受 2，拒绝 3');
    const rejected = await page.$$eval('table.rejected tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    // Numbered and masked as `hmb roster import` reports the same file: row, the line it starts on, the masked ID.
    const cli = await importRoster(readRosterFile(file), async (entries) => ({ accepted: entries.length, rejected: [] }));
    expect(rejected.map((r) => r.slice(0, 3))).toEqual(cli.rejected.map((r) => [String(r.row), String(r.line), r.personId ?? '—']));
    expect(rejected.map((r) => r.slice(0, 2))).toEqual([
      ['2', '3'],
      ['3', '4'],
      ['4', '6'],
    ]);
    // The ID masked (never shown whole), the field named.
    expect(rejected[0][2]).not.toContain(bad.slice(6, 14));
    expect(rejected[0][3]).toContain('personId');
    expect((await call('GET', `/plans/${PLAN}/eligibility/${residentId(COUNTY, 12)}`)).body.eligible).toBe(true);
    await shot('05-bureau-roster');
  });

  test('renewal runs: a plan that renews no earlier year says so', async () => {
    await open(`/p/${PLAN}/renewals`);
    const api = await call('GET', `/plans/${PLAN}/renewals`);
    expect(api.status).toBe(422);
    await expect.poll(() => page.locator('main').innerText()).toContain(api.body.error);
    await shot('06-bureau-renewals');
  });
});

describe('the insurer', () => {
  test('finds a claim by its id and by the member, reads its explanation, and reverses it with the differences', async () => {
    const member = residentId(COUNTY, 1);
    // Hand-worked (plans/wuwei-2025.yaml 附件 八): 20,000.00 class-B co-pay less the shared 12,000 deductible = 8,000
    // at 30 % (the first band, up to 20,000) = 2,400.00.
    const a = await call('POST', `/plans/${PLAN}/claims`, settlementClaim('console-a', member, '20000.00'));
    expect(a.body.adjudication.total).toBe('2400.00');
    // The deductible is used up: 10,000 more at the band position 8,000 → 18,000, all at 30 % = 3,000.00.
    const b = await call('POST', `/plans/${PLAN}/claims`, settlementClaim('console-b', member, '10000.00'));
    expect(b.body.adjudication.total).toBe('3000.00');

    await open(`/p/${PLAN}`);
    await asRole('insurer');
    await open(`/p/${PLAN}/claims`);
    expect(await unlabelled()).toEqual([]);
    await page.getByLabel('理赔号').fill('console-a');
    await page.getByRole('button', { name: '查询理赔' }).click();
    const explanation = page.locator('pre.explanation');
    await explanation.waitFor();
    // The explanation as the API renders it (Chinese with English), character for character, and the total to the fen.
    const stored = (await call('GET', `/plans/${PLAN}/claims/console-a`)).body;
    expect(stored.claim.visit.type).toBe('inpatient');
    expect(await page.locator('main').innerText()).toContain(`住院 ${stored.claim.visit.admissionDate}`);
    expect(await explanation.textContent()).toBe(stored.explanation);
    expect(stored.explanation).toContain('合计 total 2400.00');
    expect(await page.locator('[data-figure=total]').innerText()).toBe('2400.00');
    await shot('07-insurer-claim');

    await page.getByLabel('成员身份证号').fill(member);
    await page.getByRole('button', { name: '查询成员的理赔' }).click();
    await page.getByRole('link', { name: 'console-b' }).waitFor();
    const rows = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => [r[0], r[3]])).toEqual([
      ['console-a', '2400.00'],
      ['console-b', '3000.00'],
    ]);
    await shot('08-insurer-member');

    // Reversing A: B alone is 10,000 under the 12,000 deductible, 0.00 (difference −3,000.00).
    await page.getByRole('link', { name: 'console-a' }).click();
    await page.locator('pre.explanation').waitFor();
    await page.getByText('撤销或更正').click();
    await page.getByRole('button', { name: '撤销此理赔' }).click();
    await page.locator('table.differences').waitFor();
    const diffs = await page.$$eval('table.differences tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(diffs).toContainEqual(['console-b', '3000.00', '0.00', '-3000.00']);
    expect((await call('GET', `/plans/${PLAN}/claims/console-b`)).body.adjudication.total).toBe('0.00');
    await shot('09-insurer-reversal');
  });

  test("reads the day's statement and downloads it, figures as the API gives them", async () => {
    await open(`/p/${PLAN}/statements`);
    const day = shanghaiDay(new Date());
    const statement = (await call('GET', `/plans/${PLAN}/statements/${day}`)).body;
    await expect.poll(() => page.locator('[data-figure=statement-paid]').innerText()).toBe(statement.totals.paid);
    // Two claims and a reversal: 2,400.00 + 3,000.00 − 2,400.00 − 3,000.00 = 0.00.
    expect(statement.totals).toMatchObject({ adjudicated: 2, reversed: 1, paid: '0.00' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\ufeffkind,claimId,at,paid,lead-insurer');
    expect(csv).toContain('claim,console-a,');
    expect(csv).toContain(`TOTAL,,,${statement.totals.paid},`);
    await shot('10-insurer-statement');
  });
});

describe('the sponsor and the public ledger', () => {
  test('a sponsor follows an order from the quote to fulfilled; the public ledger lists it', async () => {
    // Two relief recipients (低保) in the roster, and a line that is no resident ID.
    const people = [20, 21].map((n) => person(n, { reliefGroups: ['dibao'] }));
    expect((await call('POST', `/plans/${PLAN}/roster`, { people })).body).toMatchObject({ accepted: 2, rejected: [] });
    await open(`/p/${PLAN}`);
    await asRole('sponsor');
    await open(`/p/${PLAN}/orders`);
    expect(await unlabelled()).toEqual([]);
    await page.getByLabel('捐助方名称').fill(CHARITY.name);
    await page.getByLabel('类别').selectOption('charity');
    await page.getByLabel('统一社会信用代码').fill(CHARITY.creditCode);
    await page.getByLabel('捐赠活动').selectOption('xian-ai-xin');
    await page.getByLabel('档次').selectOption('basic');
    await page.getByLabel('受益人身份证号（每行一个）').fill([...people.map((p) => p.personId), '12345'].join('\n'));
    await page.getByRole('button', { name: '获取报价' }).click();
    await page.locator('[data-status=quoted]').waitFor();
    const orderId = decodeURIComponent(page.url().split('/orders/')[1]);
    const quoted = (await call('GET', `/plans/${PLAN}/orders/${orderId}`)).body;
    // Two covered at the basic tier's 69.00 each: 138.00; the bad line is not charged.
    expect(quoted.quote).toMatchObject({ beneficiaries: 3, covered: 2, notCovered: 1, byReason: { INVALID_ID: 1 }, amount: '138.00' });
    expect(await page.locator('[data-figure=amount]').innerText()).toBe(quoted.quote.amount);
    // Codes are said in words: the tier by its name in the plan, the reason a line was not covered.
    const orderText = await page.locator('main').innerText();
    const { tiers } = (await call('GET', `/plans/${PLAN}`)).body;
    expect(orderText).toContain(`${tiers.find((t: { id: string }) => t.id === 'basic').name} 69.00`);
    expect(orderText).toContain('身份证号无效');
    expect(orderText).not.toContain('INVALID_ID');
    expect(await page.locator('[data-figure=covered]').innerText()).toBe('2');
    await shot('11-sponsor-quote');

    await page.getByRole('button', { name: '支付 138.00 元' }).click();
    await page.locator('[data-status=fulfilled]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-figure=enrolled]').innerText()).toBe('2');
    const fulfilled = (await call('GET', `/plans/${PLAN}/orders/${orderId}`)).body;
    expect(fulfilled).toMatchObject({ status: 'fulfilled', payment: { amount: '138.00' }, result: { enrolled: 2 } });
    await page.locator('main table tbody tr', { hasText: '已参保' }).first().waitFor();
    await shot('12-sponsor-fulfilled');

    await asRole('public');
    await open(`/p/${PLAN}/ledger`);
    const ledger = (await call('GET', `/plans/${PLAN}/ledger`)).body;
    const entry = ledger.entries.find((e: { orderId: string }) => e.orderId === orderId);
    expect(entry).toMatchObject({ sponsor: { name: CHARITY.name }, amountPaid: '138.00', enrolled: 2, net: '138.00' });
    const row = page.locator('table.ledger tbody tr', { hasText: orderId });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe(CHARITY.name);
    expect(cells[4]).toBe(entry.amountPaid);
    expect(cells[5]).toBe('2');
    expect(cells).toContain('低保 2');
    expect(cells).toContain('凉州区 2');
    // Search narrows the list; the CSV is the API's own.
    await page.getByLabel('搜索').fill('没有这个捐助方');
    expect(await page.locator('table.ledger tbody tr').count()).toBe(0);
    await page.getByLabel('搜索').fill('慈善');
    expect(await row.count()).toBe(1);
    // The download is the whole ledger as the API writes it, page after page (here one), ending with its TOTAL row.
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    const api = await fetch(`${stack.url}/plans/${PLAN}/ledger.csv?limit=1000`);
    const downloaded = readFileSync(await file.path(), 'utf8');
    expect(downloaded).toBe(Buffer.from(await api.arrayBuffer()).toString('utf8'));
    expect(downloaded.startsWith('\ufefforderId,')).toBe(true);
    expect(downloaded).toContain(`TOTAL,,,,,${ledger.totals.paid},`);
    expect(await unlabelled()).toEqual([]);
    await shot('13-public-ledger');
  });

  test("the bureau reads the loss ratio against the plan's floor, as the API gives it", async () => {
    await asRole('bureau');
    await open(`/p/${PLAN}/loss-ratio?refresh=60`);
    const r = (await call('GET', `/plans/${PLAN}/loss-ratio`)).body;
    await expect.poll(() => page.locator('[data-figure=payout-ratio]').innerText()).toContain(`(${r.payoutRatio})`);
    // Wuwei's 给付率 floor: at least 85 %.
    expect(r.payoutRatioFloor.floor).toBe('0.85');
    expect(await page.locator('main').innerText()).toContain('85%');
    await shot('14-bureau-loss-ratio');
  });

  test('keyboard: the role picker, the language and a plan link are reached and used with the keyboard alone', async () => {
    await open('/');
    // The skip link: reached with the keyboard, shown when focused, and Enter on it moves focus to the content.
    await page.focus('a.skip');
    expect((await page.locator('a.skip').boundingBox())!.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // From the content, Tab reaches the first plan's link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('ul.plans') !== null)).toBe(true);
    // The role picker changes with the arrow keys (bureau → insurer), and the page follows.
    await page.focus('select[name=role]');
    await page.keyboard.press('ArrowDown');
    await drawn('/');
    expect(await page.inputValue('select[name=role]')).toBe('insurer');
    const link = page.locator(`main h2 a[href="#/p/${PLAN}"]`);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '保障责任表' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });
});
