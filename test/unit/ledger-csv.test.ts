// The ledger CSV parses back to the ledger: every column, quoting of awkward
// sponsor names, the BOM Excel needs for Chinese, and the TOTAL row last.
import { describe, expect, test } from 'vitest';
import { parse } from 'csv-parse/sync';
import { LEDGER_CSV_COLUMNS, ledgerCsv, type Ledger } from '../../functions/core/charity/ledger-csv.ts';
import { joinCsvPages, nextPage } from '../../console/src/paged-csv.ts';

const ledger: Ledger = {
  planId: 'nanchang-2026',
  entries: [
    {
      orderId: 'ord-1',
      sponsor: { name: '江西"爱心", 基金会', kind: 'foundation', campaign: '2026 关爱低保' },
      paidAt: '2026-01-05T08:00:00Z',
      amountPaid: '590.00',
      enrolled: 10,
      refunded: { people: 1, amount: '59.00' },
      net: '531.00',
      byReliefGroup: { tekun: 2, dibao: 7 },
      byCounty: { '360111': 4, '360102': 5 },
    },
    {
      orderId: 'ord-2',
      sponsor: { name: '张三', kind: 'individual' },
      paidAt: '2026-01-06T09:30:00Z',
      amountPaid: '59.00',
      enrolled: 1,
      refunded: { people: 0, amount: '0.00' },
      net: '59.00',
      byReliefGroup: { dibao: 1 },
      byCounty: { '360102': 1 },
    },
    {
      orderId: 'ord-3',
      sponsor: { name: '=HYPERLINK("http://x")', kind: 'company', campaign: '@all' },
      paidAt: '2026-01-07T10:00:00Z',
      amountPaid: '0.00',
      enrolled: 0,
      refunded: { people: 0, amount: '0.00' },
      net: '0.00',
      byReliefGroup: {},
      byCounty: {},
    },
  ],
  // The whole ledger's, as kept with its entries: these three (590.00 + 59.00 + 0.00 = 649.00 paid; 59.00 refunded;
  // 531.00 + 59.00 + 0.00 = 590.00 net; 10 + 1 = 11 enrolled; dibao 7 + 1, tekun 2; 360102 5 + 1, 360111 4).
  totals: {
    orders: 3,
    paid: '649.00',
    refunded: '59.00',
    net: '590.00',
    enrolled: 11,
    refundedPeople: 1,
    byReliefGroup: { dibao: 8, tekun: 2 },
    byCounty: { '360102': 6, '360111': 4 },
  },
};

const csv = ledgerCsv(ledger);
const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];

describe('ledgerCsv', () => {
  test('starts with a UTF-8 byte order mark, then the header row; CRLF line ends', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.slice(1).split('\r\n')[0]).toBe(LEDGER_CSV_COLUMNS.join(','));
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  test('one row per entry then the TOTAL row, every column in place', () => {
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      orderId: 'ord-1',
      sponsorName: '江西"爱心", 基金会',
      sponsorKind: 'foundation',
      campaign: '2026 关爱低保',
      paidAt: '2026-01-05T08:00:00Z',
      amountPaid: '590.00',
      enrolled: '10',
      refundedPeople: '1',
      refundedAmount: '59.00',
      net: '531.00',
      byReliefGroup: 'dibao:7;tekun:2',
      byCounty: '360102:5;360111:4',
    });
    expect(rows[1]).toEqual({
      orderId: 'ord-2',
      sponsorName: '张三',
      sponsorKind: 'individual',
      campaign: '',
      paidAt: '2026-01-06T09:30:00Z',
      amountPaid: '59.00',
      enrolled: '1',
      refundedPeople: '0',
      refundedAmount: '0.00',
      net: '59.00',
      byReliefGroup: 'dibao:1',
      byCounty: '360102:1',
    });
    expect(rows[2]).toMatchObject({ orderId: 'ord-3', enrolled: '0', byReliefGroup: '', byCounty: '' });
  });

  test('a sponsor name with a comma and a quote is quoted, the quote doubled', () => {
    expect(csv).toContain('"江西""爱心"", 基金会"');
    expect(rows[0].sponsorName).toBe('江西"爱心", 基金会');
  });

  test('text that a spreadsheet would run as a formula is kept as text', () => {
    expect(rows[2]).toMatchObject({ sponsorName: '\'=HYPERLINK("http://x")', campaign: "'@all" });
  });

  test("the TOTAL row: the whole ledger's totals", () => {
    expect(rows[3]).toEqual({
      orderId: 'TOTAL',
      sponsorName: '',
      sponsorKind: '',
      campaign: '',
      paidAt: '',
      amountPaid: '649.00',
      enrolled: '11',
      refundedPeople: '1',
      refundedAmount: '59.00',
      net: '590.00',
      byReliefGroup: 'dibao:8;tekun:2',
      byCounty: '360102:6;360111:4',
    });
  });

  test('an empty ledger is a header and a zero TOTAL row', () => {
    const zero = { orders: 0, paid: '0.00', refunded: '0.00', net: '0.00', enrolled: 0, refundedPeople: 0, byReliefGroup: {}, byCounty: {} };
    const empty = parse(ledgerCsv({ planId: 'p', entries: [], totals: zero }), { bom: true, columns: true });
    expect(empty).toEqual([expect.objectContaining({ orderId: 'TOTAL', amountPaid: '0.00', enrolled: '0', refundedPeople: '0', byReliefGroup: '' })]);
  });

  test('a page before the last has its rows and no TOTAL row: the pages put together are the whole file', () => {
    const first = ledgerCsv({ ...ledger, entries: ledger.entries.slice(0, 2), after: 'next-page' });
    const last = ledgerCsv({ ...ledger, entries: ledger.entries.slice(2) });
    expect((parse(first, { bom: true, columns: true }) as Record<string, string>[]).map((r) => r.orderId)).toEqual(['ord-1', 'ord-2']);
    const header = `${LEDGER_CSV_COLUMNS.join(',')}\r\n`;
    expect(first + last.slice(1).slice(header.length)).toBe(csv);
  });
});

describe("the console's download of a ledger in pages", () => {
  test('the pages put together, headers but the first left out, are the whole file', () => {
    // The API's pages of one entry each: the first two name the next, the last carries the TOTAL row.
    const pages = ledger.entries.map((entry, i) => ledgerCsv({ ...ledger, entries: [entry], ...(i < 2 ? { after: `c${i}` } : {}) }));
    expect(pages[1].startsWith('\ufefforderId,')).toBe(true);
    expect(joinCsvPages(pages)).toBe(csv);
    expect(joinCsvPages([pages[0]])).toBe(pages[0]);
  });

  test('the next page is the one the link header names; none on the last', () => {
    expect(nextPage('</plans/p/ledger.csv?limit=1000&after=abc>; rel="next"')).toBe('/plans/p/ledger.csv?limit=1000&after=abc');
    expect(nextPage(null)).toBeUndefined();
    expect(nextPage('</plans/p/ledger.csv>; rel="prev"')).toBeUndefined();
  });
});
