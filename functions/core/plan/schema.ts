// The plan language: every mechanism of a 惠民保 product, named and typed, so a
// city onboards with one data file and never a code change.
import { z } from 'zod';
import { Decimal } from 'decimal.js';

// ---------- defaults ----------

/**
 * Defaults that stand for something a notice did not say and the services or the engine act on (whom one may buy
 * for, payment channels, sponsors…): the city confirms each one, and `hmb plan check` lists those a plan relied on.
 * Other defaults only say a plan has none of something it would otherwise write (no paysAfter, no limit groups).
 */
export const unstatedDefaults = z.registry<{ unstated: true }>();

function unstated<T extends z.ZodType>(schema: T): T {
  unstatedDefaults.add(schema, { unstated: true });
  return schema;
}

// ---------- scalars ----------

/** Yuan, two decimals at most, never negative. YAML numbers are accepted and kept exact via their text. */
export const Yuan = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^-?\d+(\.\d+)?$/, { error: 'must be a decimal amount in yuan' }))
  .refine((v) => !v.startsWith('-'), { error: 'must be ≥ 0' })
  .refine((v) => !/\.\d{3,}$/.test(v), { error: 'must have at most two decimals (fen)' });

/**
 * A ratio or share in [0, 1] as an exact decimal: 0.7, "0.7", or a percentage as the Chinese tables print it, "70%"
 * (kept as "0.7"). A number above 1 is refused, never read as a percentage: 70 could be a slip for 0.70 or 0.07.
 */
export const Ratio = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value).trim();
  const percent = /^(-?\d+(?:\.\d+)?)\s*[%％]$/.exec(text);
  const decimal = percent ? new Decimal(percent[1]).div(100).toString() : text;
  // Checked before decimal.js reads it: decimal.js throws on anything else, and a plan must never crash the loader.
  if (!/^-?\d+(\.\d+)?$/.test(decimal)) {
    ctx.addIssue({ code: 'custom', message: 'must be a ratio: a decimal like 0.7 or a percentage like "70%"' });
    return z.NEVER;
  }
  const ratio = new Decimal(decimal);
  if (ratio.lt(0)) ctx.addIssue({ code: 'custom', message: 'must be ≥ 0' });
  else if (ratio.gt(1)) ctx.addIssue({ code: 'custom', message: 'must be ≤ 1 (a ratio is a decimal like 0.7 or a percentage like "70%")' });
  return decimal;
});

/**
 * Ids name plans, benefits, tiers, campaigns… in routes, keys and files. At most 64 characters: the API's plan id
 * parameter (api/params.ts) takes this same pattern, so a plan that validates is one every route can name.
 */
export const ID_MAX_LENGTH = 64;
export const ID_PATTERN = new RegExp(`^[a-z0-9][a-z0-9-]{0,${ID_MAX_LENGTH - 1}}$`);
export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes' })
  .max(ID_MAX_LENGTH, { error: `must be at most ${ID_MAX_LENGTH} characters` });

/** A calendar day in Asia/Shanghai. */
export const LocalDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

/** An instant with an explicit offset, e.g. 2023-07-03T00:00:00+08:00. */
export const Instant = z.iso.datetime({ offset: true, error: 'must be an ISO date-time with offset, e.g. 2023-07-03T00:00:00+08:00' });

/** ICD-10 code or inclusive range: C50, C50.9, C00-C97, E11.2-E11.8. */
export const Icd10Range = z
  .string()
  .regex(/^[A-Z]\d{2}(\.\d{1,2})?(-[A-Z]\d{2}(\.\d{1,2})?)?$/, { error: 'must be an ICD-10 code or range like C00-C97' })
  .refine(
    (r) => {
      const [lo, hi] = r.split('-');
      return hi === undefined || lo <= hi;
    },
    { error: 'range must not fall (low code after high code)' },
  );

// ---------- vocabularies ----------

export const BasicScheme = z.enum(['employee', 'resident']);
export const Relation = z.enum(['self', 'spouse', 'child', 'parent', 'parent-in-law', 'grandparent', 'grandchild', 'sibling']);
export type Relation = z.infer<typeof Relation>;
export const ReliefGroup = z.enum([
  'dibao', // 低保
  'tekun', // 特困 / 特困供养
  'orphan', // 孤儿 (incl. children without de-facto carers)
  'poverty-alleviated', // 脱贫人口
  'monitored', // 纳入监测范围的易致贫返贫人口
  'disabled', // 残疾人
  'hardship-worker', // 困难职工
  'five-elders', // 革命"五老" and surviving spouses
  'elderly', // 老年群体
  'chronic-patient', // 慢性病患者
  'special-disease-family', // 特殊疾病家庭
  'low-income', // 帮扶村低收入人口
]);
export const PayerKind = z.enum(['charity', 'government', 'employer', 'union', 'collective', 'individual', 'red-cross', 'mass-organisation']);
export const PaymentChannelKind = z.enum(['wechat', 'bank-card', 'personal-account', 'family-mutual-aid', 'cash', 'app', 'sms-authorisation']);
export const VisitType = z.enum(['inpatient', 'outpatient-special-disease', 'outpatient', 'pharmacy']);
/** Where care happened relative to the member's basic-insurance region (统筹区), or the plan's (region.inAreaMeans). */
export const Place = z.enum(['in-area', 'in-province', 'out-of-province']);
/** Parts of the one-stop settlement a benefit can cover (see claim schema). */
export const SettlementPart = z.enum(['in-catalog-self-pay', 'class-b-copay', 'out-of-catalog-self-pay', 'over-limit-self-pay']);
export const ItemCategory = z.enum([
  'drug',
  'material',
  'examination',
  'treatment',
  'bed',
  'nursing',
  'surgery',
  'meal',
  'air-conditioning',
  'donor-organ',
  'organ-transport',
  'car-t',
  'named-expert',
  'third-party-lab',
  'other',
]);
export const CatalogClass = z.enum(['A', 'B', 'C', 'none']);
/** Causes that make a whole claim uncovered (ruling 6). */
export const Liability = z.enum(['third-party', 'maternity', 'work-injury', 'basic-refused']);
export const CompensationSource = z.enum(['commercial', 'employer', 'supplementary', 'charity', 'fund', 'other']);

// ---------- lists (diseases, drugs, catalogues) are data ----------

export const ListEntry = z.strictObject({
  code: z.string().min(1),
  name: z.string().min(1),
  icd10: z.array(Icd10Range).optional(),
  /** The plan's own drug class (e.g. special tumour drugs classed A/B/C), not the basic catalogue class. */
  class: z.string().optional(),
  /** For drugs: diseases the drug treats (ICD-10), used by the drug-indication pre-existing rule. */
  indications: z.array(Icd10Range).optional(),
});
export type ListEntry = z.infer<typeof ListEntry>;

export const ListKind = z.enum(['diseases', 'drugs', 'rare-diseases', 'treatments', 'catalogue', 'hospitals']);

export const PlanList = z
  .strictObject({
    kind: ListKind,
    title: z.string().min(1),
    /** Who publishes the contents: the source document itself, or the city (a list file beside the plan). */
    suppliedBy: z.enum(['source', 'city']),
    /** Items the list matches on: line-item codes (drugs, treatments), or diagnoses (ICD-10). */
    entries: z.array(ListEntry).optional(),
    /** Relative to plans/: a YAML file `{ entries: [...] }` the city supplies. */
    file: z.string().optional(),
    note: z.string().optional(),
  })
  .refine((l) => (l.entries === undefined) !== (l.file === undefined), {
    error: 'give exactly one of entries or file',
  });
export type PlanList = z.infer<typeof PlanList>;

// ---------- identity, consortium, tiers ----------

export const Region = z.strictObject({
  province: z.string().min(1),
  city: z.string().optional(),
  /** GB/T 2260 administrative code of the plan's region (6 digits). */
  adminCode: z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }),
  counties: z
    .array(
      z.strictObject({
        code: z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }),
        name: z.string().min(1),
      }),
    )
    .min(1),
  /**
   * What a claim's place (in-area, in-province, out-of-province) is judged against: the member's own basic-insurance
   * region (统筹区, the default), or the plan's, where the source names the city's own area (X市统筹区内) and people
   * insured elsewhere may join (new citizens): their care in the city is in the area, at home it is not.
   */
  inAreaMeans: unstated(z.enum(['member-region', 'plan-region']).default('member-region')),
});

/** The city's own notice the plan is read from, cited so that anyone can find it: by its number, URL or file. */
export const Source = z
  .strictObject({
    /** The notice's title as published. */
    title: z.string().min(1),
    /** Who issued it: the bureau, the city government, the departments that signed it. */
    issuer: z.string().min(1),
    /** Its document number (文号), e.g. 武医保发〔2025〕22号. */
    number: z.string().min(1).optional(),
    /** The day it was issued (成文或印发日期); absent where the notice prints none. */
    date: LocalDate.optional(),
    /** Where it is published. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** The file as the city publishes it (the PDF's or document's name), where there is no URL. */
    file: z
      .string()
      .min(1)
      .refine((f) => !/^\d{3}_[0-9a-f]{8,}\.txt$/.test(f), { error: "must name the city's own file as published, not a local copy" })
      .optional(),
    /** The sections, annexes or tables the plan draws on. */
    reference: z.string().optional(),
  })
  .refine((s) => s.number !== undefined || s.url !== undefined || s.file !== undefined, {
    error: 'cite the notice so that it can be found: give its number, url or file',
  });

export const Insurer = z.strictObject({
  id: Id,
  name: z.string().min(1),
  share: Ratio,
  lead: z.boolean().default(false),
});

export const Consortium = z.strictObject({
  insurers: z.array(Insurer).min(1),
  /** Where the shares come from: published, or equal shares by ruling 11 until the agreement replaces them. */
  sharesBasis: z.enum(['published', 'equal-by-ruling-11', 'single-insurer']),
  reinsurance: z.boolean().default(false),
});

export const Tier = z.strictObject({
  id: Id,
  name: z.string().min(1),
  premium: Yuan,
  benefits: z.array(Id).min(1),
});

// ---------- enrollment, cover, eligibility ----------

export const Window = z.strictObject({
  /** null: the source gives no date and an administrator schedules it (ruling 12). */
  opens: Instant.nullable(),
  /** Exclusive end instant (2023-08-31 24:00 is written 2023-09-01T00:00:00+08:00). */
  closes: Instant.nullable(),
  note: z.string().optional(),
});

export const Cover = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), start: LocalDate, end: LocalDate }),
  /** 即参即享: from the moment of enrollment for N months. */
  z.strictObject({ kind: z.literal('from-enrollment'), months: z.number().int().min(1).max(24) }),
  /** Starts the day after the window closes, for N months (dates scheduled by an administrator). */
  z.strictObject({ kind: z.literal('after-window'), months: z.number().int().min(1).max(24) }),
]);

export const Enrollment = z.strictObject({
  window: Window,
  cover: Cover,
  /** 每人限购一份: the platform sells one policy per person and plan year. */
  policiesPerPersonPerYear: z.literal(1).default(1),
  /** Days after cover starts before benefits pay; most notices say 不设等待期 (0). */
  waitingPeriodDays: unstated(z.number().int().min(0).default(0)),
  /** Whom a buyer may enroll: themselves, and the relatives the notice names. Silent: themselves only. */
  enrollFor: unstated(z.array(Relation).min(1).default(['self'])),
  /** Staff may enroll a person on their behalf (协助办理). */
  assistedByStaff: unstated(z.boolean().default(false)),
  /** Registered promoters (公益推广员) are credited with the enrollments they bring. */
  promoters: unstated(z.boolean().default(false)),
  /** Benefits only for those who paid in full before the window closed. */
  fullPaymentInTimeRequired: unstated(z.boolean().default(true)),
});

/** Who may buy. A notice silent on a point admits nobody beyond the plan's own basic insured (the defaults). */
export const Eligibility = z.strictObject({
  schemes: unstated(z.array(BasicScheme).min(1).default(['employee', 'resident'])),
  /** Only people whose basic insurance is active (在保状态) may buy. */
  activeStatusRequired: unstated(z.boolean().default(false)),
  newCitizens: unstated(
    z
      .union([
        z.literal(false),
        z.strictObject({
          /** Hukou missing or held for fewer than this many years (e.g. 3). */
          maxHukouYears: z.number().int().min(0).optional(),
          proofOfResidenceAtClaim: z.boolean(),
          insuredElsewhereClaimsWithThatSettlement: z.boolean(),
        }),
      ])
      .default(false),
  ),
  /** HK, Macao and Taiwan compatriots in the province's basic insurance may buy. */
  hongKongMacaoTaiwan: unstated(z.boolean().default(false)),
  /** While basic insurance is suspended, this plan pays nothing; resumes with basic benefits. */
  suspendedBasicPausesBenefits: unstated(z.boolean().default(false)),
  noLimitOn: z.array(z.enum(['age', 'sex', 'occupation', 'health', 'past-illness', 'hukou'])).default([]),
});

export const PaymentChannel = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['wechat', 'bank-card', 'cash', 'app', 'sms-authorisation']) }),
  z.strictObject({
    kind: z.literal('personal-account'),
    schemes: z.array(BasicScheme).min(1),
    /** Most of the balance the account may pay (e.g. 70 %). Absent: the whole balance. */
    maxBalanceShare: Ratio.optional(),
    /** Which balance the share applies to. */
    balanceBasis: z.enum(['current', 'carried-over']).default('current'),
    forRelations: z.array(Relation).min(1),
    /** Reservation deduction: once it succeeds, money paid through another channel is refunded. */
    refundsOtherChannels: z.boolean().default(false),
  }),
  z.strictObject({ kind: z.literal('family-mutual-aid'), forRelations: z.array(Relation).min(1) }),
]);

/** How residents pay. A notice silent on channels names none: residents cannot pay until the city names them. */
export const Payment = z.strictObject({
  channels: unstated(z.array(PaymentChannel).default([])),
  autoRenewal: unstated(
    z.union([z.literal(false), z.strictObject({ channels: z.array(PaymentChannelKind).min(1), consentRequired: z.literal(true) })]).default(false),
  ),
  singlePayment: z.boolean().default(true),
  /** An online order left unpaid this long expires (never later than the window's close). */
  payWithinMinutes: unstated(
    z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(30),
  ),
});

export const Campaign = z.strictObject({
  id: Id,
  name: z.string().min(1),
  payerKinds: z.array(PayerKind).min(1),
  targetGroups: z.array(ReliefGroup).min(1),
});

/** A government subsidy order's approval steps (who takes each: charity/order-payment.ts). */
export const ApprovalStep = z.enum(['civil-affairs-submits', 'lead-insurer-confirms', 'finance-pays']);
export type ApprovalStep = z.infer<typeof ApprovalStep>;

/** Who may buy for others. A notice silent on sponsorship admits no sponsor (no payer kinds). */
export const Sponsorship = z.strictObject({
  payerKinds: unstated(z.array(PayerKind).default([])),
  contributions: unstated(
    z
      .array(z.enum(['full', 'fixed-amount']))
      .min(1)
      .default(['full']),
  ),
  targetGroups: unstated(z.array(ReliefGroup).default([])),
  campaigns: z.array(Campaign).default([]),
  /** Government subsidy flow: the approvals an order needs, in order (civil affairs, lead insurer, finance). */
  approvals: unstated(z.array(ApprovalStep).default([])),
  /** Sponsored purchases are published (the public ledger): the platform's default, as donations must be transparent. */
  publicLedger: unstated(z.boolean().default(true)),
});

// ---------- benefits ----------

const Band = z.strictObject({
  /** Inclusive upper edge of the slice on the cumulative post-deductible amount; absent on the last band. */
  upTo: Yuan.optional(),
  ratio: Ratio,
});

/** A flat ratio, or marginal bands (ruling 3). */
export const Schedule = z.union([z.strictObject({ flat: Ratio }), z.strictObject({ bands: z.array(Band).min(2) })]);
export type Schedule = z.infer<typeof Schedule>;

export const Deductible = z.union([
  z.strictObject({ amount: Yuan, basis: z.enum(['annual', 'per-admission']) }),
  /** A deductible shared with other benefits: the group's amount and basis apply. */
  z.strictObject({ group: Id }),
]);

export const PreExistingRule = z.strictObject({
  /** The list that defines a pre-existing condition for this benefit. */
  list: Id,
  /**
   * whole-person: a member with any listed condition before cover is classified pre-existing for every claim;
   * claim-related: only costs whose diagnosis is listed (and known before cover) are reduced;
   * drug-indication: the member had, before cover, the indication of the listed drug being claimed.
   */
  basis: z.enum(['whole-person', 'claim-related', 'drug-indication']),
  /**
   * The effect touches only listed items (drugs) whose indications fall among this list's conditions —
   * e.g. tumour drugs for a member with a pre-existing tumour — not the whole benefit.
   */
  onlyItemsTreatingListed: z.boolean().default(false),
  /** What the classification does: pay another schedule, or nothing at all. */
  effect: z.enum(['reduced', 'excluded']),
  schedule: Schedule.optional(),
  /** Yearly limit of the benefit for a pre-existing member (whole-person only). */
  limit: Yuan.optional(),
  /** Relief recipients classified pre-existing pay this schedule instead. */
  reliefSchedule: Schedule.optional(),
  note: z.string().optional(),
});

export const ItemFilter = z.strictObject({
  /** Line items whose code is on this list. */
  list: Id.optional(),
  catalogClasses: z.array(CatalogClass).optional(),
  categories: z.array(ItemCategory).optional(),
});

export const PlaceRule = z.strictObject({
  places: z.array(Place).min(1).optional(),
  minHospitalLevel: z.number().int().min(1).max(3).optional(),
  publicOnly: z.boolean().default(false),
  /** Designations the hospital must hold (e.g. drg, special-disease, special-drug). */
  designations: z.array(z.string().min(1)).default([]),
  /** General ward only (普通部): special/VIP wards are not covered. */
  generalWardOnly: z.boolean().default(false),
});

export const DiagnosisRule = z.strictObject({
  list: Id,
  /** The listed diagnosis must be a first diagnosis (首次确诊) made at a designated hospital. */
  firstDiagnosis: z.boolean().default(false),
});

export const LumpSum = z.strictObject({
  amount: Yuan,
  /** Raised amount after N consecutive insured years in which no benefit was paid. */
  enhanced: z.strictObject({ amount: Yuan, consecutiveYears: z.number().int().min(2), noBenefitPaid: z.literal(true) }).optional(),
});

export const ItemLimit = z.strictObject({
  /** Line-item categories the sub-limit groups by item code (one drug, one material, …). */
  categories: z.array(ItemCategory).min(1),
  amount: Yuan,
  note: z.string().optional(),
});

export const Benefit = z.strictObject({
  id: Id,
  name: z.string().min(1),
  /** Section of the source document, for the benefit table. */
  source: z.string().min(1),
  kind: z.enum(['reimbursement', 'lump-sum']).default('reimbursement'),
  visits: z.array(VisitType).min(1),
  /** What the benefit pays on: parts of the settlement and/or selected line items (their self-pay). */
  covers: z
    .strictObject({
      settlement: z.array(SettlementPart).default([]),
      items: ItemFilter.optional(),
    })
    .default({ settlement: [] }),
  where: PlaceRule.default({ publicOnly: false, designations: [], generalWardOnly: false }),
  diagnosis: DiagnosisRule.optional(),
  deductible: Deductible.optional(),
  schedule: Schedule.optional(),
  /** The plan's drug class of the claimed item selects the ratio, for everyone. */
  scheduleByItemClass: z.record(z.string(), Ratio).optional(),
  /** Band position shared with other benefits (a band group). */
  bandGroup: Id.optional(),
  preExisting: PreExistingRule.optional(),
  limit: Yuan.optional(),
  /** Pays only what remains after these benefits paid on the same claim (e.g. rare-disease cover after inpatient cover). */
  paysAfter: z.array(Id).default([]),
  lumpSum: LumpSum.optional(),
  note: z.string().optional(),
});
export type Benefit = z.infer<typeof Benefit>;

export const DeductibleGroup = z.strictObject({
  id: Id,
  amount: Yuan,
  basis: z.enum(['annual', 'per-admission']),
});

export const Group = z.strictObject({
  id: Id,
  members: z.array(Id).min(2),
  note: z.string().optional(),
});

export const LimitGroup = Group.extend({ amount: Yuan });

export const OutOfAreaFactor = z.strictObject({
  places: z.array(Place).min(1),
  /** Whether the visit had referral registration (转诊备案); absent: either. */
  referral: z.boolean().optional(),
  factor: Ratio,
});

export const Modifiers = z.strictObject({
  /** 无赔款续保优待: insured N consecutive years with no payment in the previous year. */
  noClaimBonus: z.strictObject({ consecutiveYears: z.number().int().min(2), points: Ratio }).optional(),
  /** Multiplies the ratio after the bonus (ruling 6); first matching row wins. None: out-of-area care pays the full ratio. */
  outOfArea: unstated(z.array(OutOfAreaFactor).default([])),
});

export const OutOfPocketCap = z.strictObject({
  places: z.array(Place).min(1),
  /** The cap in force is the row with the highest rate not above the frozen city-wide participation rate. */
  byParticipation: z.array(z.strictObject({ minParticipationRate: Ratio, cap: Yuan })).min(1),
});

export const CoverBoundary = z.strictObject({
  /** Admitted before cover start: the admission pays nothing. */
  admissionBeforeCoverPaysNothing: z.boolean(),
  /** Still in hospital at cover end: covered if discharged within N days after the end... */
  dischargeGraceDays: z.number().int().min(0).optional(),
  /** ...and the stay is at most N days; otherwise the whole admission pays nothing. */
  maxStayDays: z.number().int().min(1).optional(),
});

export const Exclusions = z.strictObject({
  /** Whole claims with these liabilities pay nothing (ruling 6). */
  liabilities: unstated(z.array(Liability).default([])),
  /** Line items of these categories are removed before any benefit. */
  itemCategories: unstated(z.array(ItemCategory).default([])),
  note: z.string().optional(),
});

export const Indemnity = z.strictObject({
  /** Only what remains after other compensation is paid (compensation principle). */
  subtractOtherCompensation: z.boolean(),
  /** Sources whose payments count toward the deductible (e.g. other commercial insurance). */
  countTowardDeductible: unstated(z.array(CompensationSource).default([])),
  /** Nothing is paid unless basic insurance settled first. */
  basicSettlementRequired: z.boolean(),
});

export const FinancialControls = z.strictObject({
  payoutRatioFloor: Ratio.optional(),
  combinedRatioCeiling: Ratio.optional(),
  netProfitThreshold: z.strictObject({ rate: Ratio, excessTo: z.string().min(1) }).optional(),
  surplusThreshold: z.strictObject({ rate: Ratio, action: z.string().min(1) }).optional(),
  surplusCarriedForward: z.boolean().default(false),
  premiumCap: z.strictObject({ shareOfResidentContribution: Ratio }).optional(),
  pricedByPreExisting: z.boolean().default(false),
});

export const Participation = z.strictObject({
  countyFloor: Ratio.optional(),
  countyAim: Ratio.optional(),
});

const PlanObject = z.strictObject({
  id: Id,
  name: z.string().min(1),
  region: Region,
  productYear: z.number().int().min(2015).max(2100),
  /** The previous plan year's plan id: its members' history carries over, and consenting members are renewed. */
  renews: Id.optional(),
  /**
   * The day (Asia/Shanghai) this content takes effect, when it changes a plan already published: a corrected or
   * updated list, say. Claims treated from that day on are adjudicated under it, earlier ones under the version
   * before (ruling 17). Absent: from the start of the plan year.
   */
  effectiveFrom: LocalDate.optional(),
  source: Source,
  consortium: Consortium,
  tiers: z.array(Tier).min(1),
  enrollment: Enrollment,
  eligibility: Eligibility.prefault({}),
  payment: Payment.prefault({}),
  sponsorship: Sponsorship.prefault({}),
  /** Groups counted as relief recipients for benefit ratios (may differ from sponsorship targets). */
  reliefGroups: unstated(z.array(ReliefGroup).default([])),
  lists: z.record(Id, PlanList).default({}),
  benefits: z.array(Benefit).min(1),
  deductibleGroups: z.array(DeductibleGroup).default([]),
  bandGroups: z.array(Group).default([]),
  limitGroups: z.array(LimitGroup).default([]),
  yearTotal: Yuan.optional(),
  /** Yearly sub-limits per item (one drug, one material…), across all benefits (ruling 14). */
  itemLimits: z.array(ItemLimit).default([]),
  modifiers: Modifiers.prefault({}),
  outOfPocketCap: OutOfPocketCap.optional(),
  coverBoundary: CoverBoundary,
  exclusions: Exclusions.prefault({}),
  indemnity: Indemnity,
  financial: FinancialControls.default({ surplusCarriedForward: false, pricedByPreExisting: false }),
  participation: Participation.default({}),
  reporting: z.array(z.enum(['monthly', 'quarterly', 'yearly'])).default([]),
  notes: z.array(z.string()).default([]),
});

export const PlanSchema = PlanObject.superRefine(crossFieldRules);
export type Plan = z.infer<typeof PlanObject>;
export type PlanInput = z.input<typeof PlanObject>;

type Ctx = z.RefinementCtx;

/** Rules that span fields: references exist, bands rise, windows are ordered, shares sum to 1. */
function crossFieldRules(p: Plan, ctx: Ctx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  // consortium
  const shares = p.consortium.insurers.reduce((s, i) => s.plus(i.share), new Decimal(0));
  if (!shares.eq(1)) issue(['consortium', 'insurers'], `shares must sum to exactly 1 (they sum to ${shares.toString()})`);
  const leads = p.consortium.insurers.filter((i) => i.lead).length;
  if (leads !== 1) issue(['consortium', 'insurers'], `exactly one insurer must be lead (found ${leads})`);
  duplicates(p.consortium.insurers.map((i) => i.id)).forEach((d) => issue(['consortium', 'insurers'], `duplicate insurer id "${d}"`));

  // benefits and their references
  const benefitIds = new Set(p.benefits.map((b) => b.id));
  duplicates(p.benefits.map((b) => b.id)).forEach((d) => issue(['benefits'], `duplicate benefit id "${d}"`));
  const listIds = new Set(Object.keys(p.lists));
  const deductibleGroupIds = new Set(p.deductibleGroups.map((g) => g.id));
  const bandGroupIds = new Set(p.bandGroups.map((g) => g.id));

  p.tiers.forEach((t, i) =>
    t.benefits.forEach((b, j) => {
      if (!benefitIds.has(b)) issue(['tiers', i, 'benefits', j], `unknown benefit "${b}"`);
    }),
  );
  duplicates(p.tiers.map((t) => t.id)).forEach((d) => issue(['tiers'], `duplicate tier id "${d}"`));

  p.benefits.forEach((b, i) => {
    const at = (...rest: (string | number)[]) => ['benefits', i, ...rest];
    const needList = (id: string | undefined, path: (string | number)[]) => {
      if (id !== undefined && !listIds.has(id)) issue(path, `unknown list "${id}" (declare it under lists)`);
    };
    needList(b.covers.items?.list, at('covers', 'items', 'list'));
    needList(b.diagnosis?.list, at('diagnosis', 'list'));
    needList(b.preExisting?.list, at('preExisting', 'list'));
    if (b.deductible && 'group' in b.deductible && !deductibleGroupIds.has(b.deductible.group)) {
      issue(at('deductible', 'group'), `unknown deductible group "${b.deductible.group}"`);
    }
    if (b.bandGroup !== undefined && !bandGroupIds.has(b.bandGroup)) issue(at('bandGroup'), `unknown band group "${b.bandGroup}"`);
    if (b.kind === 'lump-sum') {
      if (!b.lumpSum) issue(at('lumpSum'), 'a lump-sum benefit needs lumpSum');
      if (!b.diagnosis) issue(at('diagnosis'), 'a lump-sum benefit needs the diagnosis that triggers it');
    } else {
      if (b.lumpSum) issue(at('lumpSum'), 'only a lump-sum benefit has lumpSum');
      if (!b.schedule && !b.scheduleByItemClass) issue(at('schedule'), 'a reimbursement benefit needs schedule or scheduleByItemClass');
      if (b.covers.settlement.length === 0 && !b.covers.items) issue(at('covers'), 'covers nothing: name settlement parts or items');
      if (b.limit === undefined) issue(at('limit'), 'a reimbursement benefit needs a yearly limit');
    }
    if (b.scheduleByItemClass && !b.covers.items?.list) issue(at('scheduleByItemClass'), 'item classes come from a list: covers.items.list is required');
    if (b.schedule) checkSchedule(b.schedule, at('schedule'), issue);
    const pe = b.preExisting;
    if (pe) {
      if (pe.schedule) checkSchedule(pe.schedule, at('preExisting', 'schedule'), issue);
      if (pe.reliefSchedule) checkSchedule(pe.reliefSchedule, at('preExisting', 'reliefSchedule'), issue);
      if (pe.effect === 'excluded' && (pe.schedule || pe.limit || pe.reliefSchedule)) {
        issue(at('preExisting'), 'an excluded population has no schedule or limit');
      }
      if (pe.effect === 'reduced' && !pe.schedule && pe.limit === undefined) {
        issue(at('preExisting', 'schedule'), 'effect reduced needs the reduced schedule (or a population limit): say what is reduced');
      }
      if (pe.limit !== undefined && pe.basis !== 'whole-person') issue(at('preExisting', 'limit'), 'a population limit needs basis whole-person');
      if (pe.basis === 'drug-indication' && !b.covers.items?.list) issue(at('preExisting', 'basis'), 'drug-indication needs covers.items.list');
      if (pe.onlyItemsTreatingListed && (pe.basis !== 'whole-person' || !b.covers.items?.list)) {
        issue(at('preExisting', 'onlyItemsTreatingListed'), 'needs basis whole-person and covers.items.list');
      }
    }
    b.paysAfter.forEach((a, j) => {
      if (a === b.id) issue(at('paysAfter', j), 'a benefit cannot pay after itself');
      else if (!benefitIds.has(a)) issue(at('paysAfter', j), `unknown benefit "${a}"`);
    });
    if (b.deductible && 'amount' in b.deductible && b.deductible.basis === 'per-admission' && !b.visits.includes('inpatient')) {
      issue(at('deductible', 'basis'), 'a per-admission deductible needs inpatient visits');
    }
  });

  // Payment order is what paysAfter says, never the order of the file: it only must not go round in a circle.
  const cycle = paysAfterCycle(p.benefits);
  if (cycle) issue(['benefits', p.benefits.findIndex((b) => b.id === cycle[0]), 'paysAfter'], `pays after itself through ${cycle.join(' → ')}`);

  const groupMembers = (path: (string | number)[], members: string[]) =>
    members.forEach((m, j) => {
      if (!benefitIds.has(m)) issue([...path, 'members', j], `unknown benefit "${m}"`);
    });
  p.bandGroups.forEach((g, i) => groupMembers(['bandGroups', i], g.members));
  p.limitGroups.forEach((g, i) => groupMembers(['limitGroups', i], g.members));
  const groupSections = { deductibleGroups: p.deductibleGroups, bandGroups: p.bandGroups, limitGroups: p.limitGroups };
  const groupIds = Object.values(groupSections)
    .flat()
    .map((g) => g.id);
  for (const [section, groups] of Object.entries(groupSections)) {
    groups.forEach((g, i) => {
      if (groupIds.filter((id) => id === g.id).length > 1) issue([section, i, 'id'], `duplicate group id "${g.id}"`);
    });
  }
  // A band group is named twice (by the group and by each member) so the table reads well; both must agree.
  p.bandGroups.forEach((g, i) =>
    g.members.forEach((m, j) => {
      const b = p.benefits.find((x) => x.id === m);
      if (b && b.bandGroup !== g.id) issue(['bandGroups', i, 'members', j], `benefit "${m}" must name bandGroup "${g.id}"`);
    }),
  );
  p.benefits.forEach((b, i) => {
    const group = p.bandGroups.find((g) => g.id === b.bandGroup);
    if (group && !group.members.includes(b.id)) issue(['benefits', i, 'bandGroup'], `benefit "${b.id}" is not among the members of band group "${group.id}"`);
    if (!p.tiers.some((t) => t.benefits.includes(b.id))) issue(['benefits', i, 'id'], `no tier includes benefit "${b.id}"`);
  });

  // dates
  const w = p.enrollment.window;
  if (w.opens && w.closes && Date.parse(w.opens) >= Date.parse(w.closes)) issue(['enrollment', 'window', 'closes'], 'must be after opens');
  const c = p.enrollment.cover;
  if (c.kind === 'fixed') {
    if (c.start >= c.end) issue(['enrollment', 'cover', 'end'], 'must be after start');
    if (w.opens && Date.parse(`${c.start}T00:00:00+08:00`) < Date.parse(w.opens)) {
      issue(['enrollment', 'cover', 'start'], 'cover cannot start before the window opens');
    }
  }

  // modifiers and caps
  const cap = p.outOfPocketCap?.byParticipation ?? [];
  for (let i = 1; i < cap.length; i++) {
    if (!new Decimal(cap[i].minParticipationRate).gt(cap[i - 1].minParticipationRate)) {
      issue(['outOfPocketCap', 'byParticipation', i, 'minParticipationRate'], 'participation rates must rise');
    }
  }
  const { noClaimBonus } = p.modifiers;
  if (noClaimBonus && new Decimal(noClaimBonus.points).gt('0.5')) issue(['modifiers', 'noClaimBonus', 'points'], 'must be ≤ 0.5');

  // payment
  if (p.payment.autoRenewal) {
    const kinds = new Set(p.payment.channels.map((ch) => ch.kind));
    p.payment.autoRenewal.channels.forEach((k, j) => {
      if (!kinds.has(k)) issue(['payment', 'autoRenewal', 'channels', j], `channel "${k}" is not among payment.channels`);
    });
  }
  if (p.renews === p.id) issue(['renews'], 'a plan cannot renew itself');

  // sponsorship: an order names its campaign, found by id (charity/orders.ts): a second with the same id is unreachable
  duplicates(p.sponsorship.campaigns.map((c) => c.id)).forEach((d) => issue(['sponsorship', 'campaigns'], `duplicate campaign id "${d}"`));
  const payers = new Set(p.sponsorship.payerKinds);
  p.sponsorship.campaigns.forEach((c, i) =>
    c.payerKinds.forEach((k, j) => {
      if (!payers.has(k)) issue(['sponsorship', 'campaigns', i, 'payerKinds', j], `payer kind "${k}" is not among sponsorship.payerKinds`);
    }),
  );

  // Participation is counted by county code, and list entries are matched by code: each names one thing.
  duplicates(p.region.counties.map((c) => c.code)).forEach((d) => issue(['region', 'counties'], `duplicate county code "${d}"`));
  for (const [id, list] of Object.entries(p.lists)) {
    duplicates((list.entries ?? []).map((e) => e.code)).forEach((d) => issue(['lists', id, 'entries'], `duplicate code "${d}"`));
  }
}

function checkSchedule(s: Schedule, path: (string | number)[], issue: (p: (string | number)[], m: string) => void): void {
  if (!('bands' in s)) return;
  s.bands.forEach((b, i) => {
    if (i === 0 && b.upTo !== undefined && new Decimal(b.upTo).lte(0)) issue([...path, 'bands', 0, 'upTo'], 'the first band edge must be above 0');
    const last = i === s.bands.length - 1;
    if (last && b.upTo !== undefined) issue([...path, 'bands', i, 'upTo'], 'the last band must be open (no upTo)');
    if (!last && b.upTo === undefined) issue([...path, 'bands', i, 'upTo'], 'only the last band may be open');
    if (i > 0 && b.upTo !== undefined && s.bands[i - 1].upTo !== undefined && !new Decimal(b.upTo).gt(s.bands[i - 1].upTo!)) {
      issue([...path, 'bands', i, 'upTo'], 'band edges must rise');
    }
  });
}

/** The first circle of paysAfter references (a → b → a), if any. */
export function paysAfterCycle(benefits: readonly Pick<Benefit, 'id' | 'paysAfter'>[]): string[] | undefined {
  const after = new Map(benefits.map((b) => [b.id, b.paysAfter]));
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done' || !after.has(id)) return undefined;
    if (state.get(id) === 'visiting') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'visiting');
    trail.push(id);
    for (const next of after.get(id)!) {
      if (next === id) continue; // reported on its own
      const found = visit(next);
      if (found) return found;
    }
    trail.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const b of benefits) {
    const found = visit(b.id);
    if (found) return found;
  }
  return undefined;
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}
