// The national medical-insurance interface (国家医保信息平台) as hospitals speak it, mapped onto the platform's
// claim. One module, so the fate of every field is decided in one place; docs/direct-settlement.md is its table
// and gives the reasoning. A message is the settlement output of a trial or settlement (2206/2207 outpatient,
// 2303/2304 inpatient: `setlinfo`, `setldetail`) with the visit's diagnoses (`diseinfo`, as sent at discharge)
// and fee lines (`feedetail`, as the centre split them). Bad or inconsistent messages are refused naming the
// field; amounts are decimal text, never JS numbers (parseNationalJson keeps a JSON number's own digits).
import { z } from 'zod';
import { Decimal } from 'decimal.js';
import { ResidentId } from '../identity/resident-id.ts';
import { HIDDEN_CHARACTERS_RULE, VISIBLE_ONLY } from '../wire.ts';
import {
  CLAIM_BOUNDS,
  ClaimSchema,
  UNMAPPED_VALUE_MAX,
  WHEN_FIELDS_VALID,
  type Claim,
  type ClaimInput,
  type Hospital,
  type LineItem,
} from '../claim/schema.ts';
import { LocalDate } from '../plan/schema.ts';
import { ZERO, formatYuan, sum, toFen } from '../money/money.ts';
import { formatPath } from '../plan/loader.ts';

/**
 * JSON text → value with every number literal kept as its own source text (`1234.50` → `"1234.50"`), so an
 * amount a hospital sends as a JSON number reaches decimal.js digit for digit, never through a binary double.
 */
export function parseNationalJson(text: string): unknown {
  return JSON.parse(text, keepNumberText);
}

function keepNumberText(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' && context?.source !== undefined ? context.source : value;
}

// ---------- field types ----------

const TEXT_MAX = 200;

/** Absent, null and "" are the same to the national messages: the field was not sent. */
const absent = (v: unknown) => (v === '' || v === null ? undefined : v);

/** Yuan as decimal text, ≥ 0, at most two decimals; normalised to two ("3300" → "3300.00"). */
const Yuan = z
  .string({
    error: (i) =>
      i.input === undefined
        ? 'is required'
        : 'must be a yuan amount as text, e.g. "1234.50" (a JSON number only through parseNationalJson, which keeps its digits)',
  })
  .regex(/^\d{1,12}(\.\d{1,2})?$/, { error: 'must be a non-negative yuan amount with at most two decimals, e.g. "1234.50"' })
  .transform((v) => formatYuan(new Decimal(v)));
const RequiredYuan = z.preprocess(absent, Yuan);
/**
 * A part or a fund the message may leave out (a fund that paid nothing): absent is 0.00. Safe because the totals
 * it adds up to are required and checked: a part left out that was not zero breaks its sum.
 */
const OptionalYuan = z.preprocess(absent, Yuan.optional()).transform((v) => v ?? '0.00');

/** A code the claim keeps (a list code, a hospital's, a person's): visible text, trimmed, 1 to `max` characters. */
const Code = (max: number) =>
  z.preprocess(
    absent,
    z
      .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
      .regex(VISIBLE_ONLY, { error: HIDDEN_CHARACTERS_RULE })
      .trim()
      .min(1)
      .max(max),
  );
const OptionalText = (max = TEXT_MAX) => z.preprocess(absent, z.string({ error: 'must be text' }).max(max).optional());
/** A fee line's name, which becomes its item's name: visible text, like any name the platform keeps. */
const ItemName = z.preprocess(
  absent,
  z
    .string({ error: 'must be text' })
    .regex(VISIBLE_ONLY, { error: HIDDEN_CHARACTERS_RULE })
    .trim()
    .max(TEXT_MAX)
    .transform((name) => name || undefined)
    .optional(),
);
/** Ids become claim ids and keys: letters, digits and . _ : - only. */
const Id = z.preprocess(
  absent,
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { error: 'must be 1–100 letters, digits, dot, dash, colon or underscore' }),
);

/** yyyy-MM-dd, or yyyy-MM-dd HH:mm:ss as the settlement records send it: the calendar day is what counts. */
const NationalDate = z.preprocess(
  absent,
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a date yyyy-MM-dd') })
    .regex(/^\d{4}-\d{2}-\d{2}( ([01]\d|2[0-3]):[0-5]\d:[0-5]\d)?$/, { error: 'must be a date yyyy-MM-dd or a time yyyy-MM-dd HH:mm:ss' })
    .transform((s) => s.slice(0, 10))
    .pipe(LocalDate),
);

// ---------- code tables ----------

export const TRANSACTIONS = {
  '2206': { visit: 'outpatient', kind: 'trial' },
  '2207': { visit: 'outpatient', kind: 'settlement' },
  '2303': { visit: 'inpatient', kind: 'trial' },
  '2304': { visit: 'inpatient', kind: 'settlement' },
} as const;
export type Infno = keyof typeof TRANSACTIONS;

type VisitType = Claim['visit']['type'];

/**
 * 医疗类别 (med_type), the national codes. A local code extends a national one by its first two digits
 * (2114 舒缓疗护住院 is a 21 普通住院); any other code is refused rather than guessed.
 */
const MED_TYPES: Record<string, { visit: VisitType; referral?: true; maternity?: true }> = {
  '11': { visit: 'outpatient' }, // 普通门诊
  '12': { visit: 'outpatient' }, // 门诊挂号
  '13': { visit: 'outpatient' }, // 急诊
  '14': { visit: 'outpatient-special-disease' }, // 门诊慢特病
  '21': { visit: 'inpatient' }, // 普通住院
  '22': { visit: 'inpatient' }, // 外伤住院
  '23': { visit: 'inpatient', referral: true }, // 转外诊治住院: referred out of the area
  '24': { visit: 'inpatient' }, // 急诊转住院
  '41': { visit: 'pharmacy' }, // 定点药店购药
  '51': { visit: 'outpatient', maternity: true }, // 生育门诊
  '52': { visit: 'inpatient', maternity: true }, // 生育住院
};

export function medTypeOf(code: string): (typeof MED_TYPES)[string] | undefined {
  return MED_TYPES[code] ?? (code.length > 2 ? MED_TYPES[code.slice(0, 2)] : undefined);
}

/** 收费项目等级 (chrgitm_lv): 甲 and 乙 are in the catalogue; 丙 is the fully self-paid class, i.e. outside it. */
const CATALOG_CLASSES = { '01': 'A', '02': 'B', '03': 'none' } as const;

type ItemCategory = Claim['items'][number]['category'];
/** 医疗收费项目类别 (med_chrgitm_type) → the plan language's item categories; unknown local codes are "other". */
const ITEM_CATEGORIES: Record<string, ItemCategory> = {
  '01': 'bed', // 床位费
  '02': 'other', // 诊察费
  '03': 'examination', // 检查费
  '04': 'examination', // 化验费
  '05': 'treatment', // 治疗费
  '06': 'surgery', // 手术费
  '07': 'nursing', // 护理费
  '08': 'material', // 卫生材料费
  '09': 'drug', // 西药费
  '10': 'drug', // 中药饮片费
  '11': 'drug', // 中成药费
  '12': 'other', // 一般诊疗费
  '13': 'other', // 挂号费
  '14': 'other', // 其他费
};

/** 诊断类别 (diag_type) 1: western medicine, coded in ICD-10 (the 医保 edition adds digits and an x-suffix). */
const WESTERN = '1';
const ICD10_PREFIX = /^([A-Z]\d{2})(\.\d{1,3})?/;

// ---------- the message ----------

/** Amounts the claim only keeps (the deductible the basic scheme applied): absent stays absent. */
const KeptYuan = z.preprocess(absent, Yuan.optional());

/**
 * A record of the message: its known fields typed, any other field kept as sent, within bounds (the claim keeps
 * what it cannot map, and must stay bounded): at most `maxKeys` fields named in letters, digits and underscores.
 */
function record<T extends z.core.$ZodLooseShape>(shape: T, maxKeys: number) {
  // Counted as sent: the amounts a message leaves out are filled in as 0.00 afterwards and count against nothing.
  return z.preprocess((input, ctx) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const keys = Object.keys(input);
    if (keys.length > maxKeys) ctx.addIssue({ code: 'custom', message: `must hold at most ${maxKeys} fields`, input });
    for (const key of keys) {
      if (!/^[A-Za-z0-9_]{1,40}$/.test(key))
        ctx.addIssue({ code: 'custom', path: [key], message: 'is not a field name (1–40 letters, digits or underscores)', input });
    }
    return input;
  }, z.looseObject(shape));
}

const SetlInfo = record(
  {
    setl_id: Id.optional(),
    mdtrt_id: Id,
    psn_no: Code(50),
    certno: z.preprocess(absent, ResidentId),
    fixmedins_code: Code(64),
    medins_setl_id: OptionalText(100),
    med_type: Code(6),
    begndate: NationalDate,
    enddate: NationalDate.optional(),
    refd_setl_flag: OptionalText(3),
    medfee_sumamt: RequiredYuan,
    fulamt_ownpay_amt: OptionalYuan,
    overlmt_selfpay: OptionalYuan,
    preselfpay_amt: OptionalYuan,
    inscp_scp_amt: OptionalYuan,
    hifp_pay: OptionalYuan,
    cvlserv_pay: OptionalYuan,
    hifdm_pay: OptionalYuan,
    hifmi_pay: OptionalYuan,
    hifob_pay: OptionalYuan,
    maf_pay: OptionalYuan,
    hifes_pay: OptionalYuan,
    oth_pay: OptionalYuan,
    fund_pay_sumamt: RequiredYuan,
    psn_part_amt: RequiredYuan,
    hosp_part_amt: OptionalYuan,
    acct_pay: KeptYuan,
    psn_cash_pay: KeptYuan,
    act_pay_dedc: KeptYuan,
  },
  150,
);

const DiseInfo = record(
  {
    diag_type: Code(3),
    diag_code: Code(50),
    maindiag_flag: OptionalText(3),
    diag_srt_no: OptionalText(10),
    vali_flag: OptionalText(3),
  },
  16,
);

const FeeDetail = record(
  {
    feedetl_sn: OptionalText(50),
    mdtrt_id: OptionalText(100),
    setl_id: OptionalText(100),
    med_list_codg: Code(64),
    hilist_name: ItemName,
    medins_list_name: ItemName,
    det_item_fee_sumamt: RequiredYuan,
    fulamt_ownpay_amt: OptionalYuan,
    overlmt_amt: OptionalYuan,
    preselfpay_amt: OptionalYuan,
    inscp_scp_amt: OptionalYuan,
    chrgitm_lv: z.preprocess(absent, z.enum(['01', '02', '03'], { error: 'must be 01 (甲类), 02 (乙类) or 03 (丙类)' })),
    med_chrgitm_type: Code(6),
    etip_flag: OptionalText(3),
  },
  64,
);

// The bounds add up to the claim's: at most 150 + 20 × 10 + 40 × 16 + 1 = 991 kept fields (≤ 1,000), and a fee
// line's 64 fields less its 4 required mapped ones (≤ 60 an item keeps). Fields are counted as sent.
const MessageFields = z.strictObject({
  infno: z.enum(Object.keys(TRANSACTIONS) as [Infno, ...Infno[]], {
    error: 'must be 2206, 2207 (outpatient) or 2303, 2304 (inpatient): a trial or a settlement',
  }),
  setlinfo: SetlInfo,
  /** The per-fund breakdown: kept as sent (its fund totals are setlinfo's). */
  setldetail: z.array(record({}, 10)).max(20, { error: 'must hold at most 20 fund lines' }).default([]),
  diseinfo: z.array(DiseInfo).min(1, { error: "needs the visit's diagnoses" }).max(40, { error: 'must hold at most 40 diagnoses' }),
  // As many lines as a claim holds items (a line is an item). A longer stay sends the lines of the items its plan
  // singles out (listed drugs, heavy-ion…): the lines may be some of the visit's.
  feedetail: z
    .array(FeeDetail)
    .max(CLAIM_BOUNDS.items, { error: `must hold at most ${CLAIM_BOUNDS.items.toLocaleString('en')} fee lines` })
    .default([]),
});

export type NationalSettlement = z.infer<typeof MessageFields>;
type Setl = NationalSettlement['setlinfo'];

const dec = (s: string) => new Decimal(s);
const total = (...amounts: string[]) => sum(amounts.map(dec));

/** The public schemes' payments: they pay within the policy range (符合政策范围金额), by their rules. */
export function publicFunds(s: Setl): { basic: Decimal; critical: Decimal; assistance: Decimal; all: Decimal } {
  const basic = total(s.hifp_pay, s.cvlserv_pay, s.hifdm_pay);
  const critical = total(s.hifmi_pay, s.hifob_pay);
  const assistance = dec(s.maf_pay);
  return { basic, critical, assistance, all: basic.plus(critical).plus(assistance) };
}

/** Every rule across fields, each naming the field it breaks. */
function messageRules(m: NationalSettlement, ctx: z.RefinementCtx): void {
  const s = m.setlinfo;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const transaction = TRANSACTIONS[m.infno];

  if (transaction.kind === 'settlement' && s.setl_id === undefined) issue(['setlinfo', 'setl_id'], `is required for a settlement (${m.infno})`);
  if (s.refd_setl_flag === '1') issue(['setlinfo', 'refd_setl_flag'], 'marks a refund settlement (退费结算): send the cancellation instead');
  const medType = medTypeOf(s.med_type);
  if (!medType)
    issue(['setlinfo', 'med_type'], `is not a national 医疗类别 code this mapping knows (${Object.keys(MED_TYPES).join(', ')}, or a local code extending one)`);
  else if ((medType.visit === 'inpatient') !== (transaction.visit === 'inpatient')) {
    issue(
      ['setlinfo', 'med_type'],
      `${s.med_type} is ${medType.visit === 'inpatient' ? 'an inpatient' : 'not an inpatient'} type, but ${m.infno} is an ${transaction.visit} transaction`,
    );
  }
  if (transaction.visit === 'inpatient' && s.enddate === undefined) issue(['setlinfo', 'enddate'], 'is required for an inpatient stay (the discharge date)');
  if (s.enddate !== undefined && s.enddate < s.begndate) issue(['setlinfo', 'enddate'], 'must not be before begndate');

  const parts = total(s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt);
  if (!parts.eq(s.medfee_sumamt)) {
    issue(['setlinfo', 'medfee_sumamt'], `must equal fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt (${formatYuan(parts)})`);
  }
  const funds = total(s.hifp_pay, s.cvlserv_pay, s.hifdm_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay, s.hifes_pay, s.oth_pay);
  if (!funds.eq(s.fund_pay_sumamt)) {
    issue(
      ['setlinfo', 'fund_pay_sumamt'],
      `must equal hifp_pay + cvlserv_pay + hifdm_pay + hifmi_pay + hifob_pay + maf_pay + hifes_pay + oth_pay (${formatYuan(funds)})`,
    );
  }
  const personal = dec(s.medfee_sumamt).minus(s.fund_pay_sumamt).minus(s.hosp_part_amt);
  if (!personal.eq(s.psn_part_amt)) issue(['setlinfo', 'psn_part_amt'], `must equal medfee_sumamt − fund_pay_sumamt − hosp_part_amt (${formatYuan(personal)})`);
  const inPublicScope = publicFunds(s).all;
  if (inPublicScope.gt(s.inscp_scp_amt)) {
    issue(
      ['setlinfo', 'inscp_scp_amt'],
      `is less than what the public schemes paid within it (hifp_pay + cvlserv_pay + hifdm_pay + hifmi_pay + hifob_pay + maf_pay = ${formatYuan(inPublicScope)}): which self-pay part they paid cannot be told`,
    );
  }

  if (!m.diseinfo.some((d) => d.diag_type === WESTERN && d.vali_flag !== '0')) {
    issue(['diseinfo'], 'needs a valid western-medicine diagnosis (diag_type 1) with its ICD-10 code');
  }
  m.diseinfo.forEach((d, i) => {
    if (d.diag_type === WESTERN && !ICD10_PREFIX.test(d.diag_code.toUpperCase()))
      issue(['diseinfo', i, 'diag_code'], 'must be an ICD-10 code like K35.800 (diag_type 1)');
  });

  m.feedetail.forEach((f, i) => {
    const split = total(f.fulamt_ownpay_amt, f.overlmt_amt, f.preselfpay_amt, f.inscp_scp_amt);
    if (!split.eq(f.det_item_fee_sumamt))
      issue(['feedetail', i, 'det_item_fee_sumamt'], `must equal fulamt_ownpay_amt + overlmt_amt + preselfpay_amt + inscp_scp_amt (${formatYuan(split)})`);
    if (f.mdtrt_id !== undefined && f.mdtrt_id !== s.mdtrt_id) issue(['feedetail', i, 'mdtrt_id'], 'must be setlinfo.mdtrt_id: a fee line of another visit');
    if (f.setl_id !== undefined && s.setl_id !== undefined && f.setl_id !== s.setl_id)
      issue(['feedetail', i, 'setl_id'], 'must be setlinfo.setl_id: a fee line of another settlement');
  });
  // The lines may be all of the visit's or only some (e.g. the listed drugs); never more than the settlement.
  const lineSums: [keyof NationalSettlement['feedetail'][number], keyof Setl][] = [
    ['det_item_fee_sumamt', 'medfee_sumamt'],
    ['fulamt_ownpay_amt', 'fulamt_ownpay_amt'],
    ['overlmt_amt', 'overlmt_selfpay'],
    ['preselfpay_amt', 'preselfpay_amt'],
    ['inscp_scp_amt', 'inscp_scp_amt'],
  ];
  for (const [line, settled] of lineSums) {
    const lines = sum(m.feedetail.map((f) => dec(f[line] as string)));
    if (lines.gt(s[settled] as string)) issue(['feedetail'], `the lines' ${line} (${formatYuan(lines)}) exceed setlinfo.${settled} (${s[settled]})`);
  }
}

// Sums are checked on a message whose every field is valid: a malformed amount is its own refusal, not a wrong sum too.
export const NationalSettlementSchema = MessageFields.superRefine(messageRules, WHEN_FIELDS_VALID);

/** A trial or a settlement route takes its own kind of message: the other is refused naming infno. */
export const messageOf = (kind: 'trial' | 'settlement') =>
  NationalSettlementSchema.superRefine((m, ctx) => {
    if (TRANSACTIONS[m.infno].kind !== kind) {
      const wanted = Object.entries(TRANSACTIONS)
        .filter(([, t]) => t.kind === kind)
        .map(([infno]) => infno)
        .join(' or ');
      ctx.addIssue({ code: 'custom', path: ['infno'], message: `must be ${wanted}: ${m.infno} is a ${TRANSACTIONS[m.infno].kind}` });
    }
  });

// ---------- cancellation (2208 outpatient, 2305 inpatient) ----------

/** 2208 cancels an outpatient settlement (2207), 2305 an inpatient one (2304). */
export const CANCELLATIONS = { '2208': 'outpatient', '2305': 'inpatient' } as const;

/** A cancellation as the national input carries it: the settlement (the route's), the visit and the person. */
export const NationalCancellationSchema = z.strictObject({
  infno: z.enum(['2208', '2305'], { error: 'must be 2208 (outpatient) or 2305 (inpatient): a cancellation' }),
  setl_id: Id.optional(),
  mdtrt_id: Id,
  psn_no: Code(50),
});
export type NationalCancellation = z.infer<typeof NationalCancellationSchema>;

// ---------- the mapping ----------

export interface SettlementIds {
  infno: Infno;
  setlId?: string;
  mdtrtId: string;
  psnNo: string;
  fixmedinsCode: string;
  medinsSetlId?: string;
}

export interface MappedSettlement {
  /** The resident ID (certno): whose policy and accumulators the claim goes against. */
  memberId: string;
  claim: Claim;
  ids: SettlementIds;
  /** The settlement's own totals: what the visit cost, what the funds paid, what the person still owed. */
  amounts: { medfeeSumamt: string; fundPaySumamt: string; psnPartAmt: string };
}

export interface Issue {
  path: string;
  message: string;
}

export type MappingResult = { success: true; data: MappedSettlement } | { success: false; issues: Issue[] };

export interface MappingContext {
  planId: string;
  /** The hospital's facts the plans' conditions read (level, public, region, designations): the city's register. */
  hospitalOf: (fixmedinsCode: string) => z.input<typeof Hospital> | undefined;
}

/** Validates a national message and maps it onto a claim; refusals name each field and rule. */
export function mapNationalSettlement(input: unknown, ctx: MappingContext): MappingResult {
  const parsed = NationalSettlementSchema.safeParse(input);
  if (!parsed.success) return { success: false, issues: issuesOf(parsed.error) };
  return mapValidSettlement(parsed.data, ctx);
}

/** Maps a message NationalSettlementSchema has validated already (an HTTP route's body); refusals as above. */
export function mapValidSettlement(m: NationalSettlement, ctx: MappingContext): MappingResult {
  const hospital = ctx.hospitalOf(m.setlinfo.fixmedins_code);
  if (!hospital) return { success: false, issues: [{ path: 'setlinfo.fixmedins_code', message: 'is not in the hospital register of this plan' }] };
  // The message's bounds and rules make a valid claim; checked all the same, so a gap is a refusal, never a crash.
  const claim = ClaimSchema.safeParse(claimOf(m, ctx.planId, hospital));
  if (!claim.success) return { success: false, issues: issuesOf(claim.error, 'claim.') };
  const s = m.setlinfo;
  return {
    success: true,
    data: {
      memberId: s.certno,
      claim: claim.data,
      ids: {
        infno: m.infno,
        mdtrtId: s.mdtrt_id,
        psnNo: s.psn_no,
        fixmedinsCode: s.fixmedins_code,
        ...(s.setl_id !== undefined ? { setlId: s.setl_id } : {}),
        ...(s.medins_setl_id !== undefined ? { medinsSetlId: s.medins_setl_id } : {}),
      },
      amounts: { medfeeSumamt: s.medfee_sumamt, fundPaySumamt: s.fund_pay_sumamt, psnPartAmt: s.psn_part_amt },
    },
  };
}

function issuesOf(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => ({ path: `${prefix}${formatPath(i.path)}` || '(root)', message: i.message }));
}

/** The claim a valid message stands for (docs/direct-settlement.md gives each field's reasoning). */
function claimOf(m: NationalSettlement, planId: string, hospital: z.input<typeof Hospital>): ClaimInput {
  const s = m.setlinfo;
  const medType = medTypeOf(s.med_type)!;
  const funds = publicFunds(s);
  // What the person owed within the policy range once the public schemes paid (政策范围内个人自付).
  const inCatalogSelfPay = dec(s.inscp_scp_amt).minus(funds.all);
  return {
    claimId: s.setl_id ?? `trial:${s.mdtrt_id}`,
    planId,
    visit: {
      type: medType.visit,
      admissionDate: s.begndate,
      ...(medType.visit === 'inpatient' ? { dischargeDate: s.enddate } : {}),
      hospital: { ...hospital, code: s.fixmedins_code },
      referral: medType.referral ?? false,
    },
    diagnoses: diagnoses(m.diseinfo),
    liabilities: medType.maternity ? ['maternity'] : [],
    settlement: {
      total: s.medfee_sumamt,
      basicFundPaid: formatYuan(funds.basic),
      criticalIllnessPaid: formatYuan(funds.critical),
      medicalAssistancePaid: formatYuan(funds.assistance),
      inCatalogSelfPay: formatYuan(inCatalogSelfPay),
      classBCopay: s.preselfpay_amt,
      outOfCatalogSelfPay: s.fulamt_ownpay_amt,
      overLimitSelfPay: s.overlmt_selfpay,
      // Payers outside the public schemes, whose part of the self-pay the settlement does not say: the engine
      // takes them off each benefit in proportion to the costs it covers (indemnity).
      otherCompensation: (
        [
          ['supplementary', s.hifes_pay],
          ['fund', s.oth_pay],
          ['other', s.hosp_part_amt],
        ] as const
      )
        .filter(([, amount]) => dec(amount).gt(0))
        .map(([source, amount]) => ({ source, amount, alreadySubtracted: false })),
      basicSettled: true,
    },
    items: m.feedetail.map((f) => lineItem(f, inCatalogSelfPay, dec(s.inscp_scp_amt))),
    unmapped: unmappedOf(m),
  };
}

/** Valid western diagnoses, the main one first, then in the hospital's order; ICD-10 without the 医保 suffix. */
function diagnoses(entries: NationalSettlement['diseinfo']): ClaimInput['diagnoses'] {
  const order = (d: NationalSettlement['diseinfo'][number]) => [d.maindiag_flag === '1' ? 0 : 1, Number(d.diag_srt_no ?? Infinity)];
  const codes = entries
    .filter((d) => d.diag_type === WESTERN && d.vali_flag !== '0')
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const [x, y] = [order(a.d), order(b.d)];
      return x[0] - y[0] || x[1] - y[1] || 0 || a.i - b.i;
    })
    .map(({ d }) => ICD10_PREFIX.exec(d.diag_code.toUpperCase())![0]);
  return [...new Set(codes)].map((icd10) => ({ icd10 }));
}

/**
 * One fee line as a claim item. The item's self-pay is what the person owes on it after the public schemes: its
 * fully self-paid, over-limit and class-B-first parts, and its share of the in-catalogue self-pay, which the
 * settlement gives for the whole visit only and is spread over the lines in proportion to their policy-range
 * amounts (each line rounded on its own, so the lines' order never matters).
 */
function lineItem(f: NationalSettlement['feedetail'][number], inCatalogSelfPay: Decimal, policyRange: Decimal): z.input<typeof LineItem> {
  const share = policyRange.isZero() ? ZERO : toFen(dec(f.inscp_scp_amt).times(inCatalogSelfPay).div(policyRange));
  const selfPay = total(f.fulamt_ownpay_amt, f.overlmt_amt, f.preselfpay_amt).plus(share);
  const name = f.hilist_name ?? f.medins_list_name;
  return {
    code: f.med_list_codg,
    ...(name !== undefined ? { name } : {}),
    category: f.etip_flag === '1' ? 'third-party-lab' : (ITEM_CATEGORIES[f.med_chrgitm_type] ?? 'other'),
    catalogClass: CATALOG_CLASSES[f.chrgitm_lv],
    amount: f.det_item_fee_sumamt,
    selfPay: formatYuan(selfPay),
    unmapped: kept(f, FEE_MAPPED),
  };
}

// ---------- what the claim has no place for ----------

const SETL_MAPPED = new Set([
  'setl_id',
  'certno',
  'fixmedins_code',
  'med_type',
  'begndate',
  'enddate',
  'refd_setl_flag',
  'medfee_sumamt',
  'fulamt_ownpay_amt',
  'overlmt_selfpay',
  'preselfpay_amt',
  'inscp_scp_amt',
  'hifp_pay',
  'cvlserv_pay',
  'hifdm_pay',
  'hifmi_pay',
  'hifob_pay',
  'maf_pay',
  'hifes_pay',
  'oth_pay',
  'fund_pay_sumamt',
  'psn_part_amt',
  'hosp_part_amt',
]);
const FEE_MAPPED = new Set([
  'med_list_codg',
  'hilist_name',
  'det_item_fee_sumamt',
  'fulamt_ownpay_amt',
  'overlmt_amt',
  'preselfpay_amt',
  'inscp_scp_amt',
  'chrgitm_lv',
  'med_chrgitm_type',
  'etip_flag',
  'mdtrt_id',
  'setl_id',
]);

/** A record's fields outside `mapped`, as text (empty ones dropped; free text past the bound cut, and marked so). */
function kept(record: Record<string, unknown>, mapped: ReadonlySet<string>, prefix = ''): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (mapped.has(key) || value === undefined || value === null || value === '') continue;
    const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    out[`${prefix}${key}`] = text.length > UNMAPPED_VALUE_MAX ? `${text.slice(0, UNMAPPED_VALUE_MAX - 1)}…` : text;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function unmappedOf(m: NationalSettlement): Record<string, string> {
  return {
    infno: m.infno,
    ...kept(m.setlinfo, SETL_MAPPED, 'setlinfo.'),
    ...Object.assign({}, ...m.setldetail.map((d, i) => kept(d, new Set(), `setldetail[${i}].`))),
    // Whole: the claim holds a western diagnosis's ICD-10 part only, not the 医保 edition's full code.
    ...Object.assign({}, ...m.diseinfo.map((d, i) => kept(d, new Set(), `diseinfo[${i}].`))),
  };
}
