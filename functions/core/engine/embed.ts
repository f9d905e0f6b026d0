// The adjudication engine as a component (`@huiminbao/core/engine`): what a host embedding it needs, where the
// data must not leave (the 医保 platform's model: the insurer's rules come in as a plan file, the settlements
// stay). Pure computation and local files only: nothing here reaches AWS, HTTP or a database (a test walks the
// imports to keep it so). See README.md beside this file.
export { loadPlanFile, validatePlan, formatProblem, formatPath, type LoadedPlan, type LoadResult, type PlanProblem } from '../plan/loader.ts';
export { PlanSchema, type Plan } from '../plan/schema.ts';
export { ClaimSchema, PolicyContextSchema, type Claim, type ClaimInput, type PolicyContext, type PolicyContextInput } from '../claim/schema.ts';
export {
  adjudicate,
  EngineInputError,
  emptyAccumulators,
  replay,
  replayDifference,
  REASONS,
  type Accumulators,
  type Adjudication,
  type BenefitExplanation,
  type ReasonCode,
} from './index.ts';
export { renderAdjudication } from './explain.ts';
export {
  mapNationalSettlement,
  parseNationalJson,
  NationalSettlementSchema,
  type MappedSettlement,
  type MappingContext,
  type MappingResult,
} from '../settlement/national.ts';
