export { adjudicate, EngineInputError, type Adjudication, type BenefitExplanation } from './adjudicate.ts';
export { emptyAccumulators, type Accumulators } from './accumulators.ts';
export { replay, replayDifference } from './replay.ts';
export { REASONS, type ReasonCode } from './reasons.ts';
