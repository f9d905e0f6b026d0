// A year of real claims for `hmb simulate --claims`: settlements as the claim
// schema (functions/core/claim/schema.ts) takes them, each with the member's
// context, in the order they were accepted. JSON lines (one object a line, the
// context under `member`) or CSV (one claim a row; lists in cells, see
// docs/simulation.md). Read as a stream, one row at a time; a bad row stops the
// run naming its line, field and rule (a simulation that skipped rows would
// quietly under-report).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import { pipeline } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import { z } from 'zod';
import { ClaimFields, PolicyContextSchema, claimRules, uniqueDeterminations } from '../claim/schema.ts';
import { formatPath, type LoadedPlan } from '../plan/loader.ts';
import { residentIdProblem } from '../identity/resident-id.ts';
import type { AgeBand } from './parameters.ts';
import type { PopulationGroup, SimMember } from './population.ts';
import { ClaimsFileError, type ClaimRow } from './simulate.ts';
import { shownMemberId } from './compare.ts';

/** The member's context beside a claim: the policy context, with defaults from the plan, and the member's age. */
export const ClaimMember = z
  .strictObject({
    // The policy context's fields and rule, with the fields a plan can default made optional.
    ...PolicyContextSchema.shape,
    tier: PolicyContextSchema.shape.tier.optional(),
    coverStart: PolicyContextSchema.shape.coverStart.optional(),
    coverEnd: PolicyContextSchema.shape.coverEnd.optional(),
    regionCode: PolicyContextSchema.shape.regionCode.optional(),
    age: z.number().int().min(0).max(120).optional(),
  })
  .superRefine((p, ctx) => uniqueDeterminations(p.determinations, ctx, ['determinations']));

/** One line of a JSON-lines claims file: a settlement (its planId optional: each simulated plan stamps its own) and `member`. */
export const ClaimLine = ClaimFields.extend({
  planId: z.string().min(1).optional(),
  member: ClaimMember,
}).superRefine((line, ctx) => claimRules({ ...line, planId: line.planId ?? '' }, ctx));

/** What a row needs from the plans and parameters to become a member and a claim. */
export interface ClaimDefaults {
  plan: LoadedPlan;
  ageBands: readonly AgeBand[];
}

function bandOf(bands: readonly AgeBand[], age: number | undefined): string | undefined {
  return age === undefined ? undefined : bands.find((b) => b.from <= age && age <= b.to)?.name;
}

function populationOf(ctx: { reliefGroups: readonly string[]; preExistingConditions: readonly unknown[] }): PopulationGroup {
  return ctx.reliefGroups.length > 0 ? 'relief' : ctx.preExistingConditions.length > 0 ? 'pre-existing' : 'healthy';
}

/** Validates one row (already in the JSON-lines shape) into a member and a claim; problems name the line. */
export function claimRow(file: string, line: number, doc: unknown, defaults: ClaimDefaults, column?: (path: string) => string): ClaimRow {
  const parsed = ClaimLine.safeParse(doc);
  const fail = (problems: string[]) => new ClaimsFileError(problems.map((p) => `${file}: line ${line}: ${p}`).join('\n'));
  if (!parsed.success) {
    throw fail(
      parsed.error.issues.map((i) => {
        const path = formatPath(i.path) || '(row)';
        const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
        return `${column ? column(path) : path}: ${missing ? 'is required' : i.message}`;
      }),
    );
  }
  const { member: m, planId: _planId, ...claim } = parsed.data;
  // A member id shaped like a resident ID number is one: validated (GB 11643), and shown masked.
  if (/^\d{17}[\dXx]$/.test(m.memberId)) {
    const problem = residentIdProblem(m.memberId.toUpperCase());
    if (problem) throw fail([`${column ? column('member.memberId') : 'member.memberId'}: ${shownMemberId(m.memberId)} ${problem}`]);
  }
  const plan = defaults.plan;
  const cover = plan.enrollment.cover;
  if ((m.coverStart === undefined || m.coverEnd === undefined) && cover.kind !== 'fixed') {
    throw fail([`${column ? column('member.coverStart') : 'member.coverStart'}: is required (plan ${plan.id} has no fixed cover dates)`]);
  }
  const { age, ...context } = m;
  const ageBand = bandOf(defaults.ageBands, age);
  const member: SimMember = {
    context: {
      ...context,
      tier: m.tier ?? plan.tiers[0].id,
      coverStart: m.coverStart ?? (cover as { start: string }).start,
      coverEnd: m.coverEnd ?? (cover as { end: string }).end,
      regionCode: m.regionCode ?? plan.region.adminCode,
    },
    ...(age === undefined ? {} : { age }),
    ...(ageBand === undefined ? {} : { ageBand }),
    population: populationOf(m),
  };
  return { line, member, claim: { ...claim, planId: plan.id } };
}

export function claimsFileFormat(path: string): 'csv' | 'jsonl' {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new ClaimsFileError(`${path}: a claims file is .csv or .jsonl (JSON lines), not "${ext || 'no extension'}"`);
}

/** JSON lines: one claim object a line, blank lines skipped. */
export async function* readClaimsJsonl(path: string, defaults: ClaimDefaults): AsyncGenerator<ClaimRow> {
  const stream = createReadStream(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new ClaimsFileError(`${path}: line ${line}: must be one JSON object on one line`);
      }
      yield claimRow(path, line, doc, defaults);
    }
  } catch (error) {
    if (error instanceof ClaimsFileError) throw error;
    throw new ClaimsFileError(`${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    lines.close();
    stream.destroy();
  }
}

// ---------- CSV ----------

/** CSV columns and where each goes in the JSON-lines shape. */
const COLUMNS = {
  claimId: 'claimId',
  memberId: 'member.memberId',
  visitType: 'visit.type',
  admissionDate: 'visit.admissionDate',
  dischargeDate: 'visit.dischargeDate',
  hospitalCode: 'visit.hospital.code',
  hospitalLevel: 'visit.hospital.level',
  hospitalPublic: 'visit.hospital.public',
  hospitalRegion: 'visit.hospital.regionCode',
  hospitalDesignations: 'visit.hospital.designations',
  ward: 'visit.hospital.ward',
  referral: 'visit.referral',
  diagnoses: 'diagnoses',
  liabilities: 'liabilities',
  total: 'settlement.total',
  basicFundPaid: 'settlement.basicFundPaid',
  criticalIllnessPaid: 'settlement.criticalIllnessPaid',
  medicalAssistancePaid: 'settlement.medicalAssistancePaid',
  inCatalogSelfPay: 'settlement.inCatalogSelfPay',
  classBCopay: 'settlement.classBCopay',
  outOfCatalogSelfPay: 'settlement.outOfCatalogSelfPay',
  overLimitSelfPay: 'settlement.overLimitSelfPay',
  basicSettled: 'settlement.basicSettled',
  otherCompensation: 'settlement.otherCompensation',
  items: 'items',
  tier: 'member.tier',
  coverStart: 'member.coverStart',
  coverEnd: 'member.coverEnd',
  regionCode: 'member.regionCode',
  age: 'member.age',
  preExisting: 'member.preExistingConditions',
  reliefGroups: 'member.reliefGroups',
  insuredYears: 'member.history',
  benefitPaidYears: 'member.history',
  participationRate: 'member.participationRate',
} as const;
type Column = keyof typeof COLUMNS;
export const CLAIM_COLUMNS = Object.keys(COLUMNS) as Column[];
const REQUIRED: readonly Column[] = [
  'claimId',
  'memberId',
  'visitType',
  'admissionDate',
  'hospitalCode',
  'hospitalLevel',
  'hospitalPublic',
  'hospitalRegion',
  'diagnoses',
  'total',
  'basicFundPaid',
  'criticalIllnessPaid',
  'medicalAssistancePaid',
  'inCatalogSelfPay',
  'classBCopay',
  'outOfCatalogSelfPay',
  'overLimitSelfPay',
];

/** A schema path back to the CSV column it came from (the longest column path that starts it). */
function columnOf(path: string): string {
  const normal = path.replace(/\[\d+\]/g, '');
  let best: string | undefined;
  for (const [column, target] of Object.entries(COLUMNS)) {
    if ((normal === target || normal.startsWith(`${target}.`)) && (best === undefined || target.length > COLUMNS[best as Column].length)) best = column;
  }
  return best ?? path;
}

const list = (cell: string) =>
  cell
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function bool(cell: string, column: string): boolean {
  if (cell === 'true' || cell === 'false') return cell === 'true';
  throw new Error(`${column}: must be true or false`);
}

function whole(cell: string, column: string): number {
  if (!/^\d+$/.test(cell)) throw new Error(`${column}: must be a whole number`);
  return Number(cell);
}

function set(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = doc;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
}

/** One CSV record in the JSON-lines shape; a cell that cannot be read at all throws naming its column. */
function csvRecord(header: readonly (Column | undefined)[], cells: readonly string[]): Record<string, unknown> {
  const doc: Record<string, unknown> = { member: {}, visit: { hospital: {} }, settlement: {} };
  const years: { insured: number[]; paid: number[] } = { insured: [], paid: [] };
  header.forEach((column, i) => {
    const cell = (cells[i] ?? '').trim();
    if (column === undefined || cell === '') return;
    switch (column) {
      case 'hospitalLevel':
      case 'age':
        set(doc, COLUMNS[column], whole(cell, column));
        break;
      case 'hospitalPublic':
      case 'referral':
      case 'basicSettled':
        set(doc, COLUMNS[column], bool(cell, column));
        break;
      case 'hospitalDesignations':
      case 'liabilities':
      case 'reliefGroups':
        set(doc, COLUMNS[column], list(cell));
        break;
      case 'diagnoses':
        set(
          doc,
          'diagnoses',
          list(cell).map((d) => (d.endsWith('*') ? { icd10: d.slice(0, -1), firstDiagnosis: true } : { icd10: d })),
        );
        break;
      case 'preExisting':
        set(
          doc,
          COLUMNS[column],
          list(cell).map((icd10) => ({ icd10 })),
        );
        break;
      case 'otherCompensation':
        set(
          doc,
          COLUMNS[column],
          list(cell).map((entry) => {
            const [source, amount, flag] = entry.split(':');
            if (amount === undefined || (flag !== undefined && flag !== 'subtracted'))
              throw new Error('otherCompensation: must be entries source:amount[:subtracted] separated by ";"');
            return { source, amount, alreadySubtracted: flag === 'subtracted' };
          }),
        );
        break;
      case 'items':
        set(
          doc,
          'items',
          list(cell).map((entry) => {
            const [code, category, catalogClass, amount, selfPay, limitGroup] = entry.split(':');
            if (selfPay === undefined) throw new Error('items: must be entries code:category:catalogClass:amount:selfPay[:limitGroup] separated by ";"');
            return { code, category, catalogClass, amount, selfPay, ...(limitGroup ? { limitGroup } : {}) };
          }),
        );
        break;
      case 'insuredYears':
        years.insured = list(cell).map((y) => whole(y, column));
        break;
      case 'benefitPaidYears':
        years.paid = list(cell).map((y) => whole(y, column));
        break;
      default:
        set(doc, COLUMNS[column], cell);
    }
  });
  if (years.insured.length > 0 || years.paid.length > 0) {
    const all = [...new Set([...years.insured, ...years.paid])].sort();
    set(
      doc,
      'member.history',
      all.map((year) => ({ year, insured: years.insured.includes(year), benefitPaid: years.paid.includes(year) })),
    );
  }
  return doc;
}

function csvHeader(path: string, cells: readonly string[]): (Column | undefined)[] {
  const problems: string[] = [];
  const header = cells.map((raw, i) => {
    const name = raw.trim();
    if (!(name in COLUMNS)) {
      problems.push(name === '' ? `column ${i + 1} has no name` : `unknown column "${name}"`);
      return undefined;
    }
    return name as Column;
  });
  header.forEach((c, i) => {
    if (c !== undefined && header.indexOf(c) !== i) problems.push(`column "${c}" appears twice`);
  });
  for (const c of REQUIRED) if (!header.includes(c)) problems.push(`missing required column "${c}"`);
  if (problems.length > 0) throw new ClaimsFileError(`${path}: line 1 (header): ${problems.join('; ')}`);
  return header;
}

/** CSV: a header row naming the columns (any order), then one claim a row. */
export async function* readClaimsCsv(path: string, defaults: ClaimDefaults): AsyncGenerator<ClaimRow> {
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 1024 * 1024 });
  pipeline(createReadStream(path), parser, () => {});
  let header: (Column | undefined)[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (header === undefined) {
        header = csvHeader(path, record);
        continue;
      }
      let doc: Record<string, unknown>;
      try {
        doc = csvRecord(header, record);
      } catch (error) {
        throw new ClaimsFileError(`${path}: line ${info.lines}: ${(error as Error).message}`);
      }
      yield claimRow(path, info.lines, doc, defaults, columnOf);
    }
  } catch (error) {
    if (error instanceof ClaimsFileError) throw error;
    throw new ClaimsFileError(`${path}: ${(error as Error).message}`, { cause: error });
  }
  if (header === undefined) throw new ClaimsFileError(`${path}: empty file; the first line must be the header`);
}

/** The file's claims, read as its extension says. */
export function readClaimsFile(path: string, defaults: ClaimDefaults): AsyncGenerator<ClaimRow> {
  return claimsFileFormat(path) === 'csv' ? readClaimsCsv(path, defaults) : readClaimsJsonl(path, defaults);
}
