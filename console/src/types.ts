// The API's answers as the console reads them: money and ratios are strings,
// shown as they come. Where the core's type is the answer itself, the console
// takes it from there (types only: nothing of the core enters the bundle);
// the rest are the views the routes answer (see GET /openapi.json).

export type { LossRatio } from '../../functions/core/adjudication/loss-ratio.ts';
export type { DayStatement as Statement, StatementEntry } from '../../functions/core/adjudication/statement.ts';
export type { Ledger, LedgerEntry } from '../../functions/core/charity/ledger-csv.ts';
export type { RejectedRow } from '../../functions/core/eligibility/roster.ts';
export type { WindowEvent, WindowState } from '../../functions/core/enrollment/model.ts';
export type { CountyParticipation, Participation } from '../../functions/core/enrollment/participation.ts';
export type { PlanSummary } from '../../functions/core/plan/catalog.ts';
export type { PlanDetail } from '../../functions/core/plan/detail.ts';
export type { PlanVersion } from '../../functions/core/plan/version.ts';

export interface Job {
  planId: string;
  jobId: string;
  status: 'queued' | 'running' | 'done';
  counts: Record<string, number>;
  notes: { personId: string; code: string }[];
  startedAt?: string;
  updatedAt?: string;
  finishedAt?: string;
}

export interface StoredClaimView {
  claim: {
    claimId: string;
    planId: string;
    visit: { type: string; admissionDate: string; dischargeDate?: string };
    settlement: Record<string, unknown>;
  } & Record<string, unknown>;
  memberId: string;
  status: 'applied' | 'reversed';
  adjudication: { claimId: string; total: string; decision: string; split: { insurerId: string; amount: string }[] };
  explanation: string;
  correctedAt?: string;
}

export interface Revision {
  claim: { claimId: string; status: string };
  differences: { claimId: string; before: string; after: string; difference: string }[];
  accumulators: Record<string, unknown>;
}

export interface Order {
  planId: string;
  orderId: string;
  sponsor: { name: string; kind: string; creditCode?: string; campaign?: string };
  tier: string;
  premium: string;
  contribution: 'full' | 'fixed-amount';
  amountEach: string;
  lines: number;
  quote?: { beneficiaries: number; covered: number; notCovered: number; byReason: Record<string, number>; amount: string };
  status: 'quoting' | 'quoted' | 'paid' | 'fulfilled';
  approvals: { step: string; actor: string; at: string }[];
  payment?: { paymentId: string; amount: string; at: string };
  result?: {
    enrolled: number;
    refunded: { people: number; amount: string; byReason: Record<string, number> };
    byReliefGroup: Record<string, number>;
    byCounty: Record<string, number>;
    finishedAt: string;
  };
  settlement?: { actor: string; requestedAt: string; lapsed?: number; finishedAt?: string };
  progress?: { status: string; counts: Record<string, number>; updatedAt: string };
  createdAt: string;
}

export interface Beneficiary {
  row: number;
  personId: string;
  covered: boolean;
  reason?: string;
  regionCode?: string;
  reliefGroups?: string[];
  outcome?: { enrolled: boolean; refundReason?: string };
}
