// A catalogue of broken plans: each case takes a valid plan, breaks one thing,
// and checks the loader names the exact field (`file: path: reason`), so a plan
// author can find the mistake without reading the schema.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mkdtempSync, renameSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parse, stringify } from 'yaml';
import { formatProblem, loadPlans, validatePlan } from '../../functions/core/plan/loader.ts';
import { checkPlans, listPlans, showPlan } from '../../bin/commands/plan.ts';
import { resolvePlanRef } from '../../bin/commands/plan-ref.ts';
import { Id } from '../../functions/core/plan/schema.ts';
import { PlanId } from '../../functions/core/api/params.ts';

const plansDir = resolve(import.meta.dirname, '../../plans');
const FILE = 'plans/wuwei-2025.yaml';
const valid: unknown = parse(readFileSync(resolve(plansDir, 'wuwei-2025.yaml'), 'utf8'));

// Cases poke at arbitrary places of a parsed YAML document.
type Doc = any;

/** A JSON round trip, not structuredClone: YAML aliases (&bands, *bands) must not stay shared, or one edit would break three benefits. */
const fresh = (): Doc => JSON.parse(JSON.stringify(valid));

const window = (opens: string, closes: string) => ({ opens: `${opens}T00:00:00+08:00`, closes: `${closes}T00:00:00+08:00` });
const otherInsurer = (extra: object) => ({ id: 'second', name: '第二家保险公司', share: '0', ...extra });
const falling = [
  { minParticipationRate: '0.3', cap: '100000' },
  { minParticipationRate: '0.2', cap: '120000' },
];

const cases: [string, (d: Doc) => void, string, string][] = [
  // consortium
  [
    'shares not summing to 1',
    (d) => {
      d.consortium.insurers[0].share = '0.9';
    },
    'consortium.insurers',
    'shares must sum to exactly 1 (they sum to 0.9)',
  ],
  [
    'two leads',
    (d) => {
      d.consortium.insurers.push(otherInsurer({ lead: true }));
    },
    'consortium.insurers',
    'exactly one insurer must be lead (found 2)',
  ],
  [
    'no lead',
    (d) => {
      d.consortium.insurers[0].lead = false;
    },
    'consortium.insurers',
    'exactly one insurer must be lead (found 0)',
  ],
  [
    'duplicate insurer id',
    (d) => {
      d.consortium.insurers.push(otherInsurer({ id: 'lead-insurer' }));
    },
    'consortium.insurers',
    'duplicate insurer id "lead-insurer"',
  ],
  // groups
  [
    'missing deductible group',
    (d) => {
      d.deductibleGroups = [];
    },
    'benefits[inpatient-class-b-c].deductible.group',
    'unknown deductible group "inpatient-shared"',
  ],
  [
    'unknown band group',
    (d) => {
      d.benefits[0].bandGroup = 'nope';
    },
    'benefits[inpatient-class-b-c].bandGroup',
    'unknown band group "nope"',
  ],
  [
    'band group member not naming the group',
    (d) => {
      delete d.benefits[2].bandGroup;
    },
    'bandGroups[year-position].members[2]',
    'must name bandGroup "year-position"',
  ],
  [
    'unknown benefit in band group',
    (d) => {
      d.bandGroups[0].members.push('nope');
    },
    'bandGroups[year-position].members[3]',
    'unknown benefit "nope"',
  ],
  [
    'unknown benefit in limit group',
    (d) => {
      d.limitGroups = [{ id: 'x', members: ['heavy-ion', 'nope'], amount: '1' }];
    },
    'limitGroups[x].members[1]',
    'unknown benefit "nope"',
  ],
  // bands
  [
    'falling bands (edges not rising)',
    (d) => {
      d.benefits[0].schedule.bands[1].upTo = '10000';
    },
    'benefits[inpatient-class-b-c].schedule.bands[1].upTo',
    'band edges must rise',
  ],
  [
    'last band with upTo',
    (d) => {
      d.benefits[0].schedule.bands[2].upTo = '90000';
    },
    'benefits[inpatient-class-b-c].schedule.bands[2].upTo',
    'the last band must be open',
  ],
  [
    'open band before the last',
    (d) => {
      delete d.benefits[0].schedule.bands[1].upTo;
    },
    'benefits[inpatient-class-b-c].schedule.bands[1].upTo',
    'only the last band may be open',
  ],
  [
    'a single band',
    (d) => {
      d.benefits[0].schedule.bands = [{ ratio: '0.3' }];
    },
    'benefits[inpatient-class-b-c].schedule.bands',
    'expected array to have >=2 items',
  ],
  // dates
  [
    'closing before opening',
    (d) => {
      d.enrollment.window = window('2025-03-01', '2025-02-01');
    },
    'enrollment.window.closes',
    'must be after opens',
  ],
  [
    'cover end before start',
    (d) => {
      d.enrollment.cover = { kind: 'fixed', start: '2025-06-01', end: '2025-01-01' };
    },
    'enrollment.cover.end',
    'must be after start',
  ],
  [
    'cover starting before the window opens',
    (d) => {
      Object.assign(d.enrollment, { window: window('2025-03-01', '2025-04-01'), cover: { kind: 'fixed', start: '2025-02-01', end: '2026-01-31' } });
    },
    'enrollment.cover.start',
    'cannot start before the window opens',
  ],
  [
    'impossible date',
    (d) => {
      d.enrollment.cover = { kind: 'fixed', start: '2025-13-01', end: '2026-01-31' };
    },
    'enrollment.cover.start',
    'must be a date YYYY-MM-DD',
  ],
  [
    'instant without offset',
    (d) => {
      d.enrollment.window.opens = '2025-01-01T00:00:00';
    },
    'enrollment.window.opens',
    'must be an ISO date-time with offset',
  ],
  // amounts and ratios
  [
    'negative amount',
    (d) => {
      d.benefits[0].limit = '-1';
    },
    'benefits[inpatient-class-b-c].limit',
    'must be ≥ 0',
  ],
  [
    'negative deductible amount',
    (d) => {
      d.benefits[0].deductible = { amount: '-5', basis: 'annual' };
    },
    'benefits[inpatient-class-b-c].deductible.amount',
    'must be ≥ 0',
  ],
  [
    'three-decimal amount',
    (d) => {
      d.deductibleGroups[0].amount = '12000.001';
    },
    'deductibleGroups[inpatient-shared].amount',
    'must have at most two decimals (fen)',
  ],
  [
    'amount with a unit',
    (d) => {
      d.tiers[0].premium = '69元';
    },
    'tiers[basic].premium',
    'must be a decimal amount in yuan',
  ],
  [
    'ratio > 1',
    (d) => {
      d.benefits[0].schedule.bands[0].ratio = '1.2';
    },
    'benefits[inpatient-class-b-c].schedule.bands[0].ratio',
    'must be ≤ 1',
  ],
  [
    'negative ratio',
    (d) => {
      d.benefits[0].preExisting.schedule.flat = '-0.2';
    },
    'benefits[inpatient-class-b-c].preExisting.schedule.flat',
    'must be ≥ 0',
  ],
  [
    'no-claim bonus above 50 points',
    (d) => {
      d.modifiers = { noClaimBonus: { consecutiveYears: 2, points: '0.6' } };
    },
    'modifiers.noClaimBonus.points',
    'must be ≤ 0.5',
  ],
  [
    'negative waiting period',
    (d) => {
      d.enrollment.waitingPeriodDays = -1;
    },
    'enrollment.waitingPeriodDays',
    'expected number to be >=0',
  ],
  // unknown and missing fields
  [
    'unknown top-level field',
    (d) => {
      d.colour = 'red';
    },
    'colour',
    'unknown field',
  ],
  [
    'unknown nested field',
    (d) => {
      d.benefits[0].where.level = 2;
    },
    'benefits[inpatient-class-b-c].where.level',
    'unknown field',
  ],
  [
    'unknown field inside a union',
    (d) => {
      d.benefits[0].deductible.extra = 1;
    },
    'benefits[inpatient-class-b-c].deductible.extra',
    'unknown field',
  ],
  [
    'missing required field',
    (d) => {
      delete d.name;
    },
    'name',
    'is required',
  ],
  [
    'missing nested required field',
    (d) => {
      delete d.coverBoundary.admissionBeforeCoverPaysNothing;
    },
    'coverBoundary.admissionBeforeCoverPaysNothing',
    'is required',
  ],
  // references
  [
    'unknown list reference',
    (d) => {
      d.benefits[0].preExisting.list = 'nope';
    },
    'benefits[inpatient-class-b-c].preExisting.list',
    'unknown list "nope" (declare it under lists)',
  ],
  [
    'unknown item list',
    (d) => {
      d.benefits[2].covers.items.list = 'nope';
    },
    'benefits[heavy-ion].covers.items.list',
    'unknown list "nope"',
  ],
  [
    'unknown benefit in tier',
    (d) => {
      d.tiers[0].benefits.push('nope');
    },
    'tiers[basic].benefits[2]',
    'unknown benefit "nope"',
  ],
  [
    'duplicate tier id',
    (d) => {
      d.tiers[1].id = 'basic';
    },
    'tiers',
    'duplicate tier id "basic"',
  ],
  [
    'duplicate benefit id',
    (d) => {
      d.benefits[1].id = 'inpatient-class-b-c';
    },
    'benefits',
    'duplicate benefit id "inpatient-class-b-c"',
  ],
  [
    'wrong id vs file name',
    (d) => {
      d.id = 'wuwei-2024';
    },
    'id',
    'must match the file name "wuwei-2025"',
  ],
  [
    'badly spelt id',
    (d) => {
      d.sponsorship.campaigns[0].id = 'Jing Xiao Xin';
    },
    'sponsorship.campaigns[0].id',
    'must be lower-case letters, digits and dashes',
  ],
  // lists
  [
    'bad ICD-10 range',
    (d) => {
      d.lists['malignant-tumour'].entries[0].icd10 = ['C0-C97'];
    },
    'lists.malignant-tumour.entries[0].icd10[0]',
    'must be an ICD-10 code or range',
  ],
  [
    'falling ICD-10 range',
    (d) => {
      d.lists['malignant-tumour'].entries[0].icd10 = ['C97-C00'];
    },
    'lists.malignant-tumour.entries[0].icd10[0]',
    'range must not fall',
  ],
  [
    'list with both entries and file',
    (d) => {
      d.lists['malignant-tumour'].file = 'lists/wuwei-2025/pre-existing.yaml';
    },
    'lists.malignant-tumour',
    'give exactly one of entries or file',
  ],
  [
    'list with neither entries nor file',
    (d) => {
      delete d.lists['malignant-tumour'].entries;
    },
    'lists.malignant-tumour',
    'give exactly one of entries or file',
  ],
  [
    'missing list file',
    (d) => {
      d.lists['pre-existing'].file = 'lists/wuwei-2025/missing.yaml';
    },
    'lists.pre-existing.file',
    'list file not found',
  ],
  // An empty name resolves to the plans folder itself (a property test found it answering "EISDIR" without a path).
  [
    'list file naming a folder',
    (d) => {
      d.lists['pre-existing'].file = '';
    },
    'lists.pre-existing.file',
    'names a folder, not a list file',
  ],
  // benefits
  [
    'lump-sum without lumpSum',
    (d) => {
      d.benefits[2].kind = 'lump-sum';
    },
    'benefits[heavy-ion].lumpSum',
    'a lump-sum benefit needs lumpSum',
  ],
  [
    'reimbursement benefit without limit',
    (d) => {
      delete d.benefits[0].limit;
    },
    'benefits[inpatient-class-b-c].limit',
    'a reimbursement benefit needs a yearly limit',
  ],
  [
    'reimbursement benefit without schedule',
    (d) => {
      delete d.benefits[0].schedule;
    },
    'benefits[inpatient-class-b-c].schedule',
    'needs schedule or scheduleByItemClass',
  ],
  [
    'benefit covering nothing',
    (d) => {
      d.benefits[0].covers = { settlement: [] };
    },
    'benefits[inpatient-class-b-c].covers',
    'covers nothing',
  ],
  [
    'paysAfter referencing an unknown benefit',
    (d) => {
      d.benefits[2].paysAfter = ['nope'];
    },
    'benefits[heavy-ion].paysAfter[0]',
    'unknown benefit "nope"',
  ],
  [
    'item classes without a list',
    (d) => {
      d.benefits[0].scheduleByItemClass = { A: '0.7' };
    },
    'benefits[inpatient-class-b-c].scheduleByItemClass',
    'covers.items.list is required',
  ],
  [
    'per-admission deductible without inpatient visits',
    (d) => {
      Object.assign(d.benefits[2], { visits: ['outpatient'], deductible: { amount: '1000', basis: 'per-admission' } });
    },
    'benefits[heavy-ion].deductible.basis',
    'a per-admission deductible needs inpatient visits',
  ],
  [
    'bad enum value (visit type)',
    (d) => {
      d.benefits[0].visits = ['hospital'];
    },
    'benefits[inpatient-class-b-c].visits[0]',
    'expected one of "inpatient"',
  ],
  [
    'bad enum value (place)',
    (d) => {
      d.benefits[2].where.places = ['abroad'];
    },
    'benefits[heavy-ion].where.places[0]',
    'expected one of "in-area"',
  ],
  // pre-existing rules
  [
    'population limit with claim-related basis',
    (d) => {
      d.benefits[0].preExisting.limit = '100000';
    },
    'benefits[inpatient-class-b-c].preExisting.limit',
    'a population limit needs basis whole-person',
  ],
  [
    'excluded population with a schedule',
    (d) => {
      d.benefits[0].preExisting.effect = 'excluded';
    },
    'benefits[inpatient-class-b-c].preExisting',
    'an excluded population has no schedule or limit',
  ],
  [
    'drug-indication without an item list',
    (d) => {
      d.benefits[0].preExisting.basis = 'drug-indication';
    },
    'benefits[inpatient-class-b-c].preExisting.basis',
    'drug-indication needs covers.items.list',
  ],
  // caps, payment, region
  [
    'out-of-pocket cap rates not rising',
    (d) => {
      d.outOfPocketCap = { places: ['in-area'], byParticipation: falling };
    },
    'outOfPocketCap.byParticipation[1].minParticipationRate',
    'participation rates must rise',
  ],
  [
    'auto-renewal channel not among channels',
    (d) => {
      d.payment.autoRenewal = { channels: ['bank-card'], consentRequired: true };
    },
    'payment.autoRenewal.channels[0]',
    'channel "bank-card" is not among payment.channels',
  ],
  [
    'invalid admin code',
    (d) => {
      d.region.adminCode = '62060';
    },
    'region.adminCode',
    'must be a 6-digit administrative code',
  ],
  [
    'invalid county code',
    (d) => {
      d.region.counties[0].code = '6206021';
    },
    'region.counties[0].code',
    'must be a 6-digit administrative code',
  ],
  // sources: the city's own notice, findable
  [
    'a source that cannot be found',
    (d) => {
      delete d.source.number;
    },
    'source',
    'cite the notice so that it can be found: give its number, url or file',
  ],
  [
    'a source file named like a local copy',
    (d) => {
      d.source.file = '004_47f344fd9452f12f.txt';
    },
    'source.file',
    "must name the city's own file as published, not a local copy",
  ],
  [
    'a source URL that is not one',
    (d) => {
      d.source.url = 'www.wuwei.gov.cn/notice';
    },
    'source.url',
    'must be an http(s) URL',
  ],
  [
    'a source date that is not a day',
    (d) => {
      d.source.date = '2025年5月27日';
    },
    'source.date',
    'must be a date YYYY-MM-DD',
  ],
  [
    'the old seed-folder citation',
    (d) => {
      d.source.document = '004_47f344fd9452f12f.txt';
    },
    'source.document',
    'unknown field',
  ],
  // percentages and bad ratios: refused as `file: path: reason`, never a crash
  [
    'a percentage above 100 %',
    (d) => {
      d.benefits[0].schedule.bands[2].ratio = '120%';
    },
    'benefits[inpatient-class-b-c].schedule.bands[2].ratio',
    'must be ≤ 1 (a ratio is a decimal like 0.7 or a percentage like "70%")',
  ],
  [
    'a ratio written as a whole number',
    (d) => {
      d.benefits[0].schedule.bands[0].ratio = 30;
    },
    'benefits[inpatient-class-b-c].schedule.bands[0].ratio',
    'must be ≤ 1',
  ],
  [
    'a ratio in words',
    (d) => {
      d.benefits[0].preExisting.schedule.flat = '两成';
    },
    'benefits[inpatient-class-b-c].preExisting.schedule.flat',
    'must be a ratio: a decimal like 0.7 or a percentage like "70%"',
  ],
  [
    'a ratio with a stray character',
    (d) => {
      d.consortium.insurers[0].share = '1.0.0';
    },
    'consortium.insurers[lead-insurer].share',
    'must be a ratio',
  ],
  [
    'a negative percentage',
    (d) => {
      d.financial.payoutRatioFloor = '-85%';
    },
    'financial.payoutRatioFloor',
    'must be ≥ 0',
  ],
  [
    'a percentage where an amount belongs',
    (d) => {
      d.benefits[2].limit = '50%';
    },
    'benefits[heavy-ion].limit',
    'must be a decimal amount in yuan',
  ],
  // missing fields say "is required", whatever the field's type
  [
    'missing enum field (deductible basis)',
    (d) => {
      delete d.deductibleGroups[0].basis;
    },
    'deductibleGroups[inpatient-shared].basis',
    'is required',
  ],
  [
    'missing enum field (list kind)',
    (d) => {
      delete d.lists['malignant-tumour'].kind;
    },
    'lists.malignant-tumour.kind',
    'is required',
  ],
  [
    'missing discriminated section (cover)',
    (d) => {
      delete d.enrollment.cover;
    },
    'enrollment.cover',
    'is required',
  ],
  [
    'missing nullable field (window opens)',
    (d) => {
      delete d.enrollment.window.opens;
    },
    'enrollment.window.opens',
    'is required',
  ],
  [
    'missing benefit visits',
    (d) => {
      delete d.benefits[2].visits;
    },
    'benefits[heavy-ion].visits',
    'is required',
  ],
  [
    'missing band ratio',
    (d) => {
      delete d.benefits[1].schedule.bands[1].ratio;
    },
    'benefits[inpatient-out-of-catalog].schedule.bands[1].ratio',
    'is required',
  ],
  [
    'reduced pre-existing effect without a schedule or limit',
    (d) => {
      delete d.benefits[0].preExisting.schedule;
    },
    'benefits[inpatient-class-b-c].preExisting.schedule',
    'effect reduced needs the reduced schedule',
  ],
  // unknown codes in lists of codes
  [
    'unknown relief group in a list',
    (d) => {
      d.sponsorship.targetGroups.push('poor');
    },
    'sponsorship.targetGroups[8]',
    'Invalid option: expected one of "dibao"',
  ],
  [
    'unknown payer kind in a campaign',
    (d) => {
      d.sponsorship.campaigns[1].payerKinds = ['bank'];
    },
    'sponsorship.campaigns[xian-ai-xin].payerKinds[0]',
    'expected one of "charity"',
  ],
  [
    'unknown settlement part',
    (d) => {
      d.benefits[0].covers.settlement = ['class-b'];
    },
    'benefits[inpatient-class-b-c].covers.settlement[0]',
    'expected one of "in-catalog-self-pay"',
  ],
  [
    'unknown catalog class',
    (d) => {
      d.benefits[1].covers.items.catalogClasses = ['D'];
    },
    'benefits[inpatient-out-of-catalog].covers.items.catalogClasses[0]',
    'expected one of "A"',
  ],
  [
    'unknown diagnosis list',
    (d) => {
      d.benefits[2].diagnosis.list = 'tumours';
    },
    'benefits[heavy-ion].diagnosis.list',
    'unknown list "tumours" (declare it under lists)',
  ],
  [
    'a band group naming an unknown benefit',
    (d) => {
      d.bandGroups[0].members[1] = 'out-of-catalog';
    },
    'bandGroups[year-position].members[1]',
    'unknown benefit "out-of-catalog"',
  ],
  // payment order
  [
    'paysAfter referencing itself',
    (d) => {
      d.benefits[2].paysAfter = ['heavy-ion'];
    },
    'benefits[heavy-ion].paysAfter[0]',
    'a benefit cannot pay after itself',
  ],
  [
    'paysAfter going round in a circle',
    (d) => {
      d.benefits[0].paysAfter = ['heavy-ion'];
      d.benefits[2].paysAfter = ['inpatient-class-b-c'];
    },
    'benefits[inpatient-class-b-c].paysAfter',
    'pays after itself through inpatient-class-b-c → heavy-ion → inpatient-class-b-c',
  ],
  // ids and codes that name one thing each
  [
    'two campaigns with one id (an order would only ever find the first)',
    (d) => {
      d.sponsorship.campaigns[2].id = 'jing-xiao-xin';
    },
    'sponsorship.campaigns',
    'duplicate campaign id "jing-xiao-xin"',
  ],
  [
    'a campaign sponsored by a payer kind the plan does not admit',
    (d) => {
      d.sponsorship.payerKinds = ['government', 'charity'];
    },
    'sponsorship.campaigns[xian-ai-xin].payerKinds[2]',
    'payer kind "individual" is not among sponsorship.payerKinds',
  ],
  [
    'a campaign in a plan that admits no sponsor',
    (d) => {
      d.sponsorship.payerKinds = [];
    },
    'sponsorship.campaigns[jing-xiao-xin].payerKinds[0]',
    'payer kind "government" is not among sponsorship.payerKinds',
  ],
  [
    'a campaign with no payer kinds',
    (d) => {
      d.sponsorship.campaigns[0].payerKinds = [];
    },
    'sponsorship.campaigns[jing-xiao-xin].payerKinds',
    'Too small',
  ],
  [
    'two counties with one code',
    (d) => {
      d.region.counties[1].code = d.region.counties[0].code;
    },
    'region.counties',
    'duplicate county code "620602"',
  ],
  [
    'one code twice in a list',
    (d) => {
      d.lists['malignant-tumour'].entries.push({ code: 'malignant-tumour', name: '恶性肿瘤 (再次)', icd10: ['C00-C97'] });
    },
    'lists.malignant-tumour.entries',
    'duplicate code "malignant-tumour"',
  ],
  [
    'a plan id longer than the API takes (64)',
    (d) => {
      d.id = `w${'x'.repeat(64)}`;
    },
    'id',
    'must be at most 64 characters',
  ],
  [
    'more than one policy a year',
    (d) => {
      d.enrollment.policiesPerPersonPerYear = 2;
    },
    'enrollment.policiesPerPersonPerYear',
    'expected 1',
  ],
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('broken plans', () => {
  test('the base document is valid', () => {
    const result = validatePlan(FILE, fresh(), plansDir);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });

  test.each(cases)('%s', (_name, breakIt, path, reason) => {
    const doc = fresh();
    breakIt(doc);
    const result = validatePlan(FILE, doc, plansDir);
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.problems.map(formatProblem);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${escapeRegExp(FILE)}: ${escapeRegExp(path)}: .*${escapeRegExp(reason)}`)));
  });
});

describe('plan ids: what validates is what every route can name', () => {
  test.each([1, 63, 64, 65, 100])('an id of %i characters: the plan language and the API agree', (length) => {
    const id = 'p'.repeat(length);
    const fits = length <= 64;
    expect(Id.safeParse(id).success).toBe(fits);
    expect(PlanId.safeParse(id).success).toBe(fits);
  });
});

describe('percentages, as the Chinese tables print them', () => {
  const accepted = (breakIt: (d: Doc) => void) => {
    const doc = fresh();
    breakIt(doc);
    const result = validatePlan(FILE, doc, plansDir);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    return result.plan;
  };

  test('"30%" is the ratio 0.3, "100%" the share 1, "12.5 %" the ratio 0.125', () => {
    const plan = accepted((d) => {
      d.benefits[0].schedule.bands[0].ratio = '30%';
      d.consortium.insurers[0].share = '100%';
      d.benefits[0].preExisting.schedule.flat = '12.5 %';
    });
    expect(plan.benefits[0].schedule).toEqual({ bands: [{ upTo: '20000', ratio: '0.3' }, { upTo: '50000', ratio: '0.4' }, { ratio: '0.5' }] });
    expect(plan.consortium.insurers[0].share).toBe('1');
    expect(plan.benefits[0].preExisting?.schedule).toEqual({ flat: '0.125' });
  });

  test('a percentage and its decimal make the same plan', () => {
    const asPercent = accepted((d) => {
      d.financial.payoutRatioFloor = '85%';
    });
    expect(asPercent.financial.payoutRatioFloor).toBe('0.85');
  });
});

describe('payment order is not the order of the file', () => {
  test('a benefit may pay after one written below it', () => {
    const doc = fresh();
    doc.benefits[0].paysAfter = ['heavy-ion'];
    const result = validatePlan(FILE, doc, plansDir);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });
});

describe('one cost, one payment (ruling 15)', () => {
  const sanming = (): Doc => JSON.parse(JSON.stringify(parse(readFileSync(resolve(plansDir, 'sanming-2024.yaml'), 'utf8'))));
  const drug = { code: 'D-SHARED', name: '两张清单上的药品', class: 'A', indications: ['G12.0'] };

  test('two item benefits whose lists share an item must say which pays first', () => {
    const doc = sanming();
    doc.lists['special-tumour-drugs'] = { kind: 'drugs', title: '肿瘤药', suppliedBy: 'city', entries: [drug] };
    doc.lists['rare-disease-drugs'] = { kind: 'drugs', title: '罕见病药', suppliedBy: 'city', entries: [drug] };
    const result = validatePlan('plans/sanming-2024.yaml', doc, plansDir);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'plans/sanming-2024.yaml: benefits[rare-disease-drugs].covers.items.list: item "D-SHARED" is also on list "special-tumour-drugs" of benefit "special-tumour-drugs": one cost is paid once (ruling 15); say which pays first with paysAfter',
    ]);
    doc.benefits.find((b: Doc) => b.id === 'rare-disease-drugs').paysAfter = ['special-tumour-drugs'];
    const ordered = validatePlan('plans/sanming-2024.yaml', doc, plansDir);
    expect(ordered.ok ? [] : ordered.problems.map(formatProblem)).toEqual([]);
  });
});

describe('no plan crashes the loader', () => {
  // Every place of the document, and values a plan author might write there by mistake.
  const places: (string | number)[][] = [];
  const collect = (value: unknown, path: (string | number)[]) => {
    places.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => collect(v, [...path, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, [...path, k]);
  };
  collect(valid, []);
  const mistakes = fc.oneof(
    fc.constantFrom(
      '70%',
      '120%',
      '-5%',
      '７０%',
      '1e5',
      'NaN',
      'Infinity',
      '',
      ' ',
      '0x10',
      '1,000',
      '１０００',
      '∞',
      '2023-02-30',
      '__proto__',
      'constructor',
    ),
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, [], {}, [null], { id: 'x' }),
    fc.jsonValue({ maxDepth: 2 }),
  );

  test.prop([fc.constantFrom(...places), mistakes], { numRuns: 300 })(
    'any value anywhere: problems as `file: path: reason`, or a valid plan',
    (path, value) => {
      const doc = fresh();
      if (path.length === 0) return; // the whole document replaced: covered below
      let at = doc;
      for (const key of path.slice(0, -1)) at = at[key];
      at[path.at(-1)!] = value;
      const result = validatePlan(FILE, doc, plansDir);
      if (result.ok) return;
      expect(result.problems.length).toBeGreaterThan(0);
      for (const p of result.problems) expect(formatProblem(p)).toMatch(/^plans\/wuwei-2025\.yaml: (\S+: )?\S.*$/);
    },
  );

  test.each([null, 'a string', 42, [], [1, 2], { id: 'wuwei-2025' }])('a document that is %j', (doc) => {
    const result = validatePlan(FILE, doc, plansDir);
    expect(result.ok).toBe(false);
    if (!result.ok) for (const p of result.problems) expect(formatProblem(p)).toMatch(/^plans\/wuwei-2025\.yaml: \S/);
  });
});

describe('one bad plan never stops the others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmb-broken-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(plansDir, dir, { recursive: true });
  // The mistakes that used to stop every file from being checked, and a few more, in one city's file.
  const broken = fresh();
  broken.benefits[0].schedule.bands[0].ratio = '七成';
  broken.benefits[1].schedule = { flat: '170%' };
  delete broken.deductibleGroups[0].basis;
  broken.reliefGroups = ['poor'];
  writeFileSync(join(dir, 'wuwei-2025.yaml'), stringify(broken));
  const shown = relative(process.cwd(), join(dir, 'wuwei-2025.yaml'));
  const expected = [
    `${shown}: benefits[inpatient-class-b-c].schedule.bands[0].ratio: must be a ratio: a decimal like 0.7 or a percentage like "70%"`,
    `${shown}: benefits[inpatient-out-of-catalog].schedule.flat: must be ≤ 1 (a ratio is a decimal like 0.7 or a percentage like "70%")`,
    `${shown}: deductibleGroups[inpatient-shared].basis: is required`,
    `${shown}: reliefGroups[0]: Invalid option: expected one of "dibao"|"tekun"|"orphan"|"poverty-alleviated"|"monitored"|"disabled"|"hardship-worker"|"five-elders"|"elderly"|"chronic-patient"|"special-disease-family"|"low-income"`,
  ];
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
  };

  test('loadPlans: the other plans load; the broken one is unavailable, with its problems', () => {
    const { plans, problems, unavailable } = loadPlans(dir);
    expect(problems.map(formatProblem).sort()).toEqual(expected);
    expect(unavailable.get('wuwei-2025')?.map(formatProblem).sort()).toEqual(expected);
    for (const id of ['jiangxi-2023', 'nantong-2021', 'sanming-2024', 'wenshan-2023']) expect(plans.has(id)).toBe(true);
    expect(plans.has('wuwei-2025')).toBe(false);
  });

  test('hmb plan check: every other file is checked and ok, the problems go to stderr, exit 1', () => {
    const { io, out, err } = capture();
    expect(checkPlans([], dir, io)).toBe(1);
    for (const id of ['jiangxi-2023', 'nantong-2021', 'sanming-2024', 'wenshan-2023']) {
      expect(out.join('')).toContain(`ok  ${relative(process.cwd(), join(dir, `${id}.yaml`))}  ${id}`);
    }
    expect(err.join('').trim().split('\n').sort()).toEqual(expected);
  });

  test('hmb plan list: the other plans are listed, the problems follow', () => {
    const { io, out, err } = capture();
    expect(listPlans(dir, io)).toBe(1);
    expect(out.join('')).toMatch(/^wenshan-2023 +文山惠民保 2023/m);
    expect(out.join('')).not.toContain('wuwei-2025');
    expect(err.join('').trim().split('\n').sort()).toEqual(expected);
  });
});

describe('one plan, one file', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
  };
  const dirs: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmb-twins-'));
    dirs.push(dir);
    cpSync(plansDir, dir, { recursive: true });
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('x.yaml and x.yml: both refused, each naming the other; the other plans load', () => {
    const dir = folder();
    cpSync(join(dir, 'wenshan-2023.yaml'), join(dir, 'wenshan-2023.yml'));
    const [yaml, yml] = ['yaml', 'yml'].map((ext) => relative(process.cwd(), join(dir, `wenshan-2023.${ext}`)));
    const expected = [
      `${yaml}: id: plan "wenshan-2023" is also written in ${yml}: keep one file (neither is used until then)`,
      `${yml}: id: plan "wenshan-2023" is also written in ${yaml}: keep one file (neither is used until then)`,
    ];
    const { plans, problems, unavailable } = loadPlans(dir);
    expect(problems.map(formatProblem)).toEqual(expected);
    expect(unavailable.get('wenshan-2023')?.map(formatProblem)).toEqual(expected);
    expect(plans.has('wenshan-2023')).toBe(false);
    for (const id of ['jiangxi-2023', 'nantong-2021', 'sanming-2024', 'wuwei-2025']) expect(plans.has(id)).toBe(true);

    const check = capture();
    expect(checkPlans([], dir, check.io)).toBe(1);
    expect(check.err.join('').trim().split('\n')).toEqual(expected);
    expect(check.out.join('')).toContain('jiangxi-2023');
    const show = capture();
    expect(showPlan('wenshan-2023', dir, show.io)).toBe(1);
    expect(show.err.join('')).toContain(expected[0]);
  });

  test('a plan written as x.yml is found by show, simulate and the folder alike', async () => {
    const dir = folder();
    renameSync(join(dir, 'wuwei-2025.yaml'), join(dir, 'wuwei-2025.yml'));
    expect(loadPlans(dir).plans.has('wuwei-2025')).toBe(true);
    expect(showPlan('wuwei-2025', dir, capture().io)).toBe(0);
    expect((await resolvePlanRef('wuwei-2025', dir)).id).toBe('wuwei-2025');
    await expect(resolvePlanRef('nowhere-2025', dir)).rejects.toThrow(/unknown plan "nowhere-2025"; known plans: .*\bwuwei-2025\b/);
  });
});
