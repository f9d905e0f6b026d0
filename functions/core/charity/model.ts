// A sponsor's order: its header, the list as sent in chunks, and one line per beneficiary.

export interface OrderSponsor {
  name: string;
  kind: string;
  /** GB 32100 unified social credit code; organisations only. */
  creditCode?: string;
  /** The plan's donation campaign, where the plan groups donations in campaigns. */
  campaign?: string;
}

export interface OrderApproval {
  step: string;
  actor: string;
  /** Who signed the request (the caller role's session on AWS), beside the actor it names. */
  signedBy?: string;
  at: string;
}

/** A sponsor's order header; its beneficiaries are items of their own (an order may name 100,000 people). */
export interface Order {
  planId: string;
  orderId: string;
  sponsor: OrderSponsor;
  tier: string;
  premium: string;
  /**
   * The plan version the order was quoted under: its beneficiaries are sold under it, at its premium, whenever the
   * order is paid and fulfilled (ruling 17). Absent on orders placed before it was kept: the version in force.
   */
  planVersion?: number;
  contribution: 'full' | 'fixed-amount';
  /** What the sponsor pays for each covered beneficiary (the premium, or the fixed amount). */
  amountEach: string;
  /** Lines as sent, in chunks of the list (the quote job reads them one by one). */
  chunks: number;
  lines: number;
  /** Set when the quote is done (a long list is quoted in the background). */
  quote?: { beneficiaries: number; covered: number; notCovered: number; byReason: Record<string, number>; amount: string };
  status: 'quoting' | 'quoted' | 'paid' | 'fulfilled';
  /** The plan's approval steps recorded so far, in order (e.g. civil affairs submits, the lead insurer confirms, finance pays). */
  approvals: OrderApproval[];
  payment?: { paymentId: string; amount: string; at: string };
  /** The fulfilment's outcome: the sponsor's receipt (after a settlement, net of the beneficiaries who never paid their part). */
  result?: OrderResult;
  /** The settlement after the window closed: requested, then done with the beneficiaries whose sponsor payment came back. */
  settlement?: {
    actor: string;
    requestedAt: string;
    lapsed?: number;
    finishedAt?: string;
    /** Rows whose sponsor payment came back after the settlement (a paid policy cancelled before cover), counted since. */
    lateRefunds?: number[];
  };
  requestId: string;
  /** The placing request's digest: its id sent again with other content is a conflict. Absent on orders placed before it was kept. */
  requestDigest?: string;
  createdAt: string;
  version: number;
}

export interface OrderResult {
  enrolled: number;
  refunded: { people: number; amount: string; byReason: Record<string, number> };
  byReliefGroup: Record<string, number>;
  byCounty: Record<string, number>;
  finishedAt: string;
}

/** Up to ORDER_CHUNK lines of an order's list as sent (numbered, bad numbers and repeats already marked). */
export interface OrderChunk {
  index: number;
  lines: OrderBeneficiary[];
}

/** One line of an order: a person as named, the quote's verdict, and the fulfilment's outcome. */
export interface OrderBeneficiary {
  /** Position in the sponsor's list (1-based). */
  row: number;
  /** Masked when the number was not a valid ID (it never becomes a key or reaches a policy). */
  personId: string;
  covered: boolean;
  reason?: string;
  regionCode?: string;
  reliefGroups?: string[];
  /** `settled`: the line was enrolled, then its sponsor payment came back (see charity/settlement.ts). */
  outcome?: { enrolled: true } | { enrolled: false; refundReason: string; settled?: true };
}
