// Offline replay of a hospital's national settlements: each message mapped (national.ts) and adjudicated in the
// order given, against its member's accumulators carried from settlement to settlement (ruling 10), as the
// platform would have settled them live. Pure: the caller reads the file and supplies policies and hospitals.
import { Decimal } from 'decimal.js';
import type { LoadedPlan } from '../plan/loader.ts';
import type { PolicyContext } from '../claim/schema.ts';
import { adjudicate, EngineInputError, emptyAccumulators, type Accumulators, type Adjudication } from '../engine/index.ts';
import type { InsurerPart } from '../engine/split.ts';
import { maskId } from '../identity/resident-id.ts';
import { ZERO, formatYuan } from '../money/money.ts';
import { TRANSACTIONS, mapNationalSettlement, type MappingContext } from './national.ts';

export interface ReplayedSettlement {
  line: number;
  setlId: string;
  mdtrtId: string;
  medinsSetlId?: string;
  fixmedinsCode: string;
  /** The member's resident ID, masked. */
  member: string;
  visit: string;
  medfeeSumamt: string;
  fundPaySumamt: string;
  /** What the person owed after the public schemes (psn_part_amt). */
  psnPartAmt: string;
  planPays: string;
  /** What the person still pays once the plan has paid: psn_part_amt − plan pays. */
  patientPays: string;
  decision: Adjudication['decision'];
  refusal?: string;
  benefits: { benefitId: string; payable: string; refusal?: string }[];
  split: InsurerPart[];
}

export interface ReplayProblem {
  line: number;
  path: string;
  message: string;
}

export interface ReplayTotals {
  settlements: number;
  medfeeSumamt: string;
  fundPaySumamt: string;
  psnPartAmt: string;
  planPays: string;
  patientPays: string;
  split: InsurerPart[];
}

export type ReplayOutcome = { settlement: ReplayedSettlement } | { problems: ReplayProblem[] };

export interface ReplayOptions extends Omit<MappingContext, 'planId'> {
  /** The member's policy under this plan (the member is the settlement's resident ID), if they hold one. */
  policyOf: (memberId: string) => PolicyContext | undefined;
  /** Members' accumulators before the first message (e.g. a state file); absent members start a fresh year. */
  accumulators?: Record<string, Accumulators>;
}

export class SettlementReplay {
  private readonly plan: LoadedPlan;
  private readonly options: ReplayOptions;
  private readonly state: Record<string, Accumulators>;
  /** Settlement id → the line it was replayed on: a settlement sent twice is applied once. */
  private readonly seen = new Map<string, number>();
  private readonly sums = { medfeeSumamt: ZERO, fundPaySumamt: ZERO, psnPartAmt: ZERO, planPays: ZERO };
  private readonly byInsurer = new Map<string, Decimal>();
  private settlements = 0;

  constructor(plan: LoadedPlan, options: ReplayOptions) {
    this.plan = plan;
    this.options = options;
    this.state = { ...options.accumulators };
    for (const insurer of plan.consortium.insurers) this.byInsurer.set(insurer.id, ZERO);
  }

  /** Replays one message (the file's `line`); a refused one changes nothing. */
  replay(line: number, message: unknown): ReplayOutcome {
    const refused = (path: string, text: string): ReplayOutcome => ({ problems: [{ line, path, message: text }] });
    const mapped = mapNationalSettlement(message, { planId: this.plan.id, hospitalOf: this.options.hospitalOf });
    if (!mapped.success) return { problems: mapped.issues.map((i) => ({ line, ...i })) };
    const { memberId, claim, ids, amounts } = mapped.data;
    if (TRANSACTIONS[ids.infno].kind !== 'settlement') return refused('infno', `${ids.infno} is a trial: the replay takes settlements (2207, 2304)`);
    const setlId = ids.setlId!;
    const earlier = this.seen.get(setlId);
    if (earlier !== undefined) return refused('setlinfo.setl_id', `was replayed on line ${earlier}: a settlement counts once`);
    const policy = this.options.policyOf(memberId);
    if (!policy) return refused('setlinfo.certno', `no policy of ${this.plan.id} for member ${maskId(memberId)}`);

    let adjudication: Adjudication;
    try {
      adjudication = adjudicate(this.plan, policy, this.state[memberId] ?? emptyAccumulators(), claim);
    } catch (error) {
      if (error instanceof EngineInputError) return refused(`policy.${error.field}`, error.message.slice(error.field.length + 2));
      throw error;
    }
    this.seen.set(setlId, line);
    this.state[memberId] = adjudication.accumulators;

    const planPays = new Decimal(adjudication.total);
    this.settlements += 1;
    this.sums.medfeeSumamt = this.sums.medfeeSumamt.plus(amounts.medfeeSumamt);
    this.sums.fundPaySumamt = this.sums.fundPaySumamt.plus(amounts.fundPaySumamt);
    this.sums.psnPartAmt = this.sums.psnPartAmt.plus(amounts.psnPartAmt);
    this.sums.planPays = this.sums.planPays.plus(planPays);
    for (const part of adjudication.split) this.byInsurer.set(part.insurerId, (this.byInsurer.get(part.insurerId) ?? ZERO).plus(part.amount));

    return {
      settlement: {
        line,
        setlId,
        mdtrtId: ids.mdtrtId,
        ...(ids.medinsSetlId ? { medinsSetlId: ids.medinsSetlId } : {}),
        fixmedinsCode: ids.fixmedinsCode,
        member: maskId(memberId),
        visit: claim.visit.type,
        ...amounts,
        planPays: adjudication.total,
        patientPays: formatYuan(new Decimal(amounts.psnPartAmt).minus(planPays)),
        decision: adjudication.decision,
        ...(adjudication.refusal ? { refusal: adjudication.refusal.code } : {}),
        benefits: adjudication.benefits.map((b) => ({ benefitId: b.benefitId, payable: b.payable, ...(b.refusal ? { refusal: b.refusal.code } : {}) })),
        split: adjudication.split,
      },
    };
  }

  totals(): ReplayTotals {
    const s = this.sums;
    return {
      settlements: this.settlements,
      medfeeSumamt: formatYuan(s.medfeeSumamt),
      fundPaySumamt: formatYuan(s.fundPaySumamt),
      psnPartAmt: formatYuan(s.psnPartAmt),
      planPays: formatYuan(s.planPays),
      patientPays: formatYuan(s.psnPartAmt.minus(s.planPays)),
      split: this.plan.consortium.insurers.map((i) => ({ insurerId: i.id, share: i.share, amount: formatYuan(this.byInsurer.get(i.id)!) })),
    };
  }

  /** Every member's accumulators after the messages so far (those of the starting state included). */
  accumulators(): Record<string, Accumulators> {
    return { ...this.state };
  }
}
