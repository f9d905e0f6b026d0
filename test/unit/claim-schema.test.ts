// Invalid settlements are rejected with errors that name the field and the rule.
import { describe, expect, test } from 'vitest';
import { ClaimSchema } from '../../functions/core/claim/schema.ts';
import { formatPath } from '../../functions/core/plan/loader.ts';
import { adjudicate, EngineInputError, emptyAccumulators } from '../../functions/core/engine/index.ts';
import { claim, context, seedPlan, settlement } from '../support/fixtures.ts';

const valid = {
  claimId: 'c-1',
  planId: 'jiangxi-2023',
  visit: {
    type: 'inpatient',
    admissionDate: '2023-07-01',
    dischargeDate: '2023-07-05',
    hospital: { code: 'H1', level: 3, public: true, regionCode: '360102' },
  },
  diagnoses: [{ icd10: 'K35.8' }],
  settlement: settlement({ basicFundPaid: '6000', inCatalogSelfPay: '3000', outOfCatalogSelfPay: '1000' }),
  items: [{ code: 'D1', category: 'drug', catalogClass: 'B', amount: '500.00', selfPay: '100.00' }],
};

type Mutation = (c: any) => void;

const cases: [string, Mutation, string, RegExp][] = [
  [
    'discharge before admission',
    (c) => {
      c.visit.dischargeDate = '2023-06-30';
    },
    'visit.dischargeDate',
    /before admissionDate/,
  ],
  [
    'impossible date',
    (c) => {
      c.visit.admissionDate = '2023-02-30';
    },
    'visit.admissionDate',
    /date/,
  ],
  [
    'inpatient without discharge',
    (c) => {
      delete c.visit.dischargeDate;
    },
    'visit.dischargeDate',
    /required for an inpatient/,
  ],
  [
    'negative amount',
    (c) => {
      c.settlement.inCatalogSelfPay = '-3000';
    },
    'settlement.inCatalogSelfPay',
    /non-negative/,
  ],
  [
    'three decimals',
    (c) => {
      c.settlement.classBCopay = '0.001';
    },
    'settlement.classBCopay',
    /two decimals/,
  ],
  [
    'amount as number',
    (c) => {
      c.settlement.total = 10000;
    },
    'settlement.total',
    /decimal string/,
  ],
  [
    'amount not a number (refused, not thrown)',
    (c) => {
      c.settlement.basicFundPaid = 'abc';
    },
    'settlement.basicFundPaid',
    /non-negative yuan amount/,
  ],
  [
    'parts exceed total',
    (c) => {
      c.settlement.total = '9000.00';
    },
    'settlement.total',
    /sum of the fund payments/,
  ],
  [
    'self-pay above item amount',
    (c) => {
      c.items[0].selfPay = '600.00';
    },
    'items[0].selfPay',
    /exceed the item amount/,
  ],
  [
    'items exceed total',
    (c) => {
      c.items[0].amount = '20000.00';
    },
    'items',
    /exceed settlement.total/,
  ],
  [
    'unknown visit type',
    (c) => {
      c.visit.type = 'dental';
    },
    'visit.type',
    /Invalid option/,
  ],
  [
    'bad ICD-10',
    (c) => {
      c.diagnoses[0].icd10 = 'appendicitis';
    },
    'diagnoses[0].icd10',
    /ICD-10/,
  ],
  [
    'no diagnosis',
    (c) => {
      c.diagnoses = [];
    },
    'diagnoses',
    /at least one diagnosis/,
  ],
  [
    'bad region code',
    (c) => {
      c.visit.hospital.regionCode = '36';
    },
    'visit.hospital.regionCode',
    /6-digit/,
  ],
  [
    'hospital level 4',
    (c) => {
      c.visit.hospital.level = 4;
    },
    'visit.hospital.level',
    /</,
  ],
  [
    'unknown field',
    (c) => {
      c.settlement.tip = '1.00';
    },
    'settlement',
    /Unrecognized key/,
  ],
  [
    'compensation above burden',
    (c) => {
      c.settlement.otherCompensation = [{ source: 'commercial', amount: '5000.00' }];
    },
    'settlement.otherCompensation',
    /exceeds/,
  ],
  [
    'bad claim id',
    (c) => {
      c.claimId = ' spaces ';
    },
    'claimId',
    /letters, digits/,
  ],
];

describe('claim schema', () => {
  test('the valid settlement parses', () => {
    expect(ClaimSchema.safeParse(valid).success).toBe(true);
  });

  test.each(cases)('%s → %s', (_name, mutate, path, message) => {
    const c = structuredClone(valid);
    mutate(c);
    const result = ClaimSchema.safeParse(c);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    expect(issues).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
  });
});

describe('engine inputs that do not belong together', () => {
  const plan = seedPlan('jiangxi-2023');
  const ctx = context({ tier: 'standard', coverStart: '2023-06-01', coverEnd: '2024-05-31', regionCode: '360102' });

  test('a claim for another plan is refused by field', () => {
    const other = claim(seedPlan('wenshan-2023'), '532601', { admitted: '2023-10-01', settlement: { inCatalogSelfPay: '1' } });
    expect(() => adjudicate(plan, ctx, emptyAccumulators(), other)).toThrow(EngineInputError);
    expect(() => adjudicate(plan, ctx, emptyAccumulators(), other)).toThrow(/^planId: /);
  });

  test('an unknown tier is refused by field', () => {
    const c = claim(plan, '360102', { admitted: '2023-07-01', settlement: { inCatalogSelfPay: '1' } });
    expect(() => adjudicate(plan, { ...ctx, tier: 'gold' }, emptyAccumulators(), c)).toThrow(/^tier: plan "jiangxi-2023" has no tier "gold"/);
  });
});
