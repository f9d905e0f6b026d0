// Stable reason codes for every refusal or cut, with Chinese and English text.
// Codes are part of the API: insurers reconcile on them. Never rename one.
export const REASONS = {
  ADMITTED_BEFORE_COVER: ['入院时间在保单生效前，不承担保险责任', 'Admitted before cover started: the admission is not covered'],
  NOT_IN_COVER: ['就诊日期不在保险期间内', 'The date of service is outside the policy cover'],
  DISCHARGED_AFTER_GRACE: [
    '保险期满后超过宽限期出院，整次住院不承担保险责任',
    'Discharged after the grace period following cover end: the whole admission is not covered',
  ],
  STAY_TOO_LONG: [
    '跨保险期间住院累计天数超过上限，整次住院不承担保险责任',
    'The stay across cover end exceeds the maximum hospital days: the whole admission is not covered',
  ],
  BASIC_SUSPENDED: ['基本医疗保险待遇暂停期间不享受本保险待遇', 'Basic insurance was suspended on the date of service'],
  BASIC_NOT_SETTLED: ['未经基本医疗保险结算，不享受本保险待遇', 'Basic insurance has not settled this visit'],
  EXCLUDED_LIABILITY: [
    '属于除外责任（第三者责任、生育、工伤或基本医保不予支付）',
    'Excluded liability (third party, maternity, work injury or refused by basic insurance rules)',
  ],
  VISIT_NOT_COVERED: ['就诊类型不属于该责任保障范围', 'The visit type is not covered by this benefit'],
  PLACE_NOT_COVERED: ['就医地点不符合该责任要求', 'The place of care is not covered by this benefit'],
  HOSPITAL_NOT_QUALIFIED: [
    '医疗机构不符合该责任要求（级别、公立、定点或病房）',
    'The hospital does not meet this benefit’s conditions (level, public, designation or ward)',
  ],
  DIAGNOSIS_NOT_COVERED: ['诊断不属于该责任保障病种', 'No diagnosis on the claim is covered by this benefit'],
  PRE_EXISTING_EXCLUDED: ['既往症属于该责任除外范围', 'Pre-existing condition excluded from this benefit'],
  NOTHING_ELIGIBLE: ['无属于该责任保障范围的费用', 'No cost on the claim falls within this benefit'],
  BELOW_DEDUCTIBLE: ['费用未超过免赔额', 'The eligible amount did not exceed the deductible'],
  LIMIT_REACHED: ['已达赔付限额', 'The limit is exhausted'],
  LUMP_SUM_ALREADY_PAID: ['补偿金已给付', 'The lump sum was already paid'],
} as const satisfies Record<string, readonly [string, string]>;

export type ReasonCode = keyof typeof REASONS;

export interface Reason {
  code: ReasonCode;
  zh: string;
  en: string;
}

export function reason(code: ReasonCode): Reason {
  const [zh, en] = REASONS[code];
  return { code, zh, en };
}
