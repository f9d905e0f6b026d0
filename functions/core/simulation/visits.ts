// A member's claims for the year: admissions, outpatient special-disease visits
// and purchases of listed special drugs, each a one-stop settlement as hospitals
// send it. Counts are Poisson (courses of drugs: a chance a year), costs come from
// the parameters' distributions, and the settlement splits the drawn total between
// the public schemes and the patient's parts, exact to the fen, in decimal.js.
import { Decimal } from 'decimal.js';
import type { Claim, LineItem } from '../claim/schema.ts';

import { ZERO, constant, formatYuan, nonNegative } from '../money/money.ts';
import type { CostDistribution, SimulationParameters } from './parameters.ts';
import type { GeneratedMember } from './population.ts';
import { WeightedPick, type Random } from './random.ts';
import { MAX_STAY_DAYS, type YearSetting } from './setting.ts';

type Hospital = Claim['visit']['hospital'];
type VisitType = Claim['visit']['type'];
type Place = 'in-area' | 'in-province' | 'out-of-province';
type Liability = Claim['liabilities'][number];

/** One draw of a cost distribution: the Pareto tail takes its share of draws, the lognormal body the rest. */
export function drawCost(random: Random, cost: CostDistribution): number {
  if (cost.tail && random.chance(cost.tail.share)) return random.pareto(cost.tail.above, cost.tail.alpha);
  return random.lognormal(cost.median, cost.sigma);
}

/** A drawn amount as yuan: rounded to the fen once, at least one fen. */
function toYuan(amount: number): Decimal {
  const fen = Math.max(1, Math.round(amount * 100));
  return new Decimal(fen).div(100);
}

const half = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
/** A share drawn around its mean, to the millionth: a short decimal keeps decimal.js's parse and product cheap. */
const drawShare = (random: Random, mean: number) => Math.round(random.around(mean) * 1e6) / 1e6;
const DIAGNOSIS = /^[A-Z]\d{2}(\.\d{1,3})?$/;
/** Diagnosis of a special-drug purchase whose drug names no indication: a course of drug therapy (Z51.1). */
const DRUG_THERAPY = 'Z51.1';
const GENERIC_CODES = 40;

/** A claim and the day of cover it falls on; claim ids are given once the year's claims are in order. */
interface Dated {
  day: number;
  order: number;
  claim: Claim;
}

export class VisitDraw {
  private readonly params: SimulationParameters;
  private readonly setting: YearSetting;
  private readonly places: WeightedPick<Place>;
  private readonly levels: WeightedPick<number>;
  private readonly inpatientDiagnoses: WeightedPick<{ icd10: string; firstDiagnosis: boolean }>;
  private readonly specialDiseaseDiagnoses: WeightedPick<{ icd10: string; firstDiagnosis: boolean }>;
  private readonly liabilities: readonly [Liability, number][];
  private readonly basicDeductible: Decimal;
  private readonly criticalAbove: Decimal;

  constructor(params: SimulationParameters, setting: YearSetting) {
    this.params = params;
    this.setting = setting;
    const h = params.hospitals;
    this.places = new WeightedPick(Object.entries(h.places) as [Place, number][]);
    this.levels = new WeightedPick([
      [1, h.levels[1]],
      [2, h.levels[2]],
      [3, h.levels[3]],
    ]);
    const diagnoses = (list: SimulationParameters['inpatient']['diagnoses']) =>
      new WeightedPick(list.map((d) => [{ icd10: d.icd10, firstDiagnosis: d.firstDiagnosis }, d.weight] as const));
    this.inpatientDiagnoses = diagnoses(params.inpatient.diagnoses);
    this.specialDiseaseDiagnoses = diagnoses(params.specialDisease.diagnoses);
    this.liabilities = Object.entries(params.inpatient.liabilities) as [Liability, number][];
    this.basicDeductible = constant(params.settlement.basicDeductible);
    this.criticalAbove = constant(params.settlement.criticalIllness.above);
  }

  /** The member's claims of the year in the order they are settled (ruling 10: the acceptance order). */
  claims(random: Random, m: GeneratedMember, planId: string): Claim[] {
    const p = this.params.population;
    const pe = m.condition !== undefined;
    const dated: Dated[] = [];
    const days = this.setting.coverDays;

    const admissions = random.poisson(m.band.inpatient * (pe ? p.preExisting.inpatient : 1) * (m.relief ? p.relief.inpatient : 1));
    for (let i = 0; i < admissions; i++) {
      const day = random.below(days);
      dated.push({ day, order: dated.length, claim: this.admission(random, m, planId, day) });
    }
    const visits = random.poisson(m.band.specialDisease * (pe ? p.preExisting.specialDisease : 1));
    for (let i = 0; i < visits; i++) {
      const day = random.below(days);
      dated.push({ day, order: dated.length, claim: this.specialDiseaseVisit(random, m, planId, day) });
    }
    if (random.chance(Math.min(1, m.band.specialDrugs * (pe ? p.preExisting.specialDrugs : 1)))) {
      for (const { day, claim } of this.drugCourse(random, m, planId)) dated.push({ day, order: dated.length, claim });
    }
    dated.sort((a, b) => a.day - b.day || a.order - b.order);
    return dated.map((d, i) => {
      d.claim.claimId = `${m.context.memberId}-${i + 1}`;
      return d.claim;
    });
  }

  private admission(random: Random, m: GeneratedMember, planId: string, day: number): Claim {
    const i = this.params.inpatient;
    const diagnosis = this.diagnosis(random, m, this.inpatientDiagnoses);
    const total = toYuan(drawCost(random, i.cost) * m.band.costFactor);
    const stay = Math.min(MAX_STAY_DAYS, Math.max(1, Math.round(random.lognormal(i.stayDays.median, i.stayDays.sigma))));
    const hospital = this.hospital(random, m, 'inpatient');
    const settlement = this.settle(random, m, total);
    const items: LineItem[] = [];
    const outOfCatalog = half(new Decimal(settlement.outOfCatalogSelfPay).times(i.items.outOfCatalogDrug));
    if (outOfCatalog.gt(0)) {
      const catalogue = this.setting.catalogue;
      const code =
        catalogue.length > 0 && random.chance(i.items.onCatalogue) ? catalogue[random.below(catalogue.length)] : `OOC-DRUG-${random.below(GENERIC_CODES) + 1}`;
      const amount = formatYuan(outOfCatalog);
      items.push({ code, category: 'drug', catalogClass: 'none', amount, selfPay: amount });
    }
    const classC = half(new Decimal(settlement.inCatalogSelfPay).times(i.items.classC));
    if (classC.gt(0)) {
      const amount = formatYuan(classC);
      items.push({ code: `C-ITEM-${random.below(GENERIC_CODES) + 1}`, category: 'treatment', catalogClass: 'C', amount, selfPay: amount });
    }
    return {
      claimId: '',
      planId,
      determinations: [],
      visit: {
        type: 'inpatient',
        admissionDate: this.setting.days[day],
        dischargeDate: this.setting.days[day + stay],
        hospital: hospital.hospital,
        referral: hospital.referral,
      },
      diagnoses: [diagnosis],
      liabilities: this.liability(random),
      settlement,
      items,
    };
  }

  private specialDiseaseVisit(random: Random, m: GeneratedMember, planId: string, day: number): Claim {
    const total = toYuan(drawCost(random, this.params.specialDisease.cost));
    const hospital = this.hospital(random, m, 'outpatient-special-disease');
    return {
      claimId: '',
      planId,
      determinations: [],
      visit: { type: 'outpatient-special-disease', admissionDate: this.setting.days[day], hospital: hospital.hospital, referral: hospital.referral },
      diagnoses: [this.diagnosis(random, m, this.specialDiseaseDiagnoses)],
      liabilities: [],
      settlement: this.settle(random, m, total),
      items: [],
    };
  }

  /** A course of one listed drug: purchases spread evenly from its start to the end of cover. */
  private drugCourse(random: Random, m: GeneratedMember, planId: string): { day: number; claim: Claim }[] {
    const s = this.setting;
    const drug = s.drugs.length > 0 ? s.drugs[random.below(s.drugs.length)] : undefined;
    const code = drug?.code ?? 'UNLISTED-DRUG';
    const indication = drug?.indications?.[0]?.split('-')[0];
    const diagnosis = indication !== undefined && DIAGNOSIS.test(indication) ? indication : DRUG_THERAPY;
    const purchases = 1 + random.poisson(this.params.specialDrugs.purchases - 1);
    const start = random.below(s.coverDays);
    const span = s.coverDays - start;
    const out: { day: number; claim: Claim }[] = [];
    for (let k = 0; k < purchases; k++) {
      const day = start + Math.floor((k * span) / purchases);
      const amount = formatYuan(toYuan(drawCost(random, this.params.specialDrugs.cost)));
      const hospital = this.hospital(random, m, 'outpatient');
      out.push({
        day,
        claim: {
          claimId: '',
          planId,
          determinations: [],
          visit: { type: 'outpatient', admissionDate: s.days[day], hospital: hospital.hospital, referral: hospital.referral },
          diagnoses: [{ icd10: diagnosis, firstDiagnosis: false }],
          liabilities: [],
          settlement: {
            total: amount,
            basicFundPaid: '0.00',
            criticalIllnessPaid: '0.00',
            medicalAssistancePaid: '0.00',
            otherCompensation: [],
            inCatalogSelfPay: '0.00',
            classBCopay: '0.00',
            outOfCatalogSelfPay: amount,
            overLimitSelfPay: '0.00',
            basicSettled: true,
          },
          items: [{ code, category: 'drug', catalogClass: 'none', amount, selfPay: amount }],
        },
      });
    }
    return out;
  }

  private diagnosis(random: Random, m: GeneratedMember, others: WeightedPick<{ icd10: string; firstDiagnosis: boolean }>): Claim['diagnoses'][number] {
    if (m.condition !== undefined && random.chance(this.params.population.preExisting.related)) return { icd10: m.condition, firstDiagnosis: false };
    const d = others.pick(random);
    return { icd10: d.icd10, firstDiagnosis: d.firstDiagnosis };
  }

  private liability(random: Random): Liability[] {
    let u = random.uniform();
    for (const [liability, share] of this.liabilities) {
      if (u < share) return [liability];
      u -= share;
    }
    return [];
  }

  private hospital(random: Random, m: GeneratedMember, visit: VisitType): { hospital: Hospital; referral: boolean } {
    const h = this.params.hospitals;
    const s = this.setting;
    const place = this.places.pick(random);
    const regionCode = place === 'in-area' ? m.context.regionCode : place === 'in-province' ? s.inProvince.get(m.context.regionCode)! : s.outOfProvince;
    const level = this.levels.pick(random);
    const hospital: Hospital = {
      code: `H${level}-${regionCode}`,
      level,
      public: random.chance(h.public),
      regionCode,
      designations: random.chance(h.designated) ? s.designations[visit] : [],
      ward: visit === 'inpatient' && random.chance(h.specialWard) ? 'special' : 'general',
    };
    return { hospital, referral: place !== 'in-area' && random.chance(h.referral) };
  }

  /**
   * The one-stop settlement of a visit costing `total`: out-of-catalogue and over-limit parts first, the class-B
   * co-pay, then the basic scheme above its deductible, critical-illness insurance above its threshold and, for
   * relief recipients, medical assistance; what is left is the in-catalogue self-pay. Each part is rounded to the
   * fen and the last is what remains, so the parts add up to the total exactly.
   */
  private settle(random: Random, m: GeneratedMember, total: Decimal): Claim['settlement'] {
    const s = this.params.settlement;
    const outOfCatalog = half(total.times(drawShare(random, s.outOfCatalog)));
    const overLimit = half(total.times(drawShare(random, s.overLimit)));
    const inCatalog = total.minus(outOfCatalog).minus(overLimit);
    const classB = half(inCatalog.times(drawShare(random, s.classBCopay)));
    const rest = inCatalog.minus(classB);
    const basic = half(nonNegative(rest.minus(this.basicDeductible)).times(m.employee ? s.basicRate.employee : s.basicRate.resident));
    let selfPay = rest.minus(basic);
    const critical = half(nonNegative(selfPay.minus(this.criticalAbove)).times(s.criticalIllness.rate));
    selfPay = selfPay.minus(critical);
    const assistance = m.relief ? half(selfPay.times(s.assistanceRate)) : ZERO;
    selfPay = selfPay.minus(assistance);
    return {
      total: formatYuan(total),
      basicFundPaid: formatYuan(basic),
      criticalIllnessPaid: formatYuan(critical),
      medicalAssistancePaid: formatYuan(assistance),
      otherCompensation: [],
      inCatalogSelfPay: formatYuan(selfPay),
      classBCopay: formatYuan(classB),
      outOfCatalogSelfPay: formatYuan(outOfCatalog),
      overLimitSelfPay: formatYuan(overLimit),
      basicSettled: true,
    };
  }
}
