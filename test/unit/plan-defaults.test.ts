// No invented facts: what a notice does not say gets a documented default, and the
// city is shown every default a plan relied on (with empty lists, dates not given
// and placeholders) so it confirms them.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadPlanFile, validatePlan } from '../../functions/core/plan/loader.ts';
import { defaultsApplied, formatDefault } from '../../functions/core/plan/defaults.ts';
import { toConfirm } from '../../functions/core/plan/confirm.ts';
import { planSummary } from '../../functions/core/plan/catalog.ts';
import { seedPlan } from '../support/fixtures.ts';

const root = resolve(import.meta.dirname, '../..');
const fixture = join(root, 'test/fixtures/plans/cart-city-2025.yaml');
const plansDir = join(root, 'plans');

function loaded(file: string) {
  const result = loadPlanFile(file);
  if (!result.ok) throw new Error(result.problems.map((p) => p.reason).join('; '));
  return result;
}

describe('sections a notice does not mention', () => {
  test('a plan without eligibility, payment, sponsorship or whom one may buy for is valid, with the defaults', () => {
    const { plan } = loaded(fixture);
    expect(plan.enrollment.enrollFor).toEqual(['self']);
    expect(plan.enrollment.waitingPeriodDays).toBe(0);
    expect(plan.eligibility).toEqual({
      schemes: ['employee', 'resident'],
      activeStatusRequired: false,
      newCitizens: false,
      hongKongMacaoTaiwan: false,
      suspendedBasicPausesBenefits: false,
      noLimitOn: [],
    });
    // No channel and no sponsor: nobody is let in on a guess (the services refuse: CHANNEL_NOT_OPEN, PAYER_KIND_NOT_ALLOWED).
    expect(plan.payment).toEqual({ channels: [], autoRenewal: false, singlePayment: true, payWithinMinutes: 30 });
    expect(plan.sponsorship).toEqual({ payerKinds: [], contributions: ['full'], targetGroups: [], campaigns: [], approvals: [], publicLedger: true });
  });

  test('every default the services act on is listed, field by field; what the plan states is not', () => {
    const { defaults } = loaded(fixture);
    expect(defaults.map((d) => `${d.path} = ${formatDefault(d.value)}`)).toEqual([
      'region.inAreaMeans = member-region',
      'enrollment.waitingPeriodDays = 0',
      'enrollment.enrollFor = [self]',
      'enrollment.assistedByStaff = false',
      'enrollment.promoters = false',
      'enrollment.fullPaymentInTimeRequired = true',
      'eligibility.schemes = [employee, resident]',
      'eligibility.activeStatusRequired = false',
      'eligibility.newCitizens = false',
      'eligibility.hongKongMacaoTaiwan = false',
      'eligibility.suspendedBasicPausesBenefits = false',
      'payment.channels = []',
      'payment.autoRenewal = false',
      'payment.payWithinMinutes = 30',
      'sponsorship.payerKinds = []',
      'sponsorship.contributions = [full]',
      'sponsorship.targetGroups = []',
      'sponsorship.approvals = []',
      'sponsorship.publicLedger = true',
      'reliefGroups = []',
      'modifiers.outOfArea = []',
      'exclusions.liabilities = []',
      'exclusions.itemCategories = []',
      'indemnity.countTowardDeductible = []',
    ]);
    // Sanming states its channels, sponsors, approvals and whom one may buy for: none of them is a default.
    const sanming = loaded(join(plansDir, 'sanming-2024.yaml')).defaults.map((d) => d.path);
    for (const stated of [
      'enrollment.enrollFor',
      'payment.channels',
      'payment.autoRenewal',
      'sponsorship.payerKinds',
      'sponsorship.approvals',
      'reliefGroups',
      'region.inAreaMeans',
    ]) {
      expect(sanming).not.toContain(stated);
    }
  });

  test('defaults inside lists are named by id', () => {
    const doc = parse(readFileSync(join(plansDir, 'jiangxi-2023.yaml'), 'utf8'));
    doc.payment.channels = [{ kind: 'personal-account', schemes: ['employee'], forRelations: ['self'] }];
    delete doc.sponsorship;
    const result = validatePlan('plans/jiangxi-2023.yaml', doc, plansDir);
    expect(result.ok).toBe(true);
    // balanceBasis and refundsOtherChannels are language defaults (none of something): only unstated ones are listed.
    expect(defaultsApplied(doc).map((d) => d.path)).toContain('sponsorship.payerKinds');
  });
});

describe('what the city confirms', () => {
  test('dates not given, empty lists, and defaults', () => {
    const { plan, defaults } = loaded(join(plansDir, 'nantong-2021.yaml'));
    const lines = toConfirm(plan, defaults).map((c) => `${c.path}: ${c.what}`);
    expect(lines).toContain('enrollment.window.opens: no date: an administrator schedules the window (ruling 12)');
    expect(lines).toContain('lists.rare-diseases: empty (the city supplies it: lists/nantong-2021/rare-diseases.yaml): nothing matches it until it is filled');
    expect(lines).toContain('payment.payWithinMinutes: default 30: the notice does not say');
    // Nantong prints its lump-sum list (one entry) and dates its notice: neither is to confirm.
    expect(lines.some((l) => l.startsWith('lists.severe-malignant-tumour'))).toBe(false);
    expect(lines.some((l) => l.startsWith('source.date'))).toBe(false);
  });

  test("a placeholder left in a new city's file is to be written", () => {
    const doc = parse(readFileSync(join(plansDir, 'wenshan-2023.yaml'), 'utf8'));
    doc.name = '待填写: 产品名称';
    doc.tiers[0].name = '待填写';
    const result = validatePlan('plans/wenshan-2023.yaml', doc, plansDir);
    if (!result.ok) throw new Error('expected a valid plan');
    const lines = toConfirm(result.plan, result.defaults).map((c) => `${c.path}: ${c.what}`);
    expect(lines).toContain('name: placeholder "待填写: 产品名称": write it from the notice');
    expect(lines).toContain('tiers[standard].name: placeholder "待填写": write it from the notice');
  });
});

describe("the index's line for a plan", () => {
  test('says auto-renewal is offered only where the plan offers it (left out, the default is none)', () => {
    const [offering, without] = [seedPlan('sanming-2024'), seedPlan('jiangxi-2023')];
    expect(offering.payment.autoRenewal).not.toBe(false);
    expect(without.payment.autoRenewal).toBe(false);
    const versioned = (p: typeof offering) => ({
      ...p,
      version: { planId: p.id, seq: 1, hash: 'h', effectiveFrom: null, publishedAt: '2023-01-01T00:00:00Z' },
    });
    expect(planSummary(versioned(offering)).autoRenewal).toBe(true);
    expect(planSummary(versioned(without)).autoRenewal).toBe(false);
  });
});
