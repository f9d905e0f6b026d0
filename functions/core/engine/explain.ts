// The explanation of benefits as a person reads it: per benefit the eligible
// amount, deductible, each band slice and its ratio, each limit that cut, the
// payable; refusals with their code; the total and the consortium split.
import { versionLabel } from '../plan/version.ts';
import { Decimal } from 'decimal.js';
import type { Adjudication, BenefitExplanation } from './adjudicate.ts';

const POPULATION: Record<BenefitExplanation['population'], string> = {
  normal: '普通 normal',
  'pre-existing': '既往症 pre-existing',
  'relief-pre-existing': '救助对象既往症 relief pre-existing',
};

const FACT: Record<NonNullable<BenefitExplanation['findings']>[number]['fact'], string> = {
  'pre-existing': '既往症 pre-existing',
  diagnosis: '病种 diagnosis on the list',
  'first-diagnosis': '首次确诊 first diagnosis',
};

const FROM = {
  determination: "保险人认定 insurer's determination (ruling 16)",
  settlement: '依结算单与清单匹配 matched from the settlement',
} as const;

const percent = (ratio: string) => `${new Decimal(ratio).times(100).toDecimalPlaces(2).toString()}%`;
/** Slice payouts are exact before the benefit's single rounding: show them to the tenth of a fen. */
const exact = (amount: string) => new Decimal(amount).toDecimalPlaces(4).toString();

function benefitLines(b: BenefitExplanation): string[] {
  const lines = [`【${b.name}】 ${b.benefitId}  人群 population: ${POPULATION[b.population]}`];
  for (const f of b.findings ?? [])
    lines.push(`  认定 finding: ${FACT[f.fact]} [${f.list}] ${f.holds ? '是 yes' : '否 no'} — ${FROM[f.from]}${f.basis ? `: ${f.basis}` : ''}`);
  if (b.refusal && b.payable === '0.00' && b.slices.length === 0) {
    lines.push(`  不予赔付 refused: ${b.refusal.code} — ${b.refusal.zh} / ${b.refusal.en}`);
    return lines;
  }
  if (b.takenByItemBenefits) {
    lines.push(
      `  特定项目由 ${b.takenByItemBenefits.benefits.join(', ')} 承担 taken by item benefits (ruling 15): ${b.takenByItemBenefits.amount}, not covered here`,
    );
  }
  lines.push(`  保障范围费用 covered          ${b.covered}`);
  if (b.otherCompensation !== '0.00') lines.push(`  扣除其他补偿 other compensation  −${b.otherCompensation}`);
  if (b.paidByEarlierBenefits !== '0.00') lines.push(`  扣除前序责任赔付 paid earlier   −${b.paidByEarlierBenefits}`);
  lines.push(`  可赔付金额 eligible           ${b.eligible}`);
  if (b.deductible) {
    const d = b.deductible;
    const credit = d.creditFromOtherInsurance !== '0.00' ? `, 商业保险抵扣 credit ${d.creditFromOtherInsurance}` : '';
    lines.push(`  免赔额 deductible [${d.key}, ${d.basis}] ${d.amount}: 已累计 before ${d.consumedBefore}${credit}, 本次 applied ${d.applied}`);
  }
  for (const s of b.slices) {
    const mods = [s.bonus !== '0' ? `+${percent(s.bonus)} 无赔款优待` : '', s.factor !== '1' ? `×${s.factor} 异地` : ''].filter(Boolean).join(' ');
    const what = s.item ? `item ${s.item}` : `${s.from}–${s.to}`;
    lines.push(`  分段 slice ${what}: ${s.amount} × ${percent(s.ratio)} (${percent(s.baseRatio)}${mods ? ' ' + mods : ''}) = ${exact(s.payout)}`);
  }
  for (const l of b.limits) lines.push(`  限额 limit ${l.kind} ${l.key}: 剩余 remaining ${l.remainingBefore}, 削减 cut ${l.cut}`);
  lines.push(`  应赔 payable                  ${b.payable}${b.refusal ? `  (${b.refusal.code})` : ''}`);
  return lines;
}

export function renderAdjudication(a: Adjudication): string {
  const version = a.planVersion ? `  版本 version ${versionLabel(a.planVersion)}` : '';
  const lines = [`理赔 claim ${a.claimId}  方案 plan ${a.planId}${version}  档次 tier ${a.tier}  就医地 place ${a.place}`];
  if (a.refusal) {
    lines.push(`不予赔付 refused: ${a.refusal.code} — ${a.refusal.zh} / ${a.refusal.en}`);
  }
  for (const b of a.benefits) lines.push(...benefitLines(b));
  if (a.outOfPocketCap) {
    const c = a.outOfPocketCap;
    lines.push(
      `【个人自付封顶 out-of-pocket cap】 ${c.cap} (参保率 participation ${percent(c.participationRate)}): 年内已自付 before ${c.outOfPocketBefore}, 本次自付 this claim ${c.claimOutOfPocket}, 兜底 top-up ${c.topUp}`,
    );
  }
  lines.push(`合计 total ${a.total}  (${a.decision})`);
  lines.push(`共保体分摊 split: ${a.split.map((p) => `${p.insurerId} ${p.amount}`).join(', ')}`);
  const deltas = Object.entries(a.deltas);
  if (deltas.length > 0) lines.push(`累计变动 accumulators: ${deltas.map(([k, v]) => `${k} +${v}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
