// The medical facts a benefit's rules turn on — the member was pre-existing, the
// claim's condition is on the plan's list, it is a first diagnosis — and where each
// was read from: the insurer's determination (ruling 16), which comes first, or the
// settlement's codes matched against the plan's list, the default.
import type { Benefit, ListEntry } from '../plan/schema.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { icdMatches, entryForDiagnosis } from '../plan/icd10.ts';
import type { Claim, Determination, PolicyContext } from '../claim/schema.ts';
import { reason, type Reason } from './reasons.ts';

export type Population = 'normal' | 'pre-existing' | 'relief-pre-existing';

export interface Finding {
  fact: Determination['fact'];
  /** The plan's list the fact is about. */
  list: string;
  holds: boolean;
  /** determination: the insurer's, with its basis; settlement: the codes (and first-diagnosis flags) matched against the list. */
  from: 'determination' | 'settlement';
  basis?: string;
}

/** The insurer's determination of a fact about a list: the claim's own, else (pre-existing only) the policy's. */
export function determinationFor(claim: Claim, ctx: PolicyContext, fact: Determination['fact'], list: string): Determination | undefined {
  if (claim.determinations.length === 0 && ctx.determinations.length === 0) return undefined;
  return (
    claim.determinations.find((d) => d.fact === fact && d.list === list) ??
    (fact === 'pre-existing' ? ctx.determinations.find((d) => d.list === list) : undefined)
  );
}

function finding(fact: Finding['fact'], list: string, determination: Determination | undefined, matched: () => boolean): Finding {
  return determination
    ? { fact, list, holds: determination.holds, from: 'determination', basis: determination.basis }
    : { fact, list, holds: matched(), from: 'settlement' };
}

const NO_FINDINGS: { findings: Finding[] } = Object.freeze({ findings: Object.freeze([]) as unknown as Finding[] });

/** Whether the claim's condition is what the benefit's diagnosis rule asks for, and on what that rests. */
export function diagnosisFindings(benefit: Benefit, claim: Claim, ctx: PolicyContext, plan: LoadedPlan): { refusal?: Reason; findings: Finding[] } {
  const rule = benefit.diagnosis;
  if (!rule) return NO_FINDINGS;
  const entries = plan.lists[rule.list].entries;
  const matching = () => claim.diagnoses.filter((d) => entryForDiagnosis(entries, d.icd10) !== undefined);
  const onList = finding('diagnosis', rule.list, determinationFor(claim, ctx, 'diagnosis', rule.list), () => matching().length > 0);
  const findings = [onList];
  if (rule.firstDiagnosis && onList.holds) {
    // Determined to be on the list, any diagnosis the settlement flags as first counts; matched, a matching one must be.
    const candidates = onList.from === 'determination' ? claim.diagnoses : matching();
    findings.push(
      finding('first-diagnosis', rule.list, determinationFor(claim, ctx, 'first-diagnosis', rule.list), () => candidates.some((d) => d.firstDiagnosis)),
    );
  }
  return { findings, ...(findings.every((f) => f.holds) ? {} : { refusal: reason('DIAGNOSIS_NOT_COVERED') }) };
}

/**
 * The member's population for this benefit on this claim (ruling 5), and what it rests on. A drug-indication rule is
 * judged item by item (`hadIndicationBefore`): its population is normal, unless the insurer determined the fact.
 */
export function populationFinding(benefit: Benefit, claim: Claim, ctx: PolicyContext, plan: LoadedPlan): { population: Population; finding?: Finding } {
  const rule = benefit.preExisting;
  if (!rule) return { population: 'normal' };
  const determination = determinationFor(claim, ctx, 'pre-existing', rule.list);
  if (rule.basis === 'drug-indication') {
    return { population: 'normal', ...(determination ? { finding: finding('pre-existing', rule.list, determination, () => false) } : {}) };
  }
  const entries = plan.lists[rule.list].entries;
  const hadBefore = (entry: ListEntry) => ctx.preExistingConditions.some((c) => icdMatches(c.icd10, entry.icd10));
  const found = finding('pre-existing', rule.list, determination, () =>
    rule.basis === 'whole-person'
      ? // Whole person: some condition known before cover is on the list.
        ctx.preExistingConditions.some((c) => entryForDiagnosis(entries, c.icd10) !== undefined)
      : // Claim-related: the claim's diagnosis (or what it complicates) is listed and was known before cover.
        claim.diagnoses.some((d) =>
          [d.icd10, d.complicationOf].some((code) => {
            const entry = code === undefined ? undefined : entryForDiagnosis(entries, code);
            return entry !== undefined && hadBefore(entry);
          }),
        ),
  );
  if (!found.holds) return { population: 'normal', finding: found };
  const relief = ctx.reliefGroups.some((g) => plan.reliefGroups.includes(g));
  return { population: relief && rule.reliefSchedule ? 'relief-pre-existing' : 'pre-existing', finding: found };
}

/** A drug whose indications fall among the listed conditions (e.g. a tumour drug, for a tumour list). */
export function treatsListedCondition(entry: ListEntry | undefined, conditions: readonly ListEntry[]): boolean {
  return (entry?.indications ?? []).some((range) => conditions.some((c) => icdMatches(range.split('-')[0], c.icd10)));
}

/** A drug whose indication the member had before cover (drug-indication rule): determined by the insurer, or matched. */
export function hadIndicationBefore(entry: ListEntry | undefined, ctx: PolicyContext, determined?: Finding): boolean {
  if (determined?.from === 'determination') return determined.holds;
  return entry?.indications !== undefined && ctx.preExistingConditions.some((c) => icdMatches(c.icd10, entry.indications));
}

/** The list ids a claim's or policy's determinations name that the plan does not have. */
export function unknownDeterminationLists(plan: LoadedPlan, determinations: readonly Determination[]): string[] {
  return [...new Set(determinations.map((d) => d.list).filter((id) => !(id in plan.lists)))];
}
