// The Chinese words the source documents use for the plan language's codes.
// Typed against the schema's vocabularies so a new code fails the typecheck
// until it has a label.
import type { z } from 'zod';
import type {
  VisitType, Place, SettlementPart, ItemCategory, CatalogClass, Liability, ReliefGroup,
  CompensationSource, Benefit,
} from './schema.ts';

export const VISIT: Record<z.infer<typeof VisitType>, string> = {
  'inpatient': '住院',
  'outpatient-special-disease': '门诊特殊病种',
  'outpatient': '门诊',
  'pharmacy': '药店购药',
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
  'drug': '药品',
  'material': '材料耗材',
  'examination': '检查',
  'treatment': '治疗',
  'bed': '床位费',
  'nursing': '护理费',
  'surgery': '手术费',
  'meal': '伙食费',
  'air-conditioning': '空调费',
  'donor-organ': '供体器官',
  'organ-transport': '器官运输',
  'car-t': 'CAR-T治疗',
  'named-expert': '点名专家费',
  'third-party-lab': '第三方检验',
  'other': '其他',
};

export const CATALOG_CLASS: Record<z.infer<typeof CatalogClass>, string> = {
  A: '甲类',
  B: '乙类',
  C: '丙类',
  none: '医保目录外',
};

export const LIABILITY: Record<z.infer<typeof Liability>, string> = {
  'third-party': '应由第三方负担',
  'maternity': '生育',
  'work-injury': '工伤',
  'basic-refused': '基本医保按规定不予支付',
};

export const RELIEF_GROUP: Record<z.infer<typeof ReliefGroup>, string> = {
  'dibao': '低保',
  'tekun': '特困',
  'orphan': '孤儿',
  'poverty-alleviated': '脱贫人口',
  'monitored': '监测对象',
  'disabled': '残疾人',
  'hardship-worker': '困难职工',
  'five-elders': '"五老"',
  'elderly': '老年群体',
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

type PreExisting = NonNullable<Benefit['preExisting']>;

export const PRE_EXISTING_BASIS: Record<PreExisting['basis'], string> = {
  'whole-person': '整人',
  'claim-related': '相关疾病费用',
  'drug-indication': '药品适应症',
};

export const DEDUCTIBLE_BASIS: Record<'annual' | 'per-admission', string> = {
  'annual': '年度累计',
  'per-admission': '按次',
};

export const SHARES_BASIS = {
  'published': '公布份额',
  'equal-by-ruling-11': '来源未公布份额, 暂按均分 (裁定11)',
  'single-insurer': '单一承保',
} as const;

/** Hospital designations are free codes in the plan language; known ones get words. */
export const DESIGNATION: Record<string, string> = {
  'drg': 'C-DRG收付费改革医院',
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
