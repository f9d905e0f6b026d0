// The words for codes only the signed-in pages show (outcomes of orders and
// runs, visit types, tiers): kept out of i18n.ts and ui.ts, which every page
// loads first, so the public pages do not download them.
import { h } from './dom.ts';
import { L, label, RELIEF_GROUPS } from './i18n.ts';
import type { PlanDetail } from './types.ts';

type Labels = Parameters<typeof label>[0];

export const VISIT_TYPES: Labels = {
  inpatient: ['住院', 'inpatient'],
  outpatient: ['门诊', 'outpatient'],
  'outpatient-special-disease': ['门诊慢特病', 'outpatient special disease'],
  pharmacy: ['定点药店购药', 'pharmacy'],
};

/**
 * Why a person was not covered, enrolled or renewed: the API's codes, the frequent ones named (an unknown code is
 * shown as itself, so a new one is never hidden).
 */
export const OUTCOMES: Labels = {
  RENEWED: ['已续保', 'renewed'],
  enrolled: ['已参保', 'enrolled'],
  covered: ['可资助', 'covered'],
  NOT_IN_ROSTER: ['不在基本医保名单', 'not in the basic-insurance roster'],
  OUTSIDE_REGION: ['不在本统筹区', 'outside the region'],
  SCHEME_NOT_COVERED: ['所参险种不在范围', 'scheme not covered'],
  BASIC_SUSPENDED: ['基本医保已暂停', 'basic insurance suspended'],
  NOT_IN_TARGET_GROUPS: ['不属资助对象', 'not in the target groups'],
  ALREADY_INSURED: ['已参保', 'insured already'],
  INVALID_ID: ['身份证号无效', 'not a valid resident ID'],
  DUPLICATE: ['名单重复', 'listed twice'],
  BENEFICIARY_DID_NOT_PAY: ['受益人未付个人部分', 'the beneficiary did not pay their part'],
  WINDOW_CLOSED: ['投保期已关闭', 'window closed'],
  COVER_ENDED: ['保障期已结束', 'cover has ended'],
};

/**
 * A run's or an order's count key as a reader says it: `group#dibao` → 低保, `county#620602` → the county's name,
 * `refund#CODE` and `reason#CODE` → 退款：… / the outcome, a bare code → its outcome.
 */
export function countLabel(key: string, county: (code: string) => string | undefined = () => undefined): string {
  const [kind, code] = key.includes('#') ? [key.slice(0, key.indexOf('#')), key.slice(key.indexOf('#') + 1)] : ['', key];
  if (kind === 'group') return label(RELIEF_GROUPS, code);
  if (kind === 'county') return county(code) ?? code;
  if (kind === 'refund') return `${L('退款：', 'refunded: ')}${label(OUTCOMES, code)}`;
  return label(OUTCOMES, code);
}

/** An outcome's code in words, the code itself kept as the element's title (what the API and a support desk say). */
export const outcome = (code: string): HTMLElement => h('span', { title: code }, label(OUTCOMES, code));

/** A tier by its name in the plan (the API counts by id); an id the plan no longer has is shown as itself. */
export const tierName = (plan: Pick<PlanDetail, 'tiers'>, tierId: string): string => plan.tiers.find((t) => t.id === tierId)?.name ?? tierId;
