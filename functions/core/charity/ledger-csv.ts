// The public sponsorship ledger as a CSV file for spreadsheets: one row per
// order, breakdowns as `key:count` lists, a TOTAL row last. UTF-8 with a byte
// order mark so Excel reads the Chinese names; CRLF line ends (RFC 4180).
import { stringify } from 'csv-stringify/sync';

export interface LedgerEntry {
  orderId: string;
  sponsor: { name: string; kind: string; campaign?: string };
  paidAt: string;
  /** What the sponsor paid, yuan, two decimals. */
  amountPaid: string;
  /** Beneficiaries enrolled by this order. */
  enrolled: number;
  refunded: { people: number; amount: string };
  /** amountPaid − refunded.amount */
  net: string;
  byReliefGroup: Record<string, number>;
  byCounty: Record<string, number>;
}

export interface Ledger { planId: string; entries: LedgerEntry[]; totals: { paid: string; refunded: string; net: string; enrolled: number } }

export const LEDGER_CSV_COLUMNS = [
  'orderId', 'sponsorName', 'sponsorKind', 'campaign', 'paidAt', 'amountPaid', 'enrolled',
  'refundedPeople', 'refundedAmount', 'net', 'byReliefGroup', 'byCounty',
] as const;

/** { tekun: 2, dibao: 3 } → 'dibao:3;tekun:2': keys sorted, so the same ledger is always the same file. */
function breakdown(counts: Record<string, number>): string {
  return Object.keys(counts).sort().map((k) => `${k}:${counts[k]}`).join(';');
}

function addCounts(into: Record<string, number>, counts: Record<string, number>): Record<string, number> {
  for (const [k, n] of Object.entries(counts)) into[k] = (into[k] ?? 0) + n;
  return into;
}

/**
 * Text typed by the public (sponsor names, campaigns) starting with = + - @ or a
 * tab/CR would be read by a spreadsheet as a formula: a leading apostrophe keeps it text.
 */
function text(value: string | undefined): string {
  return value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? '');
}

export function ledgerCsv(ledger: Ledger): string {
  const rows = ledger.entries.map((e) => [
    e.orderId, text(e.sponsor.name), text(e.sponsor.kind), text(e.sponsor.campaign), e.paidAt, e.amountPaid, String(e.enrolled),
    String(e.refunded.people), e.refunded.amount, e.net, breakdown(e.byReliefGroup), breakdown(e.byCounty),
  ]);
  // Counts without a total of their own (refunded people, the breakdowns) are the column sums.
  const { totals } = ledger;
  const refundedPeople = ledger.entries.reduce((n, e) => n + e.refunded.people, 0);
  const byReliefGroup = ledger.entries.reduce((all, e) => addCounts(all, e.byReliefGroup), {} as Record<string, number>);
  const byCounty = ledger.entries.reduce((all, e) => addCounts(all, e.byCounty), {} as Record<string, number>);
  rows.push([
    'TOTAL', '', '', '', '', totals.paid, String(totals.enrolled),
    String(refundedPeople), totals.refunded, totals.net, breakdown(byReliefGroup), breakdown(byCounty),
  ]);
  return stringify(rows, { bom: true, header: true, columns: [...LEDGER_CSV_COLUMNS], record_delimiter: 'windows' });
}
