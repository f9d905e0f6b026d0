// The API's answers as the console reads them (see GET /openapi.json and
// functions/core/api/): money and ratios are strings, shown as they come.

export interface PlanVersion {
  planId: string;
  seq: number;
  hash: string;
  effectiveFrom: string | null;
  publishedAt: string;
}

export interface PlanSummary {
  id: string;
  name: string;
  productYear: number;
  region: { adminCode: string; province: string; city?: string };
  tiers: { id: string; name: string; premium: string }[];
  window: { opens: string | null; closes: string | null };
  latest: PlanVersion;
}

export interface WindowEvent {
  at: string;
  action: string;
  actor: string;
  reason?: string;
  signedBy?: string;
}

export interface WindowState {
  planId: string;
  state: 'scheduled' | 'open' | 'closed';
  opensAt: string | null;
  closesAt: string | null;
  participationRate?: string;
  events: WindowEvent[];
  version: number;
}

export interface PlanDetail {
  id: string;
  name: string;
  productYear: number;
  region: { adminCode: string; province: string; city?: string; counties: { code: string; name: string }[] };
  version: PlanVersion;
  versions: PlanVersion[];
  tiers: { id: string; name: string; premium: string; benefits: string[] }[];
  table: { title: string; rows: { label: string; value: string }[] }[];
  window: WindowState;
  sponsorship: {
    payerKinds: string[];
    contributions: string[];
    targetGroups: string[];
    campaigns: { id: string; name: string; payerKinds: string[]; targetGroups: string[] }[];
    approvals: string[];
    publicLedger: boolean;
  };
}

export interface LedgerEntry {
  orderId: string;
  sponsor: { name: string; kind: string; campaign?: string };
  paidAt: string;
  amountPaid: string;
  enrolled: number;
  refunded: { people: number; amount: string };
  net: string;
  byReliefGroup: Record<string, number>;
  byCounty: Record<string, number>;
}

/** A page of the ledger (`after`: the next page's cursor, absent on the last) and the whole ledger's totals. */
export interface Ledger {
  planId: string;
  entries: LedgerEntry[];
  totals: { paid: string; refunded: string; net: string; enrolled: number };
  after?: string;
}

export interface CountyParticipation {
  code: string;
  name: string;
  enrolled: number;
  insured: number | null;
  rate: string | null;
  meetsFloor: boolean | null;
  meetsAim: boolean | null;
}

export interface Participation {
  planId: string;
  enrolled: number;
  insured: number | null;
  rate: string | null;
  targets: { countyFloor: string | null; countyAim: string | null };
  counties: CountyParticipation[];
  byTier: Record<string, number>;
  byChannel: Record<string, number>;
  populationSource: string | null;
}

export interface LossRatio {
  planId: string;
  premiums: { policies: number; amount: string; byTier: { tierId: string; premium: string; policies: number; amount: string }[] };
  claims: { adjudicated: number; paid: string; byInsurer: { insurerId: string; share: string; paid: string }[] };
  payoutRatio: string | null;
  payoutRatioFloor: { floor: string; met: boolean | null } | null;
}

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

export interface RejectedRow {
  row: number;
  line?: number;
  personId?: string;
  issues: { field: string; rule: string }[];
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

export interface StatementEntry {
  kind: string;
  claimId: string;
  at: string;
  paid: string;
  byInsurer: { insurerId: string; paid: string }[];
  changes?: { claimId: string; before: string; after: string }[];
}

export interface Statement {
  planId: string;
  date: string;
  totals: { adjudicated: number; reversed: number; corrected: number; paid: string; byInsurer: { insurerId: string; paid: string }[] };
  entries: StatementEntry[];
  after?: string;
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
