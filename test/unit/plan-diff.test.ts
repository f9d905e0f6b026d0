// `plan diff` says every change publishing would make, in the words of `plan show`:
// a changed list entry, a changed row of a group (a tier, a channel) with its
// label, one row added where one was inserted, and a plan never published all new.
import { describe, expect, test } from 'vitest';
import { defaultPlansDir, loadPlans, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import { diffPlans, renderDiff } from '../../functions/core/plan/diff.ts';
import { renderBenefitTable } from '../../functions/core/plan/table.ts';

const { plans } = loadPlans(defaultPlansDir());
const wuwei = (): LoadedPlan => structuredClone(plans.get('wuwei-2025') as LoadedPlan);
const diff = (change: (p: LoadedPlan) => void): string => {
  const after = wuwei();
  change(after);
  return renderDiff(diffPlans(wuwei(), after));
};

describe('plan diff', () => {
  test('no change says so', () => {
    expect(diff(() => {})).toBe('  (无变化 no change in the benefit table or lists)\n');
  });

  test('an entry whose name, class, ICD-10 or indications changed is shown changed, as publishing would change it', () => {
    const withEntries = (p: LoadedPlan) => {
      p.lists['heavy-ion-treatments'].entries = [
        { code: 'HI-POS', name: '重离子定位', class: 'A' },
        { code: 'HI-IRR', name: '重离子放射治疗' },
      ];
    };
    const before = wuwei();
    withEntries(before);
    const after = wuwei();
    withEntries(after);
    after.lists['heavy-ion-treatments'].entries[0].class = 'B';
    after.lists['heavy-ion-treatments'].entries[1].name = '重离子放射治疗 (照射)';
    after.lists['malignant-tumour'].entries[0].icd10 = ['C00-C96'];
    expect(renderDiff(diffPlans(before, after))).toBe(
      [
        '[名单 list heavy-ion-treatments]',
        '  ~ HI-POS 重离子定位 (A类) → HI-POS 重离子定位 (B类)',
        '  ~ HI-IRR 重离子放射治疗 → HI-IRR 重离子放射治疗 (照射)',
        '[名单 list malignant-tumour]',
        '  ~ malignant-tumour 恶性肿瘤 (ICD-10: C00-C97) → malignant-tumour 恶性肿瘤 (ICD-10: C00-C96)',
        '',
      ].join('\n'),
    );
  });

  test('what 统筹区内 means is shown, and its change', () => {
    expect(
      diff((p) => {
        p.region.inAreaMeans = 'plan-region';
      }),
    ).toBe(
      '[【保障方案】]\n  ~ 统筹区内: 指参保人本人的基本医保统筹区 [member-region] → 指本方案地区 (外地参保人在本地就医为统筹区内, 回参保地就医为异地) [plan-region]\n',
    );
  });

  test("a later tier's premium changed: one row changed, with the group's label", () => {
    expect(
      diff((p) => {
        p.tiers[1].premium = '109.00';
      }),
    ).toBe('[【保障方案】]\n  ~ 保费/档次: 升级版 99元/人/年: 责任(1)(2)(3) → 升级版 109元/人/年: 责任(1)(2)(3)\n');
  });

  test('a tier or a channel inserted before others: one row added, the others unchanged', () => {
    expect(
      diff((p) => {
        p.tiers.unshift({ id: 'child', name: '少儿版', premium: '39.00', benefits: ['inpatient-class-b-c'] });
      }),
    ).toBe('[【保障方案】]\n  + 保费/档次: 少儿版 39元/人/年: 责任(1)\n');
    expect(
      diff((p) => {
        p.payment.channels.splice(1, 0, { kind: 'bank-card' });
      }),
    ).toBe('[【缴费】]\n  + 缴费渠道: 银行卡\n');
  });

  test('against no version (a plan never published): every row and entry of the table is added, nothing removed or changed', () => {
    const plan = wuwei();
    plan.lists['heavy-ion-treatments'].entries = [{ code: 'HI-IRR', name: '重离子放射治疗' }];
    const text = renderDiff(diffPlans(undefined, plan));
    const table = renderBenefitTable(plan);
    const rows = table.split('\n').filter((l) => /^ {2}\S/.test(l)).length;
    const continued = table.split('\n').filter((l) => /^ {3,}\S/.test(l)).length;
    const entries = Object.values(plan.lists).reduce((n, l) => n + l.entries.length, 0);
    expect(text.match(/^ {2}\+ /gm)).toHaveLength(rows + continued + entries);
    expect(text).not.toMatch(/^ {2}[-~] /m);
    expect(text).toContain('  + 保障方案: 天马·医惠保 2025 [wuwei-2025]');
    expect(text).toContain('[名单 list heavy-ion-treatments]\n  + HI-IRR 重离子放射治疗');
  });
});
