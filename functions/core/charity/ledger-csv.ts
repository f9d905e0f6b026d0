// The public sponsorship ledger as a CSV file for spreadsheets: one row per
// order, breakdowns as `key:count` lists, a TOTAL row last (the whole
// ledger's). UTF-8 with a byte order mark so Excel reads the Chinese names;
// CRLF line ends (RFC 4180). A long ledger comes in pages: each page is a file
// of its rows, the last one ends with the TOTAL row, so the pages put together
// (each header line but the first left out) are the whole file.
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

/** The whole ledger's totals (kept with its entries, never summed from a page). */
export interface LedgerTotals {
  orders: number;
  paid: string;
  refunded: string;
  net: string;
  enrolled: number;
  refundedPeople: number;
  byReliefGroup: Record<string, number>;
  byCounty: Record<string, number>;
}

/** A page of the ledger, with the totals of all of it; `after` asks for the next page (absent on the last). */
export interface Ledger {
  planId: string;
  entries: LedgerEntry[];
  totals: LedgerTotals;
  after?: string;
}

export const LEDGER_CSV_COLUMNS = [
  'orderId',
  'sponsorName',
  'sponsorKind',
  'campaign',
  'paidAt',
  'amountPaid',
  'enrolled',
  'refundedPeople',
  'refundedAmount',
  'net',
  'byReliefGroup',
  'byCounty',
] as const;

/** { tekun: 2, dibao: 3 } → 'dibao:3;tekun:2': keys sorted, so the same ledger is always the same file. */
function breakdown(counts: Record<string, number>): string {
  return Object.keys(counts)
    .sort()
    .map((k) => `${k}:${counts[k]}`)
    .join(';');
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
    e.orderId,
    text(e.sponsor.name),
    text(e.sponsor.kind),
    text(e.sponsor.campaign),
    e.paidAt,
    e.amountPaid,
    String(e.enrolled),
    String(e.refunded.people),
    e.refunded.amount,
    e.net,
    breakdown(e.byReliefGroup),
    breakdown(e.byCounty),
  ]);
  // The whole ledger's totals, once, on its last page.
  const { totals } = ledger;
  if (ledger.after === undefined) {
    rows.push([
      'TOTAL',
      '',
      '',
      '',
      '',
      totals.paid,
      String(totals.enrolled),
      String(totals.refundedPeople),
      totals.refunded,
      totals.net,
      breakdown(totals.byReliefGroup),
      breakdown(totals.byCounty),
    ]);
  }
  return stringify(rows, { bom: true, header: true, columns: [...LEDGER_CSV_COLUMNS], record_delimiter: 'windows' });
}
