// Prints a plan as the benefit table of its Chinese source document (Chinese
// labels, 万元, percentages), so a reviewer can check the data file against the
// source line by line. Pure: no I/O, same plan → same text.
import type { LoadedPlan } from './loader.ts';
import type { Benefit, Schedule } from './schema.ts';
import { formatWan, formatPercent, formatPoints, displayWidth, padColumns } from './format.ts';
import type { ToConfirm } from './confirm.ts';
import { isItemBenefit } from './item-benefits.ts';
import {
  VISIT,
  PLACE,
  SETTLEMENT_PART,
  ITEM_CATEGORY,
  CATALOG_CLASS,
  LIABILITY,
  RELIEF_GROUP,
  COMPENSATION_SOURCE,
  PRE_EXISTING_BASIS,
  DEDUCTIBLE_BASIS,
  SHARES_BASIS,
  DESIGNATION,
  HOSPITAL_LEVEL,
  LIST_SUPPLIER,
  RELATION,
  BASIC_SCHEME,
  PAYMENT_CHANNEL,
  PAYER_KIND,
  APPROVAL_STEP,
  NO_LIMIT_ON,
  CONTRIBUTION,
  BALANCE_BASIS,
  IN_AREA_MEANS,
  label,
  labels,
} from './labels.ts';

export interface Row {
  label: string;
  value: string;
}
/** One block of the table: a title (the plan, a benefit, the shared rules, the lists) and its labelled rows. */
export interface Section {
  title: string;
  rows: Row[];
}

const row = (label: string, value: string): Row => ({ label, value });

/** The whole plan as data: what `plan show` prints, GET /plans/{planId} answers and `plan diff` compares. */
export function benefitTable(plan: LoadedPlan, confirm?: readonly ToConfirm[]): Section[] {
  return [
    overview(plan),
    ...plan.benefits.map((b, i) => benefitSection(plan, b, i)),
    sharedRules(plan),
    whoMayBuy(plan),
    paymentSection(plan),
    sponsorshipSection(plan),
    oversightSection(plan),
    listsSection(plan),
    ...(confirm ? [confirmSection(confirm)] : []),
  ].filter((s) => s.rows.length > 0);
}

/**
 * The whole plan: what it pays, and every rule the services enforce (who may buy, for whom, how they pay, who may
 * sponsor), so a city checks it against its notice line by line; then what the city must confirm, when given.
 */
export function renderBenefitTable(plan: LoadedPlan, confirm?: readonly ToConfirm[]): string {
  return benefitTable(plan, confirm).map(renderSection).join('\n\n') + '\n';
}

/** Labels align within a section (terminal columns, Chinese counted double). */
function renderSection(section: Section): string {
  const width = Math.max(...section.rows.map((r) => displayWidth(r.label))) + 2;
  return [section.title, ...section.rows.map((r) => `  ${padColumns(r.label, width)}${r.value}`.trimEnd())].join('\n');
}

// ---------- plan overview ----------

function overview(plan: LoadedPlan): Section {
  const { region, source, enrollment, consortium } = plan;
  const rows = [
    row('保障方案', `${plan.name} [${plan.id}]`),
    row('来源', sourceText(source)),
    row('地区', `${[region.province, region.city].filter(Boolean).join(' ')} (${region.adminCode}), ${region.counties.length}个区县`),
    // Adjudication judges a claim's place against this region: a change moves claims between in-area and out-of-area.
    row('统筹区内', `指${IN_AREA_MEANS[region.inAreaMeans]} [${region.inAreaMeans}]`),
    ...plan.tiers.map((t, i) =>
      row(i === 0 ? '保费/档次' : '', `${t.name} ${formatWan(t.premium)}/人/年: 责任${t.benefits.map((id) => benefitRef(plan, id)).join('')}`),
    ),
    row('投保时间', windowText(enrollment.window)),
    row('保障时间', coverText(enrollment.cover)),
    row('等待期', enrollment.waitingPeriodDays === 0 ? '无' : `${enrollment.waitingPeriodDays}天`),
    ...consortium.insurers.map((ins, i) => row(i === 0 ? '共保体' : '', `${ins.name} ${formatPercent(ins.share)}${ins.lead ? ' (主承保)' : ''}`)),
    row('份额依据', SHARES_BASIS[consortium.sharesBasis] + (consortium.reinsurance ? '; 有再保险' : '')),
  ];
  return { title: '【保障方案】', rows };
}

/** 《title》 number, issuer, date; sections used; where to find it. */
function sourceText(s: LoadedPlan['source']): string {
  const cited = [`《${s.title}》`, s.number, `— ${s.issuer}`, s.date ?? '未注明日期'].filter(Boolean).join(' ');
  const where = [s.reference ? `引用: ${s.reference}` : '', s.url ?? (s.file ? `文件: ${s.file}` : '')].filter(Boolean).join('; ');
  return where ? `${cited}; ${where}` : cited;
}

/** Shanghai wall-clock of an instant with offset; the window is the only place the table needs time of day. */
function shanghai(iso: string, endOfDay = false): string {
  const local = Date.parse(iso) + 8 * 3_600_000;
  const text = new Date(local).toISOString();
  // Sources write an exclusive midnight end as the previous day's 24:00.
  if (endOfDay && text.slice(11, 16) === '00:00') return `${new Date(local - 86_400_000).toISOString().slice(0, 10)} 24:00`;
  return `${text.slice(0, 10)} ${text.slice(11, 16)}`;
}

function windowText(w: LoadedPlan['enrollment']['window']): string {
  const note = w.note ? ` (${w.note})` : '';
  if (!w.opens && !w.closes) return `来源未给出, 由管理员排期${note}`;
  const opens = w.opens ? shanghai(w.opens) : '开始时间未给出';
  const closes = w.closes ? shanghai(w.closes, true) : '结束时间未给出';
  return `${opens} – ${closes}${note}`;
}

function coverText(c: LoadedPlan['enrollment']['cover']): string {
  switch (c.kind) {
    case 'fixed':
      return `${c.start} – ${c.end}`;
    case 'from-enrollment':
      return `即参即享: 自投保成功起${c.months}个月`;
    case 'after-window':
      return `投保期结束次日起${c.months}个月 (售出时按当时公布的结束时间确定, 此后提前结束或延长不改变已售保单; 规则19)`;
  }
}

// ---------- one benefit ----------

function benefitSection(plan: LoadedPlan, b: Benefit, index: number): Section {
  const rows = [
    row('保险责任', `${b.name} (${b.source})`),
    row('就诊类型', labels(VISIT, b.visits)),
    row('保障范围', b.kind === 'lump-sum' ? '一次性定额给付' : coverage(plan, b)),
    row('就医条件', placeText(b.where)),
  ];
  if (b.diagnosis) {
    rows.push(row('疾病条件', `${listTitle(plan, b.diagnosis.list)}${b.diagnosis.firstDiagnosis ? ', 定点医院首次确诊' : ''}`));
  }
  if (b.kind === 'lump-sum' && b.lumpSum) {
    const { amount, enhanced } = b.lumpSum;
    rows.push(
      row(
        '保额',
        `一次性给付${formatWan(amount)}` + (enhanced ? `; 连续参保满${enhanced.consecutiveYears}年且期间未享受待遇: ${formatWan(enhanced.amount)}` : ''),
      ),
    );
  } else {
    rows.push(row('免赔额', deductibleText(plan, b)));
    rows.push(row('赔付比例', ratioText(plan, b)));
    if (b.bandGroup) rows.push(row('分段累计', `责任${groupRefs(plan, plan.bandGroups.find((g) => g.id === b.bandGroup)?.members)}共同累计 [${b.bandGroup}]`));
    rows.push(preExistingRow(plan, b));
    if (b.limit !== undefined) rows.push(row('保额', formatWan(b.limit)));
  }
  const order: string[] = [];
  if (isItemBenefit(plan, b)) order.push('特定项目责任: 先承担所选项目, 同一费用不再计入其他责任 (规则15)');
  if (b.paysAfter.length > 0) order.push(`在责任${b.paysAfter.map((id) => benefitRef(plan, id)).join('')}赔付后赔付剩余费用`);
  if (order.length > 0) rows.push(row('赔付顺序', order.join('; ')));
  if (b.note) rows.push(row('备注', b.note));
  return { title: `【责任${benefitRef(plan, b.id)}】 ${b.id}`, rows };
}

function coverage(plan: LoadedPlan, b: Benefit): string {
  const parts: string[] = [];
  if (b.covers.settlement.length > 0) parts.push(labels(SETTLEMENT_PART, b.covers.settlement));
  const items = b.covers.items;
  if (items) {
    const bits: string[] = [];
    if (items.list) bits.push(listTitle(plan, items.list));
    if (items.catalogClasses) bits.push(`${labels(CATALOG_CLASS, items.catalogClasses)}项目`);
    if (items.categories) bits.push(labels(ITEM_CATEGORY, items.categories));
    parts.push(bits.join(', '));
  }
  return parts.join('; ');
}

function placeText(w: Benefit['where']): string {
  const parts: string[] = [];
  if (w.places) parts.push(labels(PLACE, w.places));
  if (w.minHospitalLevel !== undefined || w.publicOnly) {
    const level = w.minHospitalLevel !== undefined ? label(HOSPITAL_LEVEL, w.minHospitalLevel) : '';
    parts.push(`${level}${w.publicOnly ? '公立' : '定点'}医院`);
  }
  if (w.designations.length > 0) parts.push(labels(DESIGNATION, w.designations));
  if (w.generalWardOnly) parts.push('限普通部');
  return parts.length > 0 ? parts.join('; ') : '定点医疗机构, 不限地区和医院等级';
}

function deductibleText(plan: LoadedPlan, b: Benefit): string {
  const d = b.deductible;
  if (!d) return '无';
  if ('amount' in d) return `${formatWan(d.amount)} (${DEDUCTIBLE_BASIS[d.basis]})`;
  const group = plan.deductibleGroups.find((g) => g.id === d.group);
  if (!group) return `共用 [${d.group}]`;
  const members = plan.benefits.filter((x) => x.deductible && 'group' in x.deductible && x.deductible.group === d.group);
  return `${formatWan(group.amount)} (${DEDUCTIBLE_BASIS[group.basis]}, 责任${groupRefs(
    plan,
    members.map((m) => m.id),
  )}共用) [${group.id}]`;
}

function ratioText(plan: LoadedPlan, b: Benefit): string {
  const parts: string[] = [];
  if (b.schedule) parts.push(formatSchedule(b.schedule));
  if (b.scheduleByItemClass) {
    const list = b.covers.items?.list;
    const noun = list && plan.lists[list]?.kind === 'drugs' ? '药品' : '项目';
    const classes = Object.entries(b.scheduleByItemClass)
      .map(([cls, r]) => `${cls}类 ${formatPercent(r)}`)
      .join(', ');
    parts.push(`按${noun}类别: ${classes}`);
  }
  return parts.join('; ');
}

/** Flat: "80%". Bands (marginal): "累计2万元(含)以下部分 30%; 2万–5万元(含) 40%; 5万元以上 50%". */
export function formatSchedule(s: Schedule): string {
  if ('flat' in s) return formatPercent(s.flat);
  let lower: string | undefined;
  return s.bands
    .map((band) => {
      const ratio = formatPercent(band.ratio);
      let text: string;
      if (band.upTo === undefined) text = `${formatWan(lower ?? '0')}以上 ${ratio}`;
      else if (lower === undefined) text = `累计${formatWan(band.upTo)}(含)以下部分 ${ratio}`;
      else text = `${formatWan(lower).replace(/万元$/, '万')}–${formatWan(band.upTo)}(含) ${ratio}`;
      lower = band.upTo;
      return text;
    })
    .join('; ');
}

function preExistingRow(plan: LoadedPlan, b: Benefit): Row {
  const pe = b.preExisting;
  if (!pe) return row('既往症', '不区分, 按正常比例');
  const name = `既往症(${PRE_EXISTING_BASIS[pe.basis]})`;
  let value: string;
  if (pe.effect === 'excluded') value = pe.onlyItemsTreatingListed ? '除外 (仅限治疗所列疾病的药品)' : '除外';
  else {
    const normal = b.scheduleByItemClass ? '按类别比例' : '按正常比例';
    value = [pe.schedule ? formatSchedule(pe.schedule) : normal, pe.limit !== undefined ? `限额${formatWan(pe.limit)}` : ''].filter(Boolean).join(', ');
  }
  if (pe.reliefSchedule) value += `; 救助对象 ${formatSchedule(pe.reliefSchedule)}`;
  value += `; 目录: ${listTitle(plan, pe.list)}`;
  if (pe.note) value += ` (${pe.note})`;
  return row(name, value);
}

// ---------- shared groups and plan-wide rules ----------

function sharedRules(plan: LoadedPlan): Section {
  const rows: Row[] = [];
  for (const g of plan.limitGroups) rows.push(row('共用保额', `责任${groupRefs(plan, g.members)}共用 ${formatWan(g.amount)} [${g.id}]`));
  if (plan.yearTotal !== undefined) rows.push(row('年度累计总限额', formatWan(plan.yearTotal)));
  for (const g of plan.deductibleGroups) {
    const members = plan.benefits.filter((b) => b.deductible && 'group' in b.deductible && b.deductible.group === g.id).map((b) => b.id);
    rows.push(row('共用免赔额', `责任${groupRefs(plan, members)}共用 ${formatWan(g.amount)} (${DEDUCTIBLE_BASIS[g.basis]}) [${g.id}]`));
  }
  for (const g of plan.bandGroups) rows.push(row('共用分段累计', `责任${groupRefs(plan, g.members)}按年度累计金额共同分段 [${g.id}]`));

  const { noClaimBonus, outOfArea } = plan.modifiers;
  if (noClaimBonus) {
    rows.push(row('无赔款续保优待', `连续投保${noClaimBonus.consecutiveYears}年且上一保单年度无赔付: 赔付比例提高${formatPoints(noClaimBonus.points)}`));
  }
  for (const f of outOfArea) {
    const referral = f.referral === undefined ? '' : f.referral ? ', 已转诊备案' : ', 未转诊备案';
    rows.push(row('异地就医', `${labels(PLACE, f.places, '/')}${referral}: 赔付比例 × ${formatPercent(f.factor)}`));
  }
  const cap = plan.outOfPocketCap;
  if (cap) {
    const steps = cap.byParticipation.map((s) => `全市参保率达${formatPercent(s.minParticipationRate)} 封顶${formatWan(s.cap)}`);
    rows.push(row('个人自付封顶', `${labels(PLACE, cap.places)}: ${steps.join('; ')}`));
  }
  for (const l of plan.itemLimits) {
    rows.push(row('单项年度限额', `${labels(ITEM_CATEGORY, l.categories)} ${formatWan(l.amount)}${l.note ? ` (${l.note})` : ''}`));
  }
  rows.push(...boundaryRows(plan.coverBoundary));

  const ex = plan.exclusions;
  if (ex.liabilities.length > 0) rows.push(row('除外责任', labels(LIABILITY, ex.liabilities)));
  if (ex.itemCategories.length > 0) rows.push(row('除外项目', labels(ITEM_CATEGORY, ex.itemCategories)));
  if (ex.note) rows.push(row('除外说明', ex.note));

  const ind = plan.indemnity;
  const principle = [
    ind.basicSettlementRequired ? '须先经基本医保结算' : '',
    ind.subtractOtherCompensation ? '扣除其他已获补偿' : '',
    ind.countTowardDeductible.length > 0 ? `${labels(COMPENSATION_SOURCE, ind.countTowardDeductible)}赔付计入免赔额` : '',
  ].filter(Boolean);
  if (principle.length > 0) rows.push(row('补偿原则', principle.join('; ')));
  if (plan.reliefGroups.length > 0) rows.push(row('救助对象', labels(RELIEF_GROUP, plan.reliefGroups)));
  return { title: '【共用额度与全局规则】', rows };
}

function boundaryRows(c: LoadedPlan['coverBoundary']): Row[] {
  const rows: Row[] = [];
  if (c.admissionBeforeCoverPaysNothing) rows.push(row('保障期间', '保障生效前入院的, 整次住院不赔'));
  if (c.dischargeGraceDays !== undefined) {
    const stay = c.maxStayDays !== undefined ? `且累计住院不超过${c.maxStayDays}天` : '';
    rows.push(row('保障期间', `期满仍住院: 期满后${c.dischargeGraceDays}日内出院${stay}的可赔, 否则整次住院不赔`));
  }
  return rows;
}

// ---------- who may buy, how they pay, who may sponsor ----------

const yesNo = (value: boolean, yes = '是', no = '否') => (value ? yes : no);

function whoMayBuy(plan: LoadedPlan): Section {
  const e = plan.eligibility;
  const n = plan.enrollment;
  const rows = [
    row('适用人群', `${labels(BASIC_SCHEME, e.schemes)}参保人${e.activeStatusRequired ? ' (须为在保状态)' : ''}`),
    row(
      '新市民',
      e.newCitizens === false
        ? '不含'
        : [
            '可参保',
            e.newCitizens.maxHukouYears !== undefined ? `无当地户籍或取得户籍不满${e.newCitizens.maxHukouYears}年` : '',
            e.newCitizens.proofOfResidenceAtClaim ? '理赔时提供本地居住证明' : '',
            e.newCitizens.insuredElsewhereClaimsWithThatSettlement ? '外地参保的凭参保地结算单理赔' : '',
          ]
            .filter(Boolean)
            .join(', '),
    ),
    row('港澳台同胞', e.hongKongMacaoTaiwan ? '参加本省基本医保的可参保' : '不含'),
    row('基本医保暂停', e.suspendedBasicPausesBenefits ? '暂停期间不享受待遇, 恢复后恢复' : '不影响待遇'),
  ];
  if (e.noLimitOn.length > 0) rows.push(row('不设限制', labels(NO_LIMIT_ON, e.noLimitOn)));
  rows.push(
    row('可为谁投保', labels(RELATION, n.enrollFor)),
    row('限购', `每人每年${n.policiesPerPersonPerYear}份`),
    row('工作人员协助办理', yesNo(n.assistedByStaff, '可以', '不可以')),
    row('公益推广员', yesNo(n.promoters, '有', '无')),
    row('待遇条件', n.fullPaymentInTimeRequired ? '投保期内足额缴费方享受待遇' : '缴费后即享受待遇'),
  );
  if (plan.renews) rows.push(row('续保', `承接上一年度方案 [${plan.renews}]`));
  return { title: '【参保条件】', rows };
}

function paymentSection(plan: LoadedPlan): Section {
  const p = plan.payment;
  const rows =
    p.channels.length === 0 ? [row('缴费渠道', '未列明: 居民暂不能缴费')] : p.channels.map((ch, i) => row(i === 0 ? '缴费渠道' : '', channelText(ch)));
  rows.push(
    row('自动续保', p.autoRenewal ? `${labels(PAYMENT_CHANNEL, p.autoRenewal.channels)}代扣, 须本人同意` : '无'),
    row('缴费方式', p.singlePayment ? '一次性缴清' : '可分次缴纳'),
    row('订单支付时限', `${p.payWithinMinutes}分钟${plan.enrollment.fullPaymentInTimeRequired ? ' (不晚于投保期结束)' : ''}`),
  );
  return { title: '【缴费】', rows };
}

function channelText(ch: LoadedPlan['payment']['channels'][number]): string {
  const name = PAYMENT_CHANNEL[ch.kind];
  if (ch.kind === 'personal-account') {
    const share = ch.maxBalanceShare === undefined ? '全部' : `不超过${formatPercent(ch.maxBalanceShare)}`;
    return [
      `${name}: ${labels(BASIC_SCHEME, ch.schemes)}参保人`,
      `可为${labels(RELATION, ch.forRelations)}缴费`,
      `使用${BALANCE_BASIS[ch.balanceBasis]}${share}`,
      ch.refundsOtherChannels ? '划扣成功后其他渠道所缴原路退回' : '',
    ]
      .filter(Boolean)
      .join(', ');
  }
  if (ch.kind === 'family-mutual-aid') return `${name}: 可为${labels(RELATION, ch.forRelations)}缴费`;
  return name;
}

function sponsorshipSection(plan: LoadedPlan): Section {
  const s = plan.sponsorship;
  if (s.payerKinds.length === 0) return { title: '【资助参保】', rows: [row('资助方', '无 (不接受资助参保)')] };
  const rows = [
    row('资助方', labels(PAYER_KIND, s.payerKinds)),
    row('资助方式', labels(CONTRIBUTION, s.contributions)),
    row('资助对象', s.targetGroups.length > 0 ? labels(RELIEF_GROUP, s.targetGroups) : '不限 (用人单位、集体为其成员)'),
    ...s.campaigns.map((c, i) =>
      row(i === 0 ? '专项活动' : '', `${c.name} [${c.id}]: ${labels(PAYER_KIND, c.payerKinds)} → ${labels(RELIEF_GROUP, c.targetGroups)}`),
    ),
  ];
  if (s.approvals.length > 0) rows.push(row('审批流程', s.approvals.map((a) => APPROVAL_STEP[a]).join(' → ')));
  rows.push(row('公开台账', yesNo(s.publicLedger, '公开', '不公开')));
  return { title: '【资助参保】', rows };
}

function oversightSection(plan: LoadedPlan): Section {
  const f = plan.financial;
  const rows: Row[] = [];
  if (f.payoutRatioFloor !== undefined) rows.push(row('给付率', `不低于${formatPercent(f.payoutRatioFloor)}`));
  if (f.combinedRatioCeiling !== undefined) rows.push(row('综合成本率', `不高于${formatPercent(f.combinedRatioCeiling)}`));
  if (f.netProfitThreshold) rows.push(row('净利润', `超过${formatPercent(f.netProfitThreshold.rate)}的部分: ${f.netProfitThreshold.excessTo}`));
  if (f.surplusThreshold) rows.push(row('收支结余', `超过${formatPercent(f.surplusThreshold.rate)}: ${f.surplusThreshold.action}`));
  if (f.surplusCarriedForward) rows.push(row('结余', '结转下一年度'));
  if (f.premiumCap) rows.push(row('保费上限', `不高于居民医保个人缴费的${formatPercent(f.premiumCap.shareOfResidentContribution)}`));
  rows.push(row('既往症定价', f.pricedByPreExisting ? '按既往症定价' : '不对既往症单独定价'));
  const { countyFloor, countyAim } = plan.participation;
  if (countyFloor !== undefined || countyAim !== undefined) {
    rows.push(
      row(
        '区县参保率',
        [countyFloor ? `不低于${formatPercent(countyFloor)}` : '', countyAim ? `力争${formatPercent(countyAim)}` : ''].filter(Boolean).join(', '),
      ),
    );
  }
  if (plan.reporting.length > 0) rows.push(row('报告', plan.reporting.map((r) => ({ monthly: '月度', quarterly: '季度', yearly: '年度' })[r]).join('、')));
  plan.notes.forEach((note, i) => rows.push(row(i === 0 ? '备注' : '', note)));
  return { title: '【运营与监管】', rows };
}

/** What the city confirms: defaults applied, empty lists, dates not given. Paths as in the plan file. */
function confirmSection(items: readonly ToConfirm[]): Section {
  return { title: '【请核对 to confirm】', rows: items.map((c) => row(c.path, c.what)) };
}

function listsSection(plan: LoadedPlan): Section {
  const rows = Object.entries(plan.lists).map(([id, l]) => {
    const contents = l.entries.length > 0 ? `${l.entries.length}项` : '待发布, 暂无条目';
    return row(id, `${l.title} — ${LIST_SUPPLIER[l.suppliedBy]}, ${contents}`);
  });
  return { title: '【清单】', rows };
}

// ---------- references ----------

/** "(2)": benefits are numbered in plan order, as the sources number 责任一, 二, 三. */
function benefitRef(plan: LoadedPlan, id: string): string {
  const i = plan.benefits.findIndex((b) => b.id === id);
  return i < 0 ? `[${id}]` : `(${i + 1})`;
}

function groupRefs(plan: LoadedPlan, ids: readonly string[] | undefined): string {
  return (ids ?? []).map((id) => benefitRef(plan, id)).join('+');
}

function listTitle(plan: LoadedPlan, id: string): string {
  return `《${plan.lists[id]?.title ?? id}》`;
}
