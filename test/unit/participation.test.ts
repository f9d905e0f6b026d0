// Participation arithmetic on its own: district enrollments roll up to the
// plan's county (or city) codes; rates are rounded down to four decimals.
import { expect, test } from 'vitest';
import { participation, countersFor } from '../../functions/core/enrollment/participation.ts';
import { seedPlan } from '../support/fixtures.ts';

const jiangxi = seedPlan('jiangxi-2023');

test('the counters one enrollment moves', () => {
  expect(countersFor({ regionCode: '360102', tier: 'standard', premium: '120.00', channel: 'wechat' } as never)).toEqual([
    'total',
    'county#360102',
    'tier#standard',
    'premium#standard#120.00',
    'channel#wechat',
  ]);
});

test('a province-wide plan counts districts toward their prefecture city', () => {
  // 南昌 360100 takes 东湖区 360102 (2) and 西湖区 360103 (1); 九江 360400 takes 浔阳区 360403 (1).
  const counters = { total: 4, 'county#360102': 2, 'county#360103': 1, 'county#360403': 1, 'tier#standard': 4 };
  const p = participation(jiangxi, counters, { planId: jiangxi.id, counties: { '360100': 30, '360400': 7 }, source: 'test', updatedAt: 'now' });
  expect(p.counties.find((c) => c.code === '360100')).toMatchObject({ enrolled: 3, insured: 30, rate: '0.1000' });
  // 1 / 7 = 0.142857… → 0.1428 (rounded down: a rate never claims more than was reached).
  expect(p.counties.find((c) => c.code === '360400')).toMatchObject({ enrolled: 1, rate: '0.1428' });
  // 4 / 37 = 0.108108… → 0.1081; Jiangxi sets no county targets, so none is judged.
  expect(p).toMatchObject({ enrolled: 4, insured: 37, rate: '0.1081' });
  expect(p.counties[0].meetsFloor).toBeNull();
});

test('without population figures there are counts but no rates', () => {
  const p = participation(jiangxi, { total: 1, 'county#360102': 1 }, undefined);
  expect(p).toMatchObject({ enrolled: 1, insured: null, rate: null, populationSource: null });
});
