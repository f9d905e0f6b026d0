// The insurer's pages: claims by claim id or member, each with its explanation
// of benefits as the API renders it (Chinese with English), reversals and
// corrections with the differences they made, and the daily statements.
import { h, fill, field, table, money, download } from '../dom.ts';
import { L, label, CLAIM_STATUS, STATEMENT_KINDS } from '../i18n.ts';
import { VISIT_TYPES } from '../outcomes.ts';
import { api, seg } from '../api.ts';
import { role } from '../session.ts';
import { beijing, beijingDay, toCsv } from '../format.ts';
import { facts, onSubmit, problem, section, requestId } from '../ui.ts';
import type { PlanDetail, Revision, Statement, StoredClaimView } from '../types.ts';

const claimPath = (planId: string, claimId: string) => `/plans/${seg(planId)}/claims/${seg(claimId)}`;

function differences(r: Revision): HTMLElement {
  return table(
    L('重新理算的理赔及差额（元）', 'Claims re-adjudicated and their differences (yuan)'),
    [L('理赔号', 'Claim'), L('之前', 'Before'), L('之后', 'After'), L('差额', 'Difference')],
    r.differences.map((d) => [h('code', {}, d.claimId), money(d.before), money(d.after), money(d.difference)]),
    { class: 'differences' },
  );
}

/** One claim: its figures, its explanation as the API rendered it, and the reversal and correction (answered in `out`). */
function claimView(planId: string, c: StoredClaimView, reload: () => void, out: HTMLElement): HTMLElement {
  const reverse = h('form', {}, h('button', { type: 'submit', class: 'danger', disabled: c.status === 'reversed' }, L('撤销此理赔', 'Reverse this claim')));
  onSubmit(reverse, out, async () => {
    const { body, replayed } = await api<Revision>('POST', `${claimPath(planId, c.claim.claimId)}/reversal`);
    reload();
    return [
      h(
        'p',
        { class: 'ok' },
        replayed
          ? L('此前已撤销（结果同第一次）。', 'Reversed before (the first answer).')
          : L('已撤销，该成员本年度已重新理算：', "Reversed: the member's year was replayed:"),
      ),
      differences(body),
    ];
  });
  const settlement = h('textarea', { name: 'correction', rows: 14, spellcheck: false, class: 'code' });
  settlement.value = JSON.stringify({ ...c.claim, memberId: c.memberId, correctionId: `cor-${requestId().slice(0, 12)}` }, null, 2);
  const correct = h(
    'form',
    {},
    field(
      L('更正后的结算单（JSON，同提交理赔的格式，另加 correctionId）', 'The corrected settlement (JSON as a claim is submitted, plus a correctionId)'),
      settlement,
    ),
    h('button', { type: 'submit', disabled: c.status === 'reversed' }, L('提交结算更正', 'Send the correction')),
  );
  onSubmit(correct, out, async () => {
    let body: unknown;
    try {
      body = JSON.parse(settlement.value);
    } catch {
      throw new Error(L('不是有效的 JSON。', 'That is not valid JSON.'));
    }
    const { body: r, replayed } = await api<Revision>('POST', `${claimPath(planId, c.claim.claimId)}/correction`, body);
    reload();
    return [
      h(
        'p',
        { class: 'ok' },
        replayed
          ? L('此更正此前已提交（结果同第一次）。', 'Sent before (the first answer).')
          : L('已更正，该成员本年度已重新理算：', "Corrected: the member's year was replayed:"),
      ),
      differences(r),
    ];
  });
  return h(
    'article',
    { class: 'card claim', 'data-claim': c.claim.claimId },
    h('h2', {}, `${L('理赔', 'Claim')} ${c.claim.claimId}`),
    facts([
      [L('状态', 'Status'), label(CLAIM_STATUS, c.status)],
      [L('成员', 'Member'), c.memberId.replace(/^(.{6}).*(.{4})$/, '$1********$2')],
      [
        L('就诊', 'Visit'),
        `${label(VISIT_TYPES, c.claim.visit.type)} ${c.claim.visit.admissionDate}${c.claim.visit.dischargeDate ? ` – ${c.claim.visit.dischargeDate}` : ''}`,
      ],
      [L('赔付合计（元）', 'Total paid (yuan)'), h('strong', { 'data-figure': 'total' }, c.adjudication.total)],
      [L('共保分摊', 'Consortium split'), c.adjudication.split.map((p) => `${p.insurerId} ${p.amount}`).join(', ')],
      ...(c.correctedAt ? [[L('更正于', 'Corrected'), beijing(c.correctedAt)] as [string, string]] : []),
    ]),
    h('h3', {}, L('赔付说明', 'Explanation of benefits')),
    h('pre', { class: 'explanation', tabindex: 0, 'aria-label': L('赔付说明', 'Explanation of benefits') }, c.explanation),
    // Reversals and corrections are the insurers' (the bureau reads claims only).
    role() === 'insurer' ? h('details', {}, h('summary', {}, L('撤销或更正', 'Reverse or correct')), reverse, correct) : null,
  );
}

export async function claimsPage(main: HTMLElement, { planId }: Record<string, string>, query: URLSearchParams): Promise<void> {
  const { body: plan } = await api<PlanDetail>('GET', `/plans/${seg(planId)}`);
  document.title = `${plan.name} · ${L('理赔查询', 'Claims')}`;
  const results = h('div', { 'aria-live': 'polite' });
  const claimId = h('input', { name: 'claimId', value: query.get('claim') ?? '' });
  const memberId = h('input', { name: 'memberId', value: query.get('member') ?? '', autocomplete: 'off', inputmode: 'text' });
  const byClaim = h('form', { class: 'inline' }, field(L('理赔号', 'Claim id'), claimId), h('button', { type: 'submit' }, L('查询理赔', 'Find the claim')));
  const byMember = h(
    'form',
    { class: 'inline' },
    field(L('成员身份证号', "Member's resident ID"), memberId),
    h('button', { type: 'submit' }, L('查询成员的理赔', "Find the member's claims")),
  );
  const showClaim = async (id: string): Promise<HTMLElement> => {
    const view = h('div');
    // What a reversal or correction answered stays below the claim, which is drawn again as it now stands.
    const out = h('div');
    const draw = async () =>
      fill(
        view,
        claimView(
          planId,
          (await api<StoredClaimView>('GET', claimPath(planId, id))).body,
          () => {
            void draw().catch((e) => fill(out, problem(e)));
          },
          out,
        ),
      );
    await draw();
    return h('div', {}, view, out);
  };
  onSubmit(byClaim, results, async () => {
    history.replaceState(null, '', `#/p/${seg(planId)}/claims?claim=${encodeURIComponent(claimId.value.trim())}`);
    return showClaim(claimId.value.trim());
  });
  onSubmit(byMember, results, async () => {
    const member = memberId.value.trim().toUpperCase();
    // The address names what is shown (a claim's link below then always changes it, and reloading shows the same).
    history.replaceState(null, '', `#/p/${seg(planId)}/claims?member=${encodeURIComponent(member)}`);
    const { body } = await api<{ claimIds: string[]; accumulators: { yearPaid: string } }>('GET', `/plans/${seg(planId)}/members/${seg(member)}/accumulators`);
    const claims = await Promise.all(body.claimIds.map(async (id) => (await api<StoredClaimView>('GET', claimPath(planId, id))).body));
    return [
      h(
        'p',
        {},
        L(`本年度 ${body.claimIds.length} 笔理赔，累计赔付 `, `${body.claimIds.length} claims this year, paid in all `),
        money(body.accumulators.yearPaid),
        L(' 元。', ' yuan.'),
      ),
      table(
        L('成员的理赔（按受理顺序）', "The member's claims, in the order accepted"),
        [L('理赔号', 'Claim'), L('入院', 'Admitted'), L('状态', 'Status'), L('赔付（元）', 'Paid (yuan)')],
        claims.map((c) => [
          h('a', { href: `#/p/${seg(planId)}/claims?claim=${encodeURIComponent(c.claim.claimId)}` }, c.claim.claimId),
          c.claim.visit.admissionDate,
          label(CLAIM_STATUS, c.status),
          money(c.adjudication.total),
        ]),
      ),
    ];
  });
  fill(
    main,
    h('h1', {}, `${plan.name} · ${L('理赔查询', 'Claims')}`),
    h('div', { class: 'grid' }, section(L('按理赔号', 'By claim'), byClaim), section(L('按成员', 'By member'), byMember)),
    results,
  );
  const initial = query.get('claim');
  if (initial) {
    try {
      fill(results, await showClaim(initial));
    } catch (error) {
      fill(results, problem(error));
    }
  } else if (query.get('member')) byMember.requestSubmit();
}

/** Every page of a day's statement (1,000 entries a page). */
async function wholeDay(planId: string, date: string): Promise<Statement> {
  let page = (await api<Statement>('GET', `/plans/${seg(planId)}/statements/${seg(date)}`)).body;
  const entries = [...page.entries];
  while (page.after) {
    page = (await api<Statement>('GET', `/plans/${seg(planId)}/statements/${seg(date)}?after=${encodeURIComponent(page.after)}`)).body;
    entries.push(...page.entries);
  }
  return { ...page, entries, after: undefined };
}

export async function statementsPage(main: HTMLElement, { planId }: Record<string, string>, query: URLSearchParams): Promise<void> {
  const { body: plan } = await api<PlanDetail>('GET', `/plans/${seg(planId)}`);
  document.title = `${plan.name} · ${L('日结单', 'Statements')}`;
  const date = h('input', { name: 'date', type: 'date', required: true, value: query.get('date') ?? beijingDay() });
  const out = h('div');
  const form = h(
    'form',
    { class: 'inline' },
    field(L('日期（北京时间）', 'Day (Beijing)'), date),
    h('button', { type: 'submit' }, L('查看日结单', 'Show the statement')),
  );
  onSubmit(form, out, async () => {
    const day = await wholeDay(planId, date.value);
    const insurers = day.totals.byInsurer.map((i) => i.insurerId);
    const csv = () =>
      toCsv([
        ['kind', 'claimId', 'at', 'paid', ...insurers],
        ...day.entries.map((e) => [e.kind, e.claimId, e.at, e.paid, ...insurers.map((id) => e.byInsurer.find((b) => b.insurerId === id)?.paid ?? '')]),
        ['TOTAL', '', '', day.totals.paid, ...day.totals.byInsurer.map((b) => b.paid)],
      ]);
    return [
      facts([
        [L('理算', 'Adjudicated'), String(day.totals.adjudicated)],
        [L('撤销', 'Reversed'), String(day.totals.reversed)],
        [L('更正', 'Corrected'), String(day.totals.corrected)],
        [L('当日赔付（元）', 'Paid this day (yuan)'), h('strong', { 'data-figure': 'statement-paid' }, day.totals.paid)],
        [L('按保险公司', 'By insurer'), day.totals.byInsurer.map((i) => `${i.insurerId} ${i.paid}`).join(', ')],
      ]),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', onClick: () => download(`${planId}-statement-${day.date}.csv`, csv(), 'text/csv;charset=utf-8') },
          L('下载 CSV', 'Download CSV'),
        ),
        h(
          'button',
          { type: 'button', onClick: () => download(`${planId}-statement-${day.date}.json`, JSON.stringify(day, null, 2), 'application/json') },
          L('下载 JSON', 'Download JSON'),
        ),
      ),
      table(
        L('当日明细（按发生顺序）', "The day's entries, in order"),
        [L('类型', 'Kind'), L('理赔号', 'Claim'), L('时间', 'When'), L('金额（元）', 'Amount (yuan)'), L('分摊', 'By insurer'), L('变动', 'Changes')],
        day.entries.map((e) => [
          label(STATEMENT_KINDS, e.kind),
          h('a', { href: `#/p/${seg(planId)}/claims?claim=${encodeURIComponent(e.claimId)}` }, e.claimId),
          beijing(e.at),
          money(e.paid),
          e.byInsurer.map((b) => `${b.insurerId} ${b.paid}`).join(', '),
          (e.changes ?? []).map((c) => `${c.claimId}: ${c.before} → ${c.after}`).join('; '),
        ]),
      ),
    ];
  });
  fill(
    main,
    h('h1', {}, `${plan.name} · ${L('日结单', 'Daily statements')}`),
    h(
      'p',
      { class: 'lede' },
      L(
        '当日每笔理算与撤销及各共保公司的分摊，供对账。过去的日结单不会再变。',
        "Each claim adjudicated and each reversal of the day with every insurer's part, to reconcile against. A past day never changes.",
      ),
    ),
    section(L('选择日期', 'Pick a day'), form),
    out,
  );
  form.requestSubmit();
}
