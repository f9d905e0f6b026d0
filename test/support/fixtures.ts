// Builders for claims, policy contexts and plans in tests: a settlement's total
// is computed from its parts, so each test states only what matters to it.
import { Decimal } from 'decimal.js';
import { loadPlans, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import { adjudicate, emptyAccumulators, type Accumulators, type Adjudication, type BenefitExplanation } from '../../functions/core/engine/index.ts';
import {
  ClaimSchema,
  PolicyContextSchema,
  type Claim,
  type ClaimInput,
  type PolicyContext,
  type PolicyContextInput,
} from '../../functions/core/claim/schema.ts';

const catalogue = loadPlans(new URL('../../plans', import.meta.url).pathname);

export function seedPlan(id: string): LoadedPlan {
  const plan = catalogue.plans.get(id);
  if (!plan) throw new Error(`no seed plan ${id}: ${catalogue.problems.map((p) => p.reason).join('; ')}`);
  return plan;
}

/** A seed plan with list entries filled in (the city-supplied lists ship empty). */
export function withListEntries(plan: LoadedPlan, lists: Record<string, LoadedPlan['lists'][string]['entries']>): LoadedPlan {
  const copy = structuredClone(plan);
  for (const [id, entries] of Object.entries(lists)) copy.lists[id] = { ...copy.lists[id], entries };
  return copy;
}

export interface SettlementParts {
  basicFundPaid?: string;
  criticalIllnessPaid?: string;
  medicalAssistancePaid?: string;
  inCatalogSelfPay?: string;
  classBCopay?: string;
  outOfCatalogSelfPay?: string;
  overLimitSelfPay?: string;
  otherCompensation?: { source: 'commercial' | 'employer' | 'supplementary' | 'charity' | 'fund' | 'other'; amount: string; alreadySubtracted?: boolean }[];
  basicSettled?: boolean;
}

export function settlement(parts: SettlementParts): ClaimInput['settlement'] {
  const p = {
    basicFundPaid: '0',
    criticalIllnessPaid: '0',
    medicalAssistancePaid: '0',
    inCatalogSelfPay: '0',
    classBCopay: '0',
    outOfCatalogSelfPay: '0',
    overLimitSelfPay: '0',
    ...parts,
  };
  const total = [
    p.basicFundPaid,
    p.criticalIllnessPaid,
    p.medicalAssistancePaid,
    p.inCatalogSelfPay,
    p.classBCopay,
    p.outOfCatalogSelfPay,
    p.overLimitSelfPay,
  ].reduce((a, b) => a.plus(b), new Decimal(0));
  return { ...p, total: total.toFixed(2) };
}

let sequence = 0;

export interface ClaimOptions {
  claimId?: string;
  type?: 'inpatient' | 'outpatient-special-disease' | 'outpatient' | 'pharmacy';
  admitted: string;
  discharged?: string;
  hospital?: Partial<ClaimInput['visit']['hospital']>;
  referral?: boolean;
  diagnoses?: ClaimInput['diagnoses'];
  liabilities?: ClaimInput['liabilities'];
  settlement: SettlementParts;
  items?: ClaimInput['items'];
}

/** A validated claim; hospital defaults to a level-3 public general ward in `region`. */
export function claim(plan: LoadedPlan, region: string, o: ClaimOptions): Claim {
  const type = o.type ?? 'inpatient';
  return ClaimSchema.parse({
    claimId: o.claimId ?? `claim-${++sequence}`,
    planId: plan.id,
    visit: {
      type,
      admissionDate: o.admitted,
      dischargeDate: o.discharged ?? (type === 'inpatient' ? o.admitted : undefined),
      hospital: { code: 'H001', level: 3, public: true, regionCode: region, designations: [], ward: 'general', ...o.hospital },
      referral: o.referral ?? false,
    },
    diagnoses: o.diagnoses ?? [{ icd10: 'K35.8' }],
    liabilities: o.liabilities ?? [],
    settlement: settlement(o.settlement),
    items: o.items ?? [],
  });
}

export function context(input: Omit<PolicyContextInput, 'memberId'> & { memberId?: string }): PolicyContext {
  return PolicyContextSchema.parse({ memberId: 'member-1', ...input });
}

/** One benefit's row of an explanation; a missing row is a test failure, not undefined. */
export function benefit(a: Adjudication, id: string): BenefitExplanation {
  const row = a.benefits.find((x) => x.benefitId === id);
  if (!row) throw new Error(`no explanation row for ${id} on ${a.claimId}`);
  return row;
}

/** Applies claims one by one, each on the accumulators the previous one left (acceptance order, ruling 10). */
export function inSequence(plan: LoadedPlan, ctx: PolicyContext, claims: Claim[], start: Accumulators = emptyAccumulators()): Adjudication[] {
  let accumulators = start;
  return claims.map((c) => {
    const result = adjudicate(plan, ctx, accumulators, c);
    accumulators = result.accumulators;
    return result;
  });
}
