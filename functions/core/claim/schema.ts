// A one-stop settlement record (一站式结算) as insurers and hospitals send it,
// and the policy context the engine needs about the member. Amounts are decimal
// strings in yuan; every cross-field rule names the field it breaks.
import { z } from 'zod';
import { Decimal } from 'decimal.js';
import { CatalogClass, CompensationSource, ItemCategory, Liability, LocalDate, ReliefGroup, SettlementPart, VisitType, Ratio } from '../plan/schema.ts';
import { Text, YuanText, codeRecord } from '../wire.ts';

/** Yuan on the wire: a decimal string with at most two decimals, never negative, never a JSON number. */
export const Amount = YuanText;

/**
 * Bounds of a claim's lists, from what a settlement holds: a national settlement message carries at most 40
 * diagnoses and 20 fund lines; a hospital holds a handful of designations. Line items: a claim is stored as one
 * DynamoDB item (400 KB), which holds about 2,000 plain items with their explanation; beyond that the store refuses
 * it by size anyway.
 */
export const CLAIM_BOUNDS = { designations: 20, diagnoses: 40, liabilities: 10, otherCompensation: 20, items: 2000 } as const;

const dec = (s: string) => new Decimal(s);

/**
 * Fields of the message a claim was mapped from (a hospital's national settlement) that the claim has no place
 * for, kept with it as sent: `path → text`, e.g. `setlinfo.psn_type → "1101"`. Bounded, so a message cannot
 * grow a claim without limit: at most `entries` keys of ≤ 80 characters, values of ≤ 500 characters.
 */
export const UNMAPPED_VALUE_MAX = 500;
export const unmappedFields = (entries: number) =>
  codeRecord(
    z.string().regex(/^[\w.[\]-]{1,80}$/, { error: 'must be a field path of at most 80 letters, digits, _ . [ ] -' }),
    z.string().max(UNMAPPED_VALUE_MAX),
    entries,
  ).optional();

export const Hospital = z.strictObject({
  code: Text(64),
  level: z.number().int().min(1).max(3),
  public: z.boolean(),
  /** GB/T 2260 code of the hospital's county or city. */
  regionCode: z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }),
  /** Designations the hospital holds for this plan (drg, special-disease, special-drug, …). */
  designations: z.array(Text(64)).max(CLAIM_BOUNDS.designations).default([]),
  ward: z.enum(['general', 'special']).default('general'),
});

export const Visit = z.strictObject({
  type: VisitType,
  /** Admission date (inpatient) or service date (other visits). */
  admissionDate: LocalDate,
  dischargeDate: LocalDate.optional(),
  hospital: Hospital,
  /** Out-of-area referral registration (转诊备案) done. */
  referral: z.boolean().default(false),
});

export const Diagnosis = z.strictObject({
  icd10: z.string().regex(/^[A-Z]\d{2}(\.\d{1,3})?$/, { error: 'must be an ICD-10 code like C50.9' }),
  firstDiagnosis: z.boolean().default(false),
  /** For a complication: the ICD-10 code of the disease it complicates. */
  complicationOf: z
    .string()
    .regex(/^[A-Z]\d{2}(\.\d{1,3})?$/, { error: 'must be an ICD-10 code like E11' })
    .optional(),
});

/**
 * The insurer's determination of a medical fact the settlement does not show (ruling 16), with what it rests on.
 * The engine uses it over matching the settlement's codes against the plan's list, and says so.
 */
export const Determination = z.strictObject({
  /**
   * pre-existing: the member had a condition of the list before cover (for a drug list: the drug's indication);
   * diagnosis: the claim's condition is one of the list (a severe malignant tumour certified by the diagnosing hospital);
   * first-diagnosis: and it was first diagnosed on this claim.
   */
  fact: z.enum(['pre-existing', 'diagnosis', 'first-diagnosis']),
  /** The id of the plan's list the fact is about (pre-existing, severe-malignant-tumour, rare-diseases…). */
  list: z.string().min(1).max(64),
  /** Whether the fact holds. */
  holds: z.boolean(),
  /** What the determination rests on: a medical record, the diagnosing hospital's certificate, an examination. */
  basis: z.string().min(1).max(500),
  /** Who determined it. */
  by: z.string().min(1).max(100).optional(),
  /** When. */
  on: LocalDate.optional(),
});
export type Determination = z.infer<typeof Determination>;

/** One determination per fact and list: two could disagree. */
export function uniqueDeterminations(list: readonly Determination[], ctx: z.RefinementCtx, path: (string | number)[]): void {
  const seen = new Set<string>();
  list.forEach((d, i) => {
    const key = `${d.fact}|${d.list}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `a second ${d.fact} determination for list "${d.list}": give one` });
    seen.add(key);
  });
}

export const OtherCompensation = z.strictObject({
  source: CompensationSource,
  amount: Amount,
  /** Already deducted from the self-pay parts below by the settlement. */
  alreadySubtracted: z.boolean().default(false),
});

export const Settlement = z.strictObject({
  total: Amount,
  basicFundPaid: Amount,
  criticalIllnessPaid: Amount,
  medicalAssistancePaid: Amount,
  otherCompensation: z.array(OtherCompensation).max(CLAIM_BOUNDS.otherCompensation).default([]),
  /** 政策范围内个人自付 (excluding the class-B co-pay). */
  inCatalogSelfPay: Amount,
  /** 乙类先行自付. */
  classBCopay: Amount,
  /** 全自费. */
  outOfCatalogSelfPay: Amount,
  /** 超限价自费. */
  overLimitSelfPay: Amount,
  /** Basic insurance settled this visit first. */
  basicSettled: z.boolean().default(true),
});

export const LineItem = z.strictObject({
  code: Text(64),
  name: Text(200).optional(),
  category: ItemCategory,
  catalogClass: CatalogClass,
  amount: Amount,
  /** The part of the item the patient pays after the public schemes. */
  selfPay: Amount,
  /** What per-item limits count by when it is not the item itself (同类药品: a drug class code). */
  limitGroup: Text(64).optional(),
  /** The source line's fields the item has no place for (fee-detail serial number, quantity, price…). */
  unmapped: unmappedFields(60),
  /**
   * Where the self-pay sits among the settlement's parts, when the settlement itemises it (a class-B drug: its co-pay
   * 乙类先行自付 and its 政策范围内自付); the parts must add up to selfPay. Absent: placed by catalogue class (class B:
   * co-pay first). A benefit that does not take the item leaves exactly these amounts out (ruling 15).
   */
  selfPayParts: z.partialRecord(SettlementPart, Amount).optional(),
});

export const ClaimFields = z.strictObject({
  claimId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { error: 'must be 1–128 letters, digits, dot, dash, colon or underscore' }),
  planId: Text(64),
  visit: Visit,
  diagnoses: z.array(Diagnosis).min(1, { error: 'needs at least one diagnosis' }).max(CLAIM_BOUNDS.diagnoses),
  /** Liabilities the settlement flags (third party, maternity, work injury, refused by basic rules). */
  liabilities: z.array(Liability).max(CLAIM_BOUNDS.liabilities).default([]),
  settlement: Settlement,
  items: z.array(LineItem).max(CLAIM_BOUNDS.items).default([]),
  /** The source message's fields the claim has no place for (its ids, the person's scheme, the payment split…). */
  unmapped: unmappedFields(1000),
  /** The insurer's determinations for this claim (ruling 16). */
  determinations: z.array(Determination).default([]),
});

/** Rules across fields of a settlement: parts add up, dates are ordered, items fit. */
export function claimRules(c: z.infer<typeof ClaimFields>, ctx: z.RefinementCtx): void {
  const s = c.settlement;
  const parts = [
    s.basicFundPaid,
    s.criticalIllnessPaid,
    s.medicalAssistancePaid,
    s.inCatalogSelfPay,
    s.classBCopay,
    s.outOfCatalogSelfPay,
    s.overLimitSelfPay,
  ].reduce((a, b) => a.plus(b), new Decimal(0));
  if (!parts.eq(s.total)) {
    ctx.addIssue({
      code: 'custom',
      path: ['settlement', 'total'],
      message: `must equal the sum of the fund payments and self-pay parts (${parts.toFixed(2)})`,
    });
  }
  const visit = c.visit;
  if (visit.type === 'inpatient' && visit.dischargeDate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['visit', 'dischargeDate'], message: 'is required for an inpatient visit' });
  }
  if (visit.dischargeDate !== undefined && visit.dischargeDate < visit.admissionDate) {
    ctx.addIssue({ code: 'custom', path: ['visit', 'dischargeDate'], message: 'must not be before admissionDate' });
  }
  const itemised: Record<string, Decimal> = {};
  c.items.forEach((item, i) => {
    if (dec(item.selfPay).gt(item.amount)) ctx.addIssue({ code: 'custom', path: ['items', i, 'selfPay'], message: 'must not exceed the item amount' });
    if (!item.selfPayParts) return;
    const parts = Object.entries(item.selfPayParts) as [string, string][];
    const total = parts.reduce((t, [, amount]) => t.plus(amount), new Decimal(0));
    if (!total.eq(item.selfPay))
      ctx.addIssue({ code: 'custom', path: ['items', i, 'selfPayParts'], message: `must add up to selfPay (they add up to ${total.toFixed(2)})` });
    for (const [part, amount] of parts) itemised[part] = (itemised[part] ?? new Decimal(0)).plus(amount);
  });
  const partField = {
    'in-catalog-self-pay': 'inCatalogSelfPay',
    'class-b-copay': 'classBCopay',
    'out-of-catalog-self-pay': 'outOfCatalogSelfPay',
    'over-limit-self-pay': 'overLimitSelfPay',
  } as const;
  for (const [part, amount] of Object.entries(itemised)) {
    const field = partField[part as keyof typeof partField];
    if (amount.gt(s[field]))
      ctx.addIssue({ code: 'custom', path: ['items'], message: `items' selfPayParts put ${amount.toFixed(2)} in ${part}, more than settlement.${field}` });
  }
  const itemsTotal = c.items.reduce((a, i) => a.plus(i.amount), new Decimal(0));
  if (itemsTotal.gt(s.total)) ctx.addIssue({ code: 'custom', path: ['items'], message: `item amounts (${itemsTotal.toFixed(2)}) exceed settlement.total` });
  uniqueDeterminations(c.determinations, ctx, ['determinations']);
  const burden = dec(s.total).minus(s.basicFundPaid).minus(s.criticalIllnessPaid).minus(s.medicalAssistancePaid);
  const compensation = s.otherCompensation.reduce((a, o) => a.plus(o.amount), new Decimal(0));
  if (compensation.gt(burden))
    ctx.addIssue({ code: 'custom', path: ['settlement', 'otherCompensation'], message: 'exceeds what the patient owed after the public schemes' });
}

/** Cross-field rules read amounts as decimals: they run on a claim whose fields are valid (not "abc", a 500). */
export const WHEN_FIELDS_VALID = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

export const ClaimSchema = ClaimFields.superRefine(claimRules, WHEN_FIELDS_VALID);
export type Claim = z.infer<typeof ClaimFields>;
export type ClaimInput = z.input<typeof ClaimFields>;
export type LineItem = z.infer<typeof LineItem>;

/** What the engine knows about the member's policy for the year of the claim. */
export const PolicyContextSchema = z
  .strictObject({
    memberId: z.string().min(1),
    tier: z.string().min(1),
    /** Cover of this policy, inclusive calendar days (Asia/Shanghai). */
    coverStart: LocalDate,
    coverEnd: LocalDate,
    /** The member's basic-insurance region (统筹区); places are judged against it. */
    regionCode: z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }),
    /** Conditions known (or that should have been known) before cover start. */
    preExistingConditions: z.array(z.strictObject({ icd10: Diagnosis.shape.icd10 })).default([]),
    reliefGroups: z.array(ReliefGroup).default([]),
    /** Earlier plan years of this product for the member: insured, and whether any benefit was paid. */
    history: z.array(z.strictObject({ year: z.number().int(), insured: z.boolean(), benefitPaid: z.boolean() })).default([]),
    /** Periods the member's basic insurance was suspended (to absent: still suspended). */
    basicSuspensions: z.array(z.strictObject({ from: LocalDate, to: LocalDate.optional() })).default([]),
    /** The city-wide participation rate frozen when enrollment closed. */
    participationRate: Ratio.optional(),
    /** The insurer's pre-existing determinations for the member (ruling 16); a claim's own determination comes first. */
    determinations: z
      .array(
        Determination.refine((d) => d.fact === 'pre-existing', {
          error: 'a policy carries pre-existing determinations only; a diagnosis is determined with its claim',
          path: ['fact'],
        }),
      )
      .default([]),
  })
  .superRefine((p, ctx) => uniqueDeterminations(p.determinations, ctx, ['determinations']));
export type PolicyContext = z.infer<typeof PolicyContextSchema>;
export type PolicyContextInput = z.input<typeof PolicyContextSchema>;
