// Public pages, no sign-in: the plans, a plan's benefit table and window, and
// its sponsorship ledger with search and the CSV download.
import { h, fill, table, money, download } from '../dom.ts';
import { L, label, WINDOW_STATES, WINDOW_ACTIONS, RELIEF_GROUPS, PAYER_KINDS } from '../i18n.ts';
import { api, seg, type Answer } from '../api.ts';
import { joinCsvPages, nextPage } from '../paged-csv.ts';
import { beijing } from '../format.ts';
import { facts, section } from '../ui.ts';
import type { PlanDetail, PlanSummary, WindowState, Ledger } from '../types.ts';

const place = (r: PlanSummary['region']) => [r.province, r.city].filter(Boolean).join(' ');

/** "2023-07-03 00:00 – 2023-09-01 00:00", or the words for an undated end. */
function span(opens: string | null, closes: string | null): string {
  if (opens === null && closes === null) return L('未定：由管理员开启和关闭', 'undated: an administrator opens and closes it');
  const undated = L('未定（由管理员开启）', 'undated (an administrator decides)');
  return `${beijing(opens) ?? undated} – ${beijing(closes) ?? undated}`;
}

export async function plansPage(main: HTMLElement): Promise<void> {
  document.title = L('惠民保方案 · 控制台', 'Plans · huiminbao console');
  const { body } = await api<{ plans: PlanSummary[] }>('GET', '/plans');
  fill(
    main,
    h('h1', {}, L('惠民保方案', 'Plans')),
    h(
      'p',
      { class: 'lede' },
      L(
        '城市定制型商业医疗保险：各地方案、保障责任、投保时间与捐赠公示。',
        "City-customised supplementary medical insurance: each city's plan, its benefits, its enrollment window and its sponsorship ledger.",
      ),
    ),
    h(
      'ul',
      { class: 'plans' },
      body.plans.map((p) =>
        h(
          'li',
          { class: 'card' },
          h('h2', {}, h('a', { href: `#/p/${seg(p.id)}` }, p.name)),
          facts([
            [L('方案编号', 'Plan id'), h('code', {}, p.id)],
            [L('地区', 'Region'), place(p.region)],
            [L('保费', 'Premium'), p.tiers.map((t) => `${t.name} ${t.premium} ${L('元', 'yuan')}`).join(L('；', '; '))],
            [L('投保时间', 'Enrollment'), span(p.window.opens, p.window.closes)],
            [L('版本', 'Version'), `v${p.latest.seq}`],
          ]),
          h('p', {}, h('a', { href: `#/p/${seg(p.id)}/ledger` }, L('捐赠公示', 'Sponsorship ledger'))),
        ),
      ),
    ),
  );
}

/** The window as the public sees it: state, dates and what was done to it (not who signed: that is the bureau's). */
export function windowFacts(w: WindowState): HTMLElement {
  return h(
    'div',
    {},
    facts([
      [L('状态', 'State'), h('strong', { class: `state ${w.state}` }, label(WINDOW_STATES, w.state))],
      [L('开始', 'Opens'), beijing(w.opensAt)],
      [L('截止', 'Closes'), beijing(w.closesAt) ?? L('未定', 'undated')],
      ...(w.participationRate ? [[L('关闭时参保率', 'Participation rate at close'), w.participationRate] as [string, string]] : []),
    ]),
    w.events.length > 0
      ? table(
          L('投保期记录', 'Window history'),
          [L('时间', 'When'), L('操作', 'Action'), L('操作人', 'By'), L('原因', 'Reason')],
          w.events.map((e) => [beijing(e.at), label(WINDOW_ACTIONS, e.action), e.actor, e.reason ?? '']),
        )
      : h('p', { class: 'muted' }, L('尚无操作记录。', 'Nothing recorded yet.')),
  );
}

export async function planPage(main: HTMLElement, { planId }: Record<string, string>): Promise<void> {
  const { body: plan } = await api<PlanDetail>('GET', `/plans/${seg(planId)}`);
  document.title = `${plan.name} · ${L('保障方案', 'Benefits')}`;
  fill(
    main,
    h('h1', {}, plan.name),
    h(
      'p',
      { class: 'lede' },
      `${place(plan.region)} · ${plan.productYear} · v${plan.version.seq}${plan.version.effectiveFrom ? ` (${L('自', 'from')} ${plan.version.effectiveFrom})` : ''}`,
    ),
    section(L('投保期', 'Enrollment window'), windowFacts(plan.window)),
    section(
      L('档次与保费', 'Tiers and premiums'),
      table(
        L('档次', 'Tiers'),
        [L('档次', 'Tier'), L('保费（元/人/年）', 'Premium (yuan a person a year)'), L('保障责任', 'Benefits')],
        plan.tiers.map((t) => [t.name, money(t.premium), t.benefits.join(', ')]),
      ),
    ),
    // The benefit table as `hmb plan show` prints it: one block per section, a label and its value a row, which reads
    // on a phone without scrolling sideways.
    h(
      'section',
      { class: 'card benefits', 'aria-labelledby': 'benefits-h' },
      h('h2', { id: 'benefits-h' }, L('保障责任表', 'Benefit table')),
      plan.table.map((s) =>
        h(
          'div',
          { class: 'benefit' },
          h('h3', {}, s.title),
          h(
            'dl',
            {},
            s.rows.map((r) => [h('dt', {}, r.label), h('dd', {}, r.value)]),
          ),
        ),
      ),
    ),
    section(
      L('版本', 'Versions'),
      table(
        L('已发布版本', 'Published versions'),
        [L('版本', 'Version'), L('生效日期', 'In force from'), L('发布时间', 'Published'), L('摘要', 'Digest')],
        plan.versions.map((v) => [
          `v${v.seq}`,
          v.effectiveFrom ?? L('方案年度起', 'start of the plan year'),
          beijing(v.publishedAt),
          h('code', {}, v.hash.slice(0, 12)),
        ]),
      ),
    ),
  );
}

/** Every page of the ledger (the API answers a page at a time, with `after` for the next, and the whole ledger's totals). */
async function wholeLedger(planId: string): Promise<Ledger> {
  const path = `/plans/${seg(planId)}/ledger`;
  let page = (await api<Ledger>('GET', `${path}?limit=1000`)).body;
  const entries = [...page.entries];
  while (page.after) {
    page = (await api<Ledger>('GET', `${path}?limit=1000&after=${encodeURIComponent(page.after)}`)).body;
    entries.push(...page.entries);
  }
  return { ...page, entries, after: undefined };
}

/** The ledger as the API's CSV, every page of it (a page holds at most 1,000 orders). */
async function wholeLedgerCsv(planId: string): Promise<string> {
  const pages: string[] = [];
  let path: string | undefined = `/plans/${seg(planId)}/ledger.csv?limit=1000`;
  while (path) {
    const answer: Answer<string> = await api<string>('GET', path);
    pages.push(answer.body);
    path = nextPage(answer.headers.get('link'));
  }
  // fetch reads text without the byte order mark, which Excel needs to read the Chinese names: it goes back on.
  const whole = joinCsvPages(pages);
  return whole.startsWith('\ufeff') ? whole : `\ufeff${whole}`;
}

export async function ledgerPage(main: HTMLElement, { planId }: Record<string, string>): Promise<void> {
  const [{ body: plan }, ledger] = await Promise.all([api<PlanDetail>('GET', `/plans/${seg(planId)}`), wholeLedger(planId)]);
  document.title = `${plan.name} · ${L('捐赠公示', 'Sponsorship ledger')}`;
  const county = new Map(plan.region.counties.map((c) => [c.code, c.name]));
  const counts = (m: Record<string, number>, name: (k: string) => string) =>
    Object.entries(m)
      .map(([k, n]) => `${name(k)} ${n}`)
      .join(L('、', ', '));
  const search = h('input', { type: 'search', name: 'q', placeholder: L('捐助方、订单号或活动', 'sponsor, order or campaign') });
  const results = h('div', { 'aria-live': 'polite' });
  const campaigns = new Map(plan.sponsorship.campaigns.map((c) => [c.id, c.name]));
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = ledger.entries.filter(
      (e) =>
        !q || [e.orderId, e.sponsor.name, e.sponsor.campaign ?? '', campaigns.get(e.sponsor.campaign ?? '') ?? ''].some((s) => s.toLowerCase().includes(q)),
    );
    fill(
      results,
      h('p', { class: 'muted' }, L(`共 ${ledger.entries.length} 笔，显示 ${shown.length} 笔`, `${shown.length} of ${ledger.entries.length} orders shown`)),
      table(
        L('捐购明细', 'Sponsored purchases'),
        [
          L('捐助方', 'Sponsor'),
          L('类别', 'Kind'),
          L('活动', 'Campaign'),
          L('付款时间', 'Paid'),
          L('金额（元）', 'Paid (yuan)'),
          L('参保人数', 'Enrolled'),
          L('退款', 'Refunded'),
          L('净额（元）', 'Net (yuan)'),
          L('救助类别', 'Relief groups'),
          L('区县', 'Counties'),
          L('订单号', 'Order'),
        ],
        shown.map((e) => [
          e.sponsor.name,
          label(PAYER_KINDS, e.sponsor.kind),
          campaigns.get(e.sponsor.campaign ?? '') ?? e.sponsor.campaign ?? '',
          beijing(e.paidAt),
          money(e.amountPaid),
          e.enrolled,
          `${e.refunded.people} ${L('人', 'people')} / ${e.refunded.amount}`,
          money(e.net),
          counts(e.byReliefGroup, (k) => label(RELIEF_GROUPS, k)),
          counts(e.byCounty, (k) => county.get(k) ?? k),
          h('code', {}, e.orderId),
        ]),
        { class: 'ledger' },
      ),
    );
  };
  search.addEventListener('input', draw);
  fill(
    main,
    h('h1', {}, `${plan.name} · ${L('捐赠公示', 'Sponsorship ledger')}`),
    h(
      'p',
      { class: 'lede' },
      L(
        '每一笔已完成的捐购：捐助方、金额、按救助类别和区县的参保人数、退款。不公示受益人。',
        'Every fulfilled sponsored purchase: sponsor, amount, people covered by relief group and county, refunds. No beneficiary is named.',
      ),
    ),
    section(
      L('合计', 'Totals'),
      facts([
        [L('已付', 'Paid'), money(ledger.totals.paid)],
        [L('已退', 'Refunded'), money(ledger.totals.refunded)],
        [L('净额', 'Net'), money(ledger.totals.net)],
        [L('参保人数', 'Enrolled'), String(ledger.totals.enrolled)],
      ]),
      h(
        'p',
        {},
        h(
          'button',
          { type: 'button', onClick: async () => download(`${planId}-ledger.csv`, await wholeLedgerCsv(planId), 'text/csv;charset=utf-8') },
          L('下载 CSV', 'Download CSV'),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, L('明细', 'Orders')),
      h('div', { class: 'field' }, h('label', { for: 'ledger-q' }, L('搜索', 'Search')), Object.assign(search, { id: 'ledger-q' })),
      results,
    ),
  );
  draw();
}
