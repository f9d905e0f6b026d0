// The HTML report of `hmb simulate` opened in a real browser (Debian's Chromium,
// driven by playwright-core): its charts are present and drawn, and a screenshot
// is kept in test-artifacts/ (gitignored) for a person to look at.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse, stringify } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const artifacts = join(root, 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

const tmp = mkdtempSync(join(tmpdir(), 'hmb-html-'));
const report = join(artifacts, 'simulate-report.html');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk (.ci/run installs them)`);
  mkdirSync(artifacts, { recursive: true });
  // Next year's draft: the in-catalogue deductible down to 8,000.
  const draft = parse(readFileSync(join(root, 'plans/wenshan-2023.yaml'), 'utf8'));
  draft.id = 'wenshan-2024';
  draft.benefits.find((b: { id: string }) => b.id === 'inpatient-in-catalog').deductible.amount = '8000';
  writeFileSync(join(tmp, 'wenshan-2024.yaml'), stringify(draft));
  cpSync(join(root, 'plans/lists/wenshan-2023'), join(tmp, 'lists/wenshan-2023'), { recursive: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HMB_PLANS_DIR'));
  const run = spawnSync(
    process.execPath,
    [
      'bin/hmb.ts',
      'simulate',
      '--plan',
      'wenshan-2023',
      '--against',
      join(tmp, 'wenshan-2024.yaml'),
      '--generate',
      '4000',
      '--years',
      '4',
      '--seed',
      '9',
      '--format',
      'html',
      '--out',
      report,
    ],
    { cwd: root, encoding: 'utf8', env },
  );
  if (run.status !== 0) throw new Error(`hmb simulate failed: ${run.stderr}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(pathToFileURL(report).href);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the HTML report in Chromium', () => {
  test('title and headline: both plans, a payout ratio line each, the yearly interval', async () => {
    expect(await page.title()).toBe('Simulated city-year: wenshan-2023 against ' + join(tmp, 'wenshan-2024.yaml'));
    const headlines = await page.locator('p.headline').allInnerTexts();
    expect(headlines.filter((h) => /^payout ratio: \d+\.\d{4}/.test(h))).toHaveLength(2);
    expect(headlines.filter((h) => /90 % interval over 4 years: \d+\.\d{4} – \d+\.\d{4}/.test(h))).toHaveLength(2);
  });

  test('every chart is there, laid out and drawn with bars', async () => {
    const charts = page.locator('svg.chart');
    expect(await charts.evaluateAll((svgs) => svgs.map((s) => s.getAttribute('data-chart')))).toEqual([
      'ratio-by-age-band',
      'ratio-by-population',
      'paid-by-benefit',
      'member-percentiles',
      'ratio-by-year',
      'difference-by-age-band',
      'difference-by-benefit',
    ]);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box!.width).toBeGreaterThan(600);
      expect(box!.height).toBeGreaterThan(250);
      // Bars the browser actually lays out: a drawn height, inside the chart.
      const heights = await chart.locator('rect.bar').evaluateAll((rects) => rects.map((r) => (r as SVGRectElement).getBBox().height));
      expect(heights.length).toBeGreaterThan(0);
      expect(heights.some((h) => h > 5)).toBe(true);
    }
    // Two plans: the age-band chart has a bar per plan and band (6 bands × 2), with a legend naming both.
    const byAge = page.locator('svg.chart[data-chart="ratio-by-age-band"]');
    expect(await byAge.locator('rect.bar').count()).toBe(12);
    expect(await byAge.locator('text.legend').allTextContents()).toEqual(['wenshan-2023', 'wenshan-2024']);
    // The years chart draws the interval's two ends as reference lines.
    expect(await page.locator('svg.chart[data-chart="ratio-by-year"] line.reference').count()).toBe(2);
  });

  test('the tables carry the Chinese benefit names; a screenshot for a person to look at', async () => {
    expect(await page.locator('section.plan table').first().isVisible()).toBe(true);
    expect(await page.getByText('基本医疗保险范围内住院医疗费用保障').first().isVisible()).toBe(true);
    const shot = join(artifacts, 'simulate-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  });
});
