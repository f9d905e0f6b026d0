// A catalogue of broken plans: each case takes a valid plan, breaks one thing,
// and checks the loader names the exact field (`file: path: reason`), so a plan
// author can find the mistake without reading the schema.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { formatProblem, validatePlan } from '../../functions/core/plan/loader.ts';

const plansDir = resolve(import.meta.dirname, '../../plans');
const FILE = 'plans/wuwei-2025.yaml';
const valid: unknown = parse(readFileSync(resolve(plansDir, 'wuwei-2025.yaml'), 'utf8'));

// Cases poke at arbitrary places of a parsed YAML document.
type Doc = any;

/** A JSON round trip, not structuredClone: YAML aliases (&bands, *bands) must not stay shared, or one edit would break three benefits. */
const fresh = (): Doc => JSON.parse(JSON.stringify(valid));

const window = (opens: string, closes: string) => ({ opens: `${opens}T00:00:00+08:00`, closes: `${closes}T00:00:00+08:00` });
const otherInsurer = (extra: object) => ({ id: 'second', name: '第二家保险公司', share: '0', ...extra });
const falling = [{ minParticipationRate: '0.3', cap: '100000' }, { minParticipationRate: '0.2', cap: '120000' }];

const cases: [string, (d: Doc) => void, string, string][] = [
  // consortium
  ['shares not summing to 1', (d) => { d.consortium.insurers[0].share = '0.9'; }, 'consortium.insurers', 'shares must sum to exactly 1 (they sum to 0.9)'],
  ['two leads', (d) => { d.consortium.insurers.push(otherInsurer({ lead: true })); }, 'consortium.insurers', 'exactly one insurer must be lead (found 2)'],
  ['no lead', (d) => { d.consortium.insurers[0].lead = false; }, 'consortium.insurers', 'exactly one insurer must be lead (found 0)'],
  ['duplicate insurer id', (d) => { d.consortium.insurers.push(otherInsurer({ id: 'lead-insurer' })); }, 'consortium.insurers', 'duplicate insurer id "lead-insurer"'],
  // groups
  ['missing deductible group', (d) => { d.deductibleGroups = []; }, 'benefits[0].deductible.group', 'unknown deductible group "inpatient-shared"'],
  ['unknown band group', (d) => { d.benefits[0].bandGroup = 'nope'; }, 'benefits[0].bandGroup', 'unknown band group "nope"'],
  ['band group member not naming the group', (d) => { delete d.benefits[2].bandGroup; }, 'bandGroups[0].members[2]', 'must name bandGroup "year-position"'],
  ['unknown benefit in band group', (d) => { d.bandGroups[0].members.push('nope'); }, 'bandGroups[0].members[3]', 'unknown benefit "nope"'],
  ['unknown benefit in limit group', (d) => { d.limitGroups = [{ id: 'x', members: ['heavy-ion', 'nope'], amount: '1' }]; }, 'limitGroups[0].members[1]', 'unknown benefit "nope"'],
  // bands
  ['falling bands (edges not rising)', (d) => { d.benefits[0].schedule.bands[1].upTo = '10000'; }, 'benefits[0].schedule.bands[1].upTo', 'band edges must rise'],
  ['last band with upTo', (d) => { d.benefits[0].schedule.bands[2].upTo = '90000'; }, 'benefits[0].schedule.bands[2].upTo', 'the last band must be open'],
  ['open band before the last', (d) => { delete d.benefits[0].schedule.bands[1].upTo; }, 'benefits[0].schedule.bands[1].upTo', 'only the last band may be open'],
  ['a single band', (d) => { d.benefits[0].schedule.bands = [{ ratio: '0.3' }]; }, 'benefits[0].schedule.bands', 'expected array to have >=2 items'],
  // dates
  ['closing before opening', (d) => { d.enrollment.window = window('2025-03-01', '2025-02-01'); }, 'enrollment.window.closes', 'must be after opens'],
  ['cover end before start', (d) => { d.enrollment.cover = { kind: 'fixed', start: '2025-06-01', end: '2025-01-01' }; }, 'enrollment.cover.end', 'must be after start'],
  ['cover starting before the window opens', (d) => { Object.assign(d.enrollment, { window: window('2025-03-01', '2025-04-01'), cover: { kind: 'fixed', start: '2025-02-01', end: '2026-01-31' } }); }, 'enrollment.cover.start', 'cannot start before the window opens'],
  ['impossible date', (d) => { d.enrollment.cover = { kind: 'fixed', start: '2025-13-01', end: '2026-01-31' }; }, 'enrollment.cover.start', 'must be a date YYYY-MM-DD'],
  ['instant without offset', (d) => { d.enrollment.window.opens = '2025-01-01T00:00:00'; }, 'enrollment.window.opens', 'must be an ISO date-time with offset'],
  // amounts and ratios
  ['negative amount', (d) => { d.benefits[0].limit = '-1'; }, 'benefits[0].limit', 'must be ≥ 0'],
  ['negative deductible amount', (d) => { d.benefits[0].deductible = { amount: '-5', basis: 'annual' }; }, 'benefits[0].deductible.amount', 'must be ≥ 0'],
  ['three-decimal amount', (d) => { d.deductibleGroups[0].amount = '12000.001'; }, 'deductibleGroups[0].amount', 'must have at most two decimals (fen)'],
  ['amount with a unit', (d) => { d.tiers[0].premium = '69元'; }, 'tiers[0].premium', 'must be a decimal amount in yuan'],
  ['ratio > 1', (d) => { d.benefits[0].schedule.bands[0].ratio = '1.2'; }, 'benefits[0].schedule.bands[0].ratio', 'must be ≤ 1'],
  ['negative ratio', (d) => { d.benefits[0].preExisting.schedule.flat = '-0.2'; }, 'benefits[0].preExisting.schedule.flat', 'must be ≥ 0'],
  ['no-claim bonus above 50 points', (d) => { d.modifiers = { noClaimBonus: { consecutiveYears: 2, points: '0.6' } }; }, 'modifiers.noClaimBonus.points', 'must be ≤ 0.5'],
  ['negative waiting period', (d) => { d.enrollment.waitingPeriodDays = -1; }, 'enrollment.waitingPeriodDays', 'expected number to be >=0'],
  // unknown and missing fields
  ['unknown top-level field', (d) => { d.colour = 'red'; }, 'colour', 'unknown field'],
  ['unknown nested field', (d) => { d.benefits[0].where.level = 2; }, 'benefits[0].where.level', 'unknown field'],
  ['unknown field inside a union', (d) => { d.benefits[0].deductible.extra = 1; }, 'benefits[0].deductible.extra', 'unknown field'],
  ['missing required field', (d) => { delete d.name; }, 'name', 'is required'],
  ['missing nested required field', (d) => { delete d.coverBoundary.admissionBeforeCoverPaysNothing; }, 'coverBoundary.admissionBeforeCoverPaysNothing', 'is required'],
  // references
  ['unknown list reference', (d) => { d.benefits[0].preExisting.list = 'nope'; }, 'benefits[0].preExisting.list', 'unknown list "nope" (declare it under lists)'],
  ['unknown item list', (d) => { d.benefits[2].covers.items.list = 'nope'; }, 'benefits[2].covers.items.list', 'unknown list "nope"'],
  ['unknown benefit in tier', (d) => { d.tiers[0].benefits.push('nope'); }, 'tiers[0].benefits[2]', 'unknown benefit "nope"'],
  ['duplicate tier id', (d) => { d.tiers[1].id = 'basic'; }, 'tiers', 'duplicate tier id "basic"'],
  ['duplicate benefit id', (d) => { d.benefits[1].id = 'inpatient-class-b-c'; }, 'benefits', 'duplicate benefit id "inpatient-class-b-c"'],
  ['wrong id vs file name', (d) => { d.id = 'wuwei-2024'; }, 'id', 'must match the file name "wuwei-2025"'],
  ['badly spelt id', (d) => { d.sponsorship.campaigns[0].id = 'Jing Xiao Xin'; }, 'sponsorship.campaigns[0].id', 'must be lower-case letters, digits and dashes'],
  // lists
  ['bad ICD-10 range', (d) => { d.lists['malignant-tumour'].entries[0].icd10 = ['C0-C97']; }, 'lists.malignant-tumour.entries[0].icd10[0]', 'must be an ICD-10 code or range'],
  ['falling ICD-10 range', (d) => { d.lists['malignant-tumour'].entries[0].icd10 = ['C97-C00']; }, 'lists.malignant-tumour.entries[0].icd10[0]', 'range must not fall'],
  ['list with both entries and file', (d) => { d.lists['malignant-tumour'].file = 'lists/wuwei-2025/pre-existing.yaml'; }, 'lists.malignant-tumour', 'give exactly one of entries or file'],
  ['list with neither entries nor file', (d) => { delete d.lists['malignant-tumour'].entries; }, 'lists.malignant-tumour', 'give exactly one of entries or file'],
  ['missing list file', (d) => { d.lists['pre-existing'].file = 'lists/wuwei-2025/missing.yaml'; }, 'lists.pre-existing.file', 'list file not found'],
  // benefits
  ['lump-sum without lumpSum', (d) => { d.benefits[2].kind = 'lump-sum'; }, 'benefits[2].lumpSum', 'a lump-sum benefit needs lumpSum'],
  ['reimbursement benefit without limit', (d) => { delete d.benefits[0].limit; }, 'benefits[0].limit', 'a reimbursement benefit needs a yearly limit'],
  ['reimbursement benefit without schedule', (d) => { delete d.benefits[0].schedule; }, 'benefits[0].schedule', 'needs schedule or scheduleByItemClass'],
  ['benefit covering nothing', (d) => { d.benefits[0].covers = { settlement: [] }; }, 'benefits[0].covers', 'covers nothing'],
  ['paysAfter referencing a later benefit', (d) => { d.benefits[0].paysAfter = ['heavy-ion']; }, 'benefits[0].paysAfter[0]', 'benefit "heavy-ion" must come before "inpatient-class-b-c"'],
  ['paysAfter referencing an unknown benefit', (d) => { d.benefits[2].paysAfter = ['nope']; }, 'benefits[2].paysAfter[0]', 'unknown benefit "nope"'],
  ['item classes without a list', (d) => { d.benefits[0].scheduleByItemClass = { A: '0.7' }; }, 'benefits[0].scheduleByItemClass', 'covers.items.list is required'],
  ['per-admission deductible without inpatient visits', (d) => { Object.assign(d.benefits[2], { visits: ['outpatient'], deductible: { amount: '1000', basis: 'per-admission' } }); }, 'benefits[2].deductible.basis', 'a per-admission deductible needs inpatient visits'],
  ['bad enum value (visit type)', (d) => { d.benefits[0].visits = ['hospital']; }, 'benefits[0].visits[0]', 'expected one of "inpatient"'],
  ['bad enum value (place)', (d) => { d.benefits[2].where.places = ['abroad']; }, 'benefits[2].where.places[0]', 'expected one of "in-area"'],
  // pre-existing rules
  ['population limit with claim-related basis', (d) => { d.benefits[0].preExisting.limit = '100000'; }, 'benefits[0].preExisting.limit', 'a population limit needs basis whole-person'],
  ['excluded population with a schedule', (d) => { d.benefits[0].preExisting.effect = 'excluded'; }, 'benefits[0].preExisting', 'an excluded population has no schedule or limit'],
  ['drug-indication without an item list', (d) => { d.benefits[0].preExisting.basis = 'drug-indication'; }, 'benefits[0].preExisting.basis', 'drug-indication needs covers.items.list'],
  // caps, payment, region
  ['out-of-pocket cap rates not rising', (d) => { d.outOfPocketCap = { places: ['in-area'], byParticipation: falling }; }, 'outOfPocketCap.byParticipation[1].minParticipationRate', 'participation rates must rise'],
  ['auto-renewal channel not among channels', (d) => { d.payment.autoRenewal = { channels: ['bank-card'], consentRequired: true }; }, 'payment.autoRenewal.channels[0]', 'channel "bank-card" is not among payment.channels'],
  ['invalid admin code', (d) => { d.region.adminCode = '62060'; }, 'region.adminCode', 'must be a 6-digit administrative code'],
  ['invalid county code', (d) => { d.region.counties[0].code = '6206021'; }, 'region.counties[0].code', 'must be a 6-digit administrative code'],
  ['bad source document name', (d) => { d.source.document = 'wuwei.txt'; }, 'source.document', 'must name a file in shared/seeds'],
  ['more than one policy a year', (d) => { d.enrollment.policiesPerPersonPerYear = 2; }, 'enrollment.policiesPerPersonPerYear', 'expected 1'],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${escape(FILE)}: ${escape(path)}: .*${escape(reason)}`)));
  });
});
