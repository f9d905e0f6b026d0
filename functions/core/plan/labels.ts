// The Chinese words the source documents use for the plan language's codes.
// Typed against the schema's vocabularies so a new code fails the typecheck
// until it has a label.
import type { z } from 'zod';
import type {
  VisitType,
  Place,
  SettlementPart,
  ItemCategory,
  CatalogClass,
  Liability,
  ReliefGroup,
  CompensationSource,
  Benefit,
  Relation,
  BasicScheme,
  PaymentChannelKind,
  PayerKind,
  ApprovalStep,
  Eligibility,
  Sponsorship,
  Region,
} from './schema.ts';

export const VISIT: Record<z.infer<typeof VisitType>, string> = {
  inpatient: '住院',
  'outpatient-special-disease': '门诊特殊病种',
  outpatient: '门诊',
  pharmacy: '药店购药',
};

export const PLACE: Record<z.infer<typeof Place>, string> = {
  'in-area': '统筹区内',
  'in-province': '省内异地',
  'out-of-province': '省外异地',
};

export const SETTLEMENT_PART: Record<z.infer<typeof SettlementPart>, string> = {
  'in-catalog-self-pay': '医保目录内个人自付',
  'class-b-copay': '乙类先行自付',
  'out-of-catalog-self-pay': '全自费',
  'over-limit-self-pay': '超限价自费',
};

export const ITEM_CATEGORY: Record<z.infer<typeof ItemCategory>, string> = {
  drug: '药品',
  material: '材料耗材',
  examination: '检查',
  treatment: '治疗',
  bed: '床位费',
  nursing: '护理费',
  surgery: '手术费',
  meal: '伙食费',
  'air-conditioning': '空调费',
  'donor-organ': '供体器官',
  'organ-transport': '器官运输',
  'car-t': 'CAR-T治疗',
  'named-expert': '点名专家费',
  'third-party-lab': '第三方检验',
  other: '其他',
};

export const CATALOG_CLASS: Record<z.infer<typeof CatalogClass>, string> = {
  A: '甲类',
  B: '乙类',
  C: '丙类',
  none: '医保目录外',
};

export const LIABILITY: Record<z.infer<typeof Liability>, string> = {
  'third-party': '应由第三方负担',
  maternity: '生育',
  'work-injury': '工伤',
  'basic-refused': '基本医保按规定不予支付',
};

export const RELIEF_GROUP: Record<z.infer<typeof ReliefGroup>, string> = {
  dibao: '低保',
  tekun: '特困',
  orphan: '孤儿',
  'poverty-alleviated': '脱贫人口',
  monitored: '监测对象',
  disabled: '残疾人',
  'hardship-worker': '困难职工',
  'five-elders': '"五老"',
  elderly: '老年群体',
  'chronic-patient': '慢性病患者',
  'special-disease-family': '特殊疾病家庭',
  'low-income': '低收入人口',
};

export const COMPENSATION_SOURCE: Record<z.infer<typeof CompensationSource>, string> = {
  commercial: '其他商业保险',
  employer: '用人单位',
  supplementary: '补充医疗保险',
  charity: '慈善',
  fund: '基金',
  other: '其他',
};

export const RELATION: Record<Relation, string> = {
  self: '本人',
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  'parent-in-law': '配偶父母',
  grandparent: '祖父母',
  grandchild: '孙子女',
  sibling: '兄弟姐妹',
};

export const BASIC_SCHEME: Record<z.infer<typeof BasicScheme>, string> = {
  employee: '职工医保',
  resident: '居民医保',
};

export const PAYMENT_CHANNEL: Record<z.infer<typeof PaymentChannelKind>, string> = {
  wechat: '微信',
  'bank-card': '银行卡',
  'personal-account': '医保个人账户',
  'family-mutual-aid': '家庭共济账户',
  cash: '现金',
  app: '手机APP',
  'sms-authorisation': '短信委托',
};

export const PAYER_KIND: Record<z.infer<typeof PayerKind>, string> = {
  charity: '慈善组织',
  government: '政府财政',
  employer: '用人单位',
  union: '工会',
  collective: '集体经济组织',
  individual: '爱心人士',
  'red-cross': '红十字会',
  'mass-organisation': '群团组织',
};

export const APPROVAL_STEP: Record<ApprovalStep, string> = {
  'civil-affairs-submits': '民政部门提供名单',
  'lead-insurer-confirms': '主承保公司核对',
  'finance-pays': '财政部门出资',
};

export const NO_LIMIT_ON: Record<z.infer<typeof Eligibility>['noLimitOn'][number], string> = {
  age: '年龄',
  sex: '性别',
  occupation: '职业',
  health: '健康状况',
  'past-illness': '既往病史',
  hukou: '户籍',
};

export const CONTRIBUTION: Record<z.infer<typeof Sponsorship>['contributions'][number], string> = {
  full: '全额资助',
  'fixed-amount': '定额资助',
};

export const BALANCE_BASIS = { current: '当前余额', 'carried-over': '历年结余' } as const;

type PreExisting = NonNullable<Benefit['preExisting']>;

export const PRE_EXISTING_BASIS: Record<PreExisting['basis'], string> = {
  'whole-person': '整人',
  'claim-related': '相关疾病费用',
  'drug-indication': '药品适应症',
};

export const DEDUCTIBLE_BASIS: Record<'annual' | 'per-admission', string> = {
  annual: '年度累计',
  'per-admission': '按次',
};

export const SHARES_BASIS = {
  published: '公布份额',
  'equal-by-ruling-11': '来源未公布份额, 暂按均分 (裁定11)',
  'single-insurer': '单一承保',
} as const;

/** Hospital designations are free codes in the plan language; known ones get words. */
export const DESIGNATION: Record<string, string> = {
  drg: 'C-DRG收付费改革医院',
  'special-disease': '门诊特殊病种定点医院',
  'special-drug': '特药定点医院或药店',
};

export const HOSPITAL_LEVEL: Record<number, string> = { 1: '一级及以上', 2: '二级及以上', 3: '三级' };

export const LIST_SUPPLIER = { source: '来源列明', city: '城市发布' } as const;

/** Looks a code up, falling back to the code itself so nothing is ever dropped. */
export function label<K extends string | number>(words: Partial<Record<K, string>>, code: K): string {
  return words[code] ?? String(code);
}

export function labels<K extends string | number>(words: Partial<Record<K, string>>, codes: readonly K[], sep = '、'): string {
  return codes.map((c) => label(words, c)).join(sep);
}

/** What 统筹区内 means when a claim's place is judged (region.inAreaMeans): whose basic-insurance region. */
export const IN_AREA_MEANS: Record<z.infer<typeof Region>['inAreaMeans'], string> = {
  'member-region': '参保人本人的基本医保统筹区',
  'plan-region': '本方案地区 (外地参保人在本地就医为统筹区内, 回参保地就医为异地)',
};
