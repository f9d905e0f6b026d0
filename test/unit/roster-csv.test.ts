// The roster CSV format: the header, every column's mapping to RosterRow, bad
// cells reported by field name, and the files read as streams (BOM, CRLF,
// quoted cells, empty lines, line numbers) — CSV and JSON lines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROSTER_COLUMNS, RosterFileError, csvRecordToRow, rosterHeader } from '../../functions/core/eligibility/roster-csv.ts';
import { readRosterCsv, readRosterFile, readRosterJsonl, rosterFileFormat } from '../../functions/core/eligibility/roster-file.ts';
import { importRoster, type SourceRow } from '../../functions/core/eligibility/roster-import.ts';
import { checkRow } from '../../functions/core/eligibility/roster.ts';
import { badChecksum, residentId } from '../support/roster.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hmb-roster-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const all = rosterHeader([...ROSTER_COLUMNS]);
const id = residentId('360102', 1);

/** Maps cells given by column name (the full header) and validates the row as the importer does. */
function mapped(cells: Partial<Record<(typeof ROSTER_COLUMNS)[number], string>>) {
  const { row, issues } = csvRecordToRow(
    all,
    ROSTER_COLUMNS.map((c) => cells[c] ?? ''),
  );
  const checked = checkRow(row);
  return { row, issues: [...issues, ...(checked.ok ? [] : checked.issues)], entry: checked.ok && issues.length === 0 ? checked.entry : undefined };
}

const base = { personId: id, name: '张三', scheme: 'resident', status: 'active', regionCode: '360102' } as const;

async function collect(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

describe('header', () => {
  test('columns in any order; optional columns may be left out', () => {
    const header = rosterHeader(['regionCode', ' name ', 'personId', 'status', 'scheme']);
    expect(header.get('personId')).toBe(2);
    expect(header.get('name')).toBe(1);
    expect(header.has('suspensions')).toBe(false);
    expect(header.width).toBe(5);
  });

  test('a missing required column is named', () => {
    expect(() => rosterHeader(['personId', 'scheme', 'status', 'regionCode'])).toThrow(RosterFileError);
    expect(() => rosterHeader(['personId', 'scheme', 'status', 'regionCode'])).toThrow(/missing required column "name"/);
  });

  test('unknown, duplicate and unnamed columns: every problem in one error', () => {
    let message = '';
    try {
      rosterHeader(['personId', 'name', 'name', 'scheme', 'status', 'regionCode', 'phone', '']);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('unknown column "phone"');
    expect(message).toContain('column "name" appears twice');
    expect(message).toContain('column 8 has no name');
    expect(message).toContain(`Columns: ${ROSTER_COLUMNS.join(', ')}`);
  });
});

describe('every column', () => {
  test('required columns only: defaults for the rest', () => {
    expect(mapped(base).entry).toEqual({
      personId: id,
      name: '张三',
      scheme: 'resident',
      status: 'active',
      regionCode: '360102',
      suspensions: [],
      reliefGroups: [],
      newCitizen: false,
      hongKongMacaoTaiwan: false,
    });
  });

  test('every optional column filled', () => {
    const { entry } = mapped({
      ...base,
      personId: ` ${id.slice(0, 17)}${id[17].toLowerCase()} `,
      scheme: 'employee',
      status: 'suspended',
      reliefGroups: 'dibao; disabled;',
      newCitizen: 'TRUE',
      hongKongMacaoTaiwan: 'false',
      accountBalance: '1234.50',
      suspensions: '2024-01-01..2024-03-31; 2024-06-01..',
    });
    expect(entry).toEqual({
      personId: id.toUpperCase(),
      name: '张三',
      scheme: 'employee',
      status: 'suspended',
      regionCode: '360102',
      reliefGroups: ['dibao', 'disabled'],
      newCitizen: true,
      hongKongMacaoTaiwan: false,
      accountBalance: '1234.50',
      suspensions: [{ from: '2024-01-01', to: '2024-03-31' }, { from: '2024-06-01' }],
    });
  });

  test('an empty cell is an absent value', () => {
    const { row } = mapped({ ...base, accountBalance: '  ', reliefGroups: '', suspensions: '' });
    expect(row).toEqual(base);
  });

  test.each([
    ['personId', { personId: badChecksum(id) }, 'personId', /check character/],
    ['personId (not 18 characters)', { personId: '12345' }, 'personId', /17 digits/],
    ['name (missing)', { name: '' }, 'name', /expected string/],
    ['scheme', { scheme: 'retired' }, 'scheme', /Invalid option/],
    ['status', { status: 'dead' }, 'status', /Invalid option/],
    ['regionCode', { regionCode: '3601' }, 'regionCode', /6-digit/],
    ['reliefGroups', { reliefGroups: 'dibao;rich' }, 'reliefGroups[1]', /Invalid option/],
    ['newCitizen', { newCitizen: 'yes' }, 'newCitizen', /true or false/],
    ['hongKongMacaoTaiwan', { hongKongMacaoTaiwan: '1' }, 'hongKongMacaoTaiwan', /true or false/],
    ['accountBalance', { accountBalance: '12.345' }, 'accountBalance', /two decimals/],
    ['suspensions (not a range)', { suspensions: '2024-01-01' }, 'suspensions', /from\.\.to/],
    ['suspensions (bad date)', { suspensions: '2024-01-01..2024-02-30' }, 'suspensions[0].to', /date/],
    ['suspensions (to before from)', { suspensions: '2024-03-01..2024-01-31' }, 'suspensions[0].to', /before from/],
    ['suspensions (overlapping)', { suspensions: '2024-01-01..2024-03-31;2024-03-01..' }, 'suspensions[1].from', /after the previous/],
    ['suspensions (open, not last)', { suspensions: '2024-01-01..;2024-03-01..2024-04-01' }, 'suspensions[0].to', /only the last/],
  ] as const)('a bad %s is reported with its field name', (_, cells, field, rule) => {
    const { issues, entry } = mapped({ ...base, ...cells });
    expect(entry).toBeUndefined();
    expect(issues).toEqual([{ field, rule: expect.stringMatching(rule) }]);
  });

  test('several bad cells: each reported', () => {
    const { issues } = mapped({ ...base, scheme: 'x', newCitizen: 'maybe', regionCode: '' });
    expect(issues.map((i) => i.field).sort()).toEqual(['newCitizen', 'regionCode', 'scheme']);
  });

  test('a record of the wrong width is reported', () => {
    const header = rosterHeader(['personId', 'name', 'scheme', 'status', 'regionCode']);
    expect(csvRecordToRow(header, [id, 'a', 'resident', 'active', '360102', 'extra']).issues).toEqual([
      { field: '(row)', rule: 'has 6 cells; the header has 5' },
    ]);
    expect(csvRecordToRow(header, [id, 'a', 'resident']).issues[0].rule).toBe('has 3 cells; the header has 5');
  });
});

describe('reading files', () => {
  test('BOM, CRLF, quoted cells with commas and quotes, empty lines: rows and their starting lines', async () => {
    const path = file(
      'crlf.csv',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(
          [
            'personId,name,scheme,status,regionCode,reliefGroups',
            `${residentId('360102', 1)},"Li, ""Junior""",resident,active,360102,`,
            '',
            `${residentId('360102', 2)},王五,employee,active,360102,"dibao;disabled"`,
            '',
            '',
            `${residentId('360102', 3)},赵六,resident,suspended,360102,`,
            '',
          ].join('\r\n'),
        ),
      ]),
    );
    const rows = await collect(readRosterCsv(path));
    expect(rows.map((r) => r.line)).toEqual([2, 4, 7]);
    expect(rows[0].row).toEqual({ personId: residentId('360102', 1), name: 'Li, "Junior"', scheme: 'resident', status: 'active', regionCode: '360102' });
    expect((rows[1].row as { reliefGroups: string[] }).reliefGroups).toEqual(['dibao', 'disabled']);
  });

  test('a quoted cell over two lines: the next row starts on the right line', async () => {
    const path = file(
      'multiline.csv',
      [
        'personId,name,scheme,status,regionCode',
        `${residentId('360102', 1)},"two\nlines",resident,active,360102`,
        `${residentId('360102', 2)},b,resident,active,360102`,
      ].join('\n'),
    );
    expect((await collect(readRosterCsv(path))).map((r) => r.line)).toEqual([2, 4]);
  });

  test('a bad header fails before any row; an empty file and a missing file fail with a clear message', async () => {
    await expect(collect(readRosterCsv(file('bad-header.csv', 'personId,name,scheme,status\n1,2,3,4\n')))).rejects.toThrow(
      /missing required column "regionCode"/,
    );
    await expect(collect(readRosterCsv(file('empty.csv', '')))).rejects.toThrow(/empty file/);
    await expect(collect(readRosterCsv(join(tmp, 'nope.csv')))).rejects.toThrow(/nope\.csv: ENOENT/);
  });

  test('a quote never closed stops the import with the line, instead of buffering the rest of the file', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${residentId('360102', i)},n,resident,active,360102`);
    rows.splice(2, 0, `${residentId('360102', 9999)},"unclosed,resident,active,360102`);
    const path = file('unclosed.csv', `personId,name,scheme,status,regionCode\n${rows.join('\n')}\n`);
    await expect(collect(readRosterCsv(path))).rejects.toThrow(RosterFileError);
  });

  test('JSON lines: one object a line; blank lines skipped; a line that is not JSON is a rejected row', async () => {
    const path = file(
      'roster.jsonl',
      [JSON.stringify({ ...base }), '', '{"personId": "oops"', JSON.stringify({ ...base, personId: residentId('360102', 2), scheme: 'retired' })].join('\n'),
    );
    const report = await importRoster(readRosterJsonl(path), async (entries) => ({ accepted: entries.length, rejected: [] }));
    expect(report).toEqual({
      rows: 3,
      accepted: 1,
      rejected: [
        { row: 2, line: 3, issues: [{ field: '(row)', rule: 'must be one JSON object on one line' }] },
        { row: 3, line: 4, personId: expect.stringMatching(/^360102\*{8}/), issues: [{ field: 'scheme', rule: expect.stringMatching(/Invalid option/) }] },
      ],
    });
  });

  test('the format comes from the extension', async () => {
    expect(rosterFileFormat('a/b.CSV')).toBe('csv');
    expect(rosterFileFormat('b.ndjson')).toBe('jsonl');
    expect(() => rosterFileFormat('b.xlsx')).toThrow(/\.csv or \.jsonl/);
    await expect(collect(readRosterFile(join(tmp, 'missing.jsonl')))).rejects.toThrow(/ENOENT/);
  });
});
