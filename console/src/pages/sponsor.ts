// The sponsor's pages: a new order (the quote: who is covered, who is not and
// why, the amount), its approvals where the plan has them, payment, the
// fulfilment's progress and the receipt, and each beneficiary's outcome.
import { h, fill, field, select, table, money } from '../dom.ts';
import { L, label, APPROVAL_STEPS, CONTRIBUTIONS, ORDER_STATUS, PAYER_KINDS, RELIEF_GROUPS, ROLES } from '../i18n.ts';
import { countLabel, outcome, tierName } from '../outcomes.ts';
import { api, seg } from '../api.ts';
import { actor, role } from '../session.ts';
import { beijing } from '../format.ts';
import { every, facts, onSubmit, section, requestId } from '../ui.ts';
import type { Beneficiary, Order, PlanDetail } from '../types.ts';

/** The orders placed from this browser, newest first: the API looks an order up by its id (there is no list). */
function remembered(planId: string, add?: string): string[] {
  const key = `hmb.orders.${planId}`;
  let ids: string[] = [];
  try {
    ids = JSON.parse(localStorage.getItem(key) ?? '[]');
  } catch {
    /* none */
  }
  if (add && !ids.includes(add)) {
    ids = [add, ...ids].slice(0, 50);
    try {
      localStorage.setItem(key, JSON.stringify(ids));
    } catch {
      /* kept for this page */
    }
  }
  return ids;
}

const orderHref = (planId: string, orderId: string) => `#/p/${seg(planId)}/orders/${seg(orderId)}`;

/** Who takes each approval step (as the API checks on AWS: functions/core/charity/order-payment.ts). */
const TAKERS: Record<string, readonly string[]> = {
  'civil-affairs-submits': ['sponsor', 'bureau'],
  'lead-insurer-confirms': ['insurer'],
  'finance-pays': ['bureau'],
};
const takes = (step: string) => TAKERS[step]?.includes(role()) ?? true;

export async function ordersPage(main: HTMLElement, { planId }: Record<string, string>): Promise<void> {
  const { body: plan } = await api<PlanDetail>('GET', `/plans/${seg(planId)}`);
  document.title = `${plan.name} · ${L('捐购订单', 'Orders')}`;
  const sp = plan.sponsorship;
  const out = h('div');
  if (sp.payerKinds.length === 0) {
    fill(main, h('h1', {}, `${plan.name} · ${L('捐购订单', 'Orders')}`), h('p', {}, L('此方案不接受捐购。', 'This plan takes no sponsored purchases.')));
    return;
  }
  const name = h('input', { name: 'sponsorName', required: true, maxlength: 100 });
  const kind = select(
    'kind',
    sp.payerKinds.map((k) => [k, label(PAYER_KINDS, k)]),
  );
  const creditCode = h('input', { name: 'creditCode', maxlength: 18, autocomplete: 'off', pattern: '[0-9A-HJ-NPQRTUWXY]{18}' });
  const campaign = select(
    'campaign',
    sp.campaigns.map((c) => [
      c.id,
      `${c.name} (${c.payerKinds.map((k) => label(PAYER_KINDS, k)).join(L('、', ', '))} → ${c.targetGroups.map((g) => label(RELIEF_GROUPS, g)).join(L('、', ', '))})`,
    ]),
  );
  const tier = select(
    'tier',
    plan.tiers.map((t) => [t.id, `${t.name} ${t.premium} ${L('元', 'yuan')}`]),
  );
  const contribution = select(
    'contribution',
    sp.contributions.map((c) => [c, label(CONTRIBUTIONS, c)]),
  );
  const amountEach = h('input', { name: 'amountEach', inputmode: 'decimal', pattern: '\\d+(\\.\\d{1,2})?' });
  const ids = h('textarea', { name: 'beneficiaries', rows: 6, required: true, spellcheck: false, class: 'code' });
  const who = h('input', { name: 'actor', required: true, value: actor() });
  const form = h(
    'form',
    {},
    h(
      'div',
      { class: 'grid' },
      field(L('捐助方名称', 'Sponsor'), name),
      field(L('类别', 'Kind'), kind),
      field(L('统一社会信用代码', 'Unified social credit code'), creditCode, L('组织必填（个人不填）', 'Organisations only (not individuals)')),
      sp.campaigns.length > 0 ? field(L('捐赠活动', 'Campaign'), campaign) : null,
      field(L('档次', 'Tier'), tier),
      field(L('资助方式', 'Contribution'), contribution),
      sp.contributions.includes('fixed-amount') ? field(L('每人定额（元）', 'Fixed amount each (yuan)'), amountEach) : null,
      field(L('经办人', 'Placed by'), who),
    ),
    field(
      L('受益人身份证号（每行一个）', "Beneficiaries' resident IDs (one a line)"),
      ids,
      L(
        '逐行核对：无效号码、重复、不符合条件或已参保的行不计费。',
        'Each line is checked on its own: an invalid number, a repeat, someone not eligible or already insured is not charged.',
      ),
    ),
    h('button', { type: 'submit' }, L('获取报价', 'Get the quote')),
  );
  // A retry of the same form (a lost answer) must not place a second order: the id changes only when the form does.
  let pending = requestId();
  form.addEventListener('input', () => {
    pending = requestId();
  });
  onSubmit(form, out, async () => {
    const lines = ids.value
      .split(/[\s,，;；]+/)
      .map((l) => l.trim())
      .filter(Boolean);
    const body = {
      requestId: pending,
      sponsor: {
        name: name.value.trim(),
        kind: kind.value,
        ...(creditCode.value.trim() ? { creditCode: creditCode.value.trim().toUpperCase() } : {}),
        ...(sp.campaigns.length > 0 ? { campaign: campaign.value } : {}),
      },
      actor: who.value,
      tier: tier.value,
      contribution: contribution.value,
      ...(contribution.value === 'fixed-amount' ? { amountEach: amountEach.value.trim() } : {}),
      beneficiaries: lines,
    };
    const { body: order } = await api<Order>('POST', `/plans/${seg(planId)}/orders`, body);
    remembered(planId, order.orderId);
    location.hash = orderHref(planId, order.orderId);
    return h('p', {}, order.orderId);
  });
  // Only a sponsor places orders; the bureau and the insurers open one by its id (to take their approval steps).
  const lookup = h('input', { name: 'orderId', required: true });
  const find = h('form', { class: 'inline' }, field(L('订单号', 'Order id'), lookup), h('button', { type: 'submit' }, L('查看', 'Open')));
  find.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = orderHref(planId, lookup.value.trim());
  });
  const mine = remembered(planId);
  fill(
    main,
    h('h1', {}, `${plan.name} · ${L('捐购订单', 'Sponsored orders')}`),
    section(
      L('我的订单（本浏览器）', 'My orders (this browser)'),
      mine.length === 0
        ? h('p', { class: 'muted' }, L('尚无订单。', 'None yet.'))
        : h(
            'ul',
            {},
            mine.map((id) => h('li', {}, h('a', { href: orderHref(planId, id) }, id))),
          ),
      find,
    ),
    role() === 'sponsor' ? section(L('新订单', 'New order'), form, out) : null,
  );
}

function quoteFacts(o: Order): HTMLElement | null {
  if (!o.quote) return null;
  return h(
    'div',
    {},
    h('h3', {}, L('报价', 'Quote')),
    facts([
      [L('名单行数', 'Lines'), String(o.quote.beneficiaries)],
      [L('可参保', 'Covered'), h('strong', { 'data-figure': 'covered' }, String(o.quote.covered))],
      [L('不计费', 'Not covered'), String(o.quote.notCovered)],
      [L('每人（元）', 'Each (yuan)'), money(o.amountEach)],
      [L('应付金额（元）', 'Amount due (yuan)'), h('strong', { 'data-figure': 'amount' }, o.quote.amount)],
    ]),
    Object.keys(o.quote.byReason).length > 0
      ? table(
          L('不计费原因', 'Not covered, by reason'),
          [L('原因', 'Reason'), L('行数', 'Lines')],
          Object.entries(o.quote.byReason).map(([k, n]) => [outcome(k), n]),
        )
      : null,
  );
}

function receipt(o: Order, counties: Map<string, string>): HTMLElement | null {
  const r = o.result;
  if (!r) return null;
  return h(
    'div',
    { class: 'receipt' },
    h('h3', {}, L('回执', 'Receipt')),
    facts([
      [L('已参保', 'Enrolled'), h('strong', { 'data-figure': 'enrolled' }, String(r.enrolled))],
      [L('退款', 'Refunded'), [`${r.refunded.people} ${L('人', 'people')}, `, money(r.refunded.amount), ` ${L('元', 'yuan')}`]],
      [L('完成时间', 'Finished'), beijing(r.finishedAt)],
    ]),
    table(
      L('按救助类别', 'By relief group'),
      [L('类别', 'Group'), L('人数', 'People')],
      Object.entries(r.byReliefGroup).map(([k, n]) => [label(RELIEF_GROUPS, k), n]),
    ),
    table(
      L('按区县', 'By county'),
      [L('区县', 'County'), L('人数', 'People')],
      Object.entries(r.byCounty).map(([k, n]) => [counties.get(k) ?? k, n]),
    ),
    Object.keys(r.refunded.byReason).length > 0
      ? table(
          L('退款原因', 'Refunds by reason'),
          [L('原因', 'Reason'), L('人数', 'People')],
          Object.entries(r.refunded.byReason).map(([k, n]) => [outcome(k), n]),
        )
      : null,
  );
}

export async function orderPage(main: HTMLElement, { planId, orderId }: Record<string, string>): Promise<() => void> {
  const { body: plan } = await api<PlanDetail>('GET', `/plans/${seg(planId)}`);
  document.title = `${plan.name} · ${L('订单', 'Order')} ${orderId}`;
  const counties = new Map(plan.region.counties.map((c) => [c.code, c.name]));
  const path = `/plans/${seg(planId)}/orders/${seg(orderId)}`;
  const state = h('div', { 'aria-live': 'polite' });
  const steps = h('div');
  const lines = h('div');
  const out = h('div', { 'aria-live': 'polite' });
  let last: Order | undefined;
  // A payment id kept for the order: paying twice (a retry) is the same payment.
  const paymentId = `pay-${orderId.slice(-12)}-${requestId().slice(0, 8)}`;

  const drawSteps = (o: Order) => {
    const next = plan.sponsorship.approvals.filter((s) => s !== 'finance-pays').find((s) => !o.approvals.some((a) => a.step === s));
    const forms: HTMLElement[] = [];
    if (o.status === 'quoted' && next && !takes(next)) {
      forms.push(
        h(
          'p',
          { class: 'muted' },
          L(
            `下一步：${label(APPROVAL_STEPS, next)}（由${TAKERS[next].map((r) => label(ROLES, r)).join('或')}办理）`,
            `Next: ${label(APPROVAL_STEPS, next)} (taken by ${TAKERS[next].map((r) => label(ROLES, r)).join(' or ')})`,
          ),
        ),
      );
    }
    if (o.status === 'quoted' && next && takes(next)) {
      const who = h('input', { name: 'actor', required: true, value: actor() });
      const approve = h(
        'form',
        { class: 'inline' },
        field(L('经办人', 'Actor'), who),
        h('button', { type: 'submit' }, `${L('记录', 'Record')}: ${label(APPROVAL_STEPS, next)}`),
      );
      onSubmit(approve, out, async () => {
        await api('POST', `${path}/approvals`, { step: next, actor: who.value });
        await refresh();
        return h('p', { class: 'ok' }, L('已记录。', 'Recorded.'));
      });
      forms.push(approve);
    }
    // Where finance pays (an approval step), the bureau pays; otherwise the sponsor (or the bureau for it).
    const payer = plan.sponsorship.approvals.includes('finance-pays') ? takes('finance-pays') : role() === 'sponsor' || role() === 'bureau';
    if (o.status === 'quoted' && !next && o.quote && o.quote.covered > 0 && !payer) {
      forms.push(h('p', { class: 'muted' }, L('待付款。', 'Awaiting payment.')));
    }
    if (o.status === 'quoted' && !next && o.quote && o.quote.covered > 0 && payer) {
      const who = h('input', { name: 'actor', required: true, value: actor() });
      const pay = h(
        'form',
        { class: 'inline' },
        field(L('付款人', 'Paid by'), who),
        h('button', { type: 'submit' }, [L('支付 ', 'Pay '), o.quote.amount, L(' 元', ' yuan')]),
      );
      onSubmit(pay, out, async () => {
        await api('POST', `${path}/payment`, { paymentId, amount: o.quote!.amount, actor: who.value });
        await refresh();
        return h('p', { class: 'ok' }, L('已付款：正在为受益人投保。', 'Paid: the beneficiaries are being enrolled.'));
      });
      forms.push(pay);
    }
    // Settling is for after the window closed (before, the API answers PAYMENTS_STILL_DUE).
    if (o.status === 'fulfilled' && !o.settlement && plan.window.state === 'closed' && (role() === 'sponsor' || role() === 'bureau')) {
      const settle = h('form', { class: 'inline' }, h('button', { type: 'submit' }, L('投保期结束后结算', 'Settle after the window closed')));
      onSubmit(settle, out, async () => {
        await api('POST', `${path}/settlement`, { actor: actor() });
        await refresh();
        return h('p', { class: 'ok' }, L('结算已排队。', 'Settlement queued.'));
      });
      forms.push(settle);
    }
    fill(
      steps,
      plan.sponsorship.approvals.length > 0
        ? table(
            L('审批步骤', 'Approval steps'),
            [L('步骤', 'Step'), L('经办人', 'By'), L('时间', 'When')],
            plan.sponsorship.approvals.map((s) => {
              const done = o.approvals.find((a) => a.step === s);
              return [label(APPROVAL_STEPS, s), done?.actor ?? '—', done ? beijing(done.at) : L('待办', 'to do')];
            }),
            { class: 'approvals' },
          )
        : null,
      forms,
    );
  };

  async function refresh(): Promise<void> {
    const { body: o } = await api<Order>('GET', path);
    remembered(planId, o.orderId);
    const changed = JSON.stringify(o) !== JSON.stringify(last);
    // A message about the last step ("paid: enrolling…") is stale once the order moves on.
    if (last && last.status !== o.status) fill(out);
    last = o;
    if (!changed) return;
    fill(
      state,
      facts([
        [L('状态', 'Status'), h('strong', { 'data-status': o.status }, label(ORDER_STATUS, o.status))],
        [L('捐助方', 'Sponsor'), `${o.sponsor.name} (${label(PAYER_KINDS, o.sponsor.kind)})`],
        [L('档次', 'Tier'), `${tierName(plan, o.tier)} ${o.premium}`],
        [L('资助方式', 'Contribution'), label(CONTRIBUTIONS, o.contribution)],
        [L('下单时间', 'Placed'), beijing(o.createdAt)],
        ...(o.payment
          ? [
              [L('付款', 'Payment'), [money(o.payment.amount), ` ${L('元', 'yuan')} · ${beijing(o.payment.at)}`]] as [
                string,
                HTMLElement[] | (string | HTMLElement)[],
              ],
            ]
          : []),
      ]),
      o.progress && o.status !== 'fulfilled'
        ? h(
            'div',
            { class: 'progress' },
            h(
              'p',
              {},
              L('进度：', 'Progress: '),
              Object.entries(o.progress.counts)
                .map(([k, n]) => `${countLabel(k, (code) => counties.get(code))} ${n}`)
                .join(', ') || '…',
            ),
          )
        : null,
      quoteFacts(o),
      receipt(o, counties),
    );
    drawSteps(o);
    if (o.status === 'fulfilled' || o.status === 'quoted') {
      const { body } = await api<{ beneficiaries: Beneficiary[]; after?: string }>('GET', `${path}/beneficiaries`);
      fill(
        lines,
        table(
          L('受益人（身份证号已遮盖；前 100 行）', 'Beneficiaries (IDs masked; the first 100)'),
          [L('行', 'Row'), L('身份证号', 'ID'), L('报价', 'Quote'), L('结果', 'Outcome')],
          body.beneficiaries.map((b) => [
            b.row,
            b.personId,
            b.covered ? L('可参保', 'covered') : outcome(b.reason ?? ''),
            b.outcome ? (b.outcome.enrolled ? L('已参保', 'enrolled') : outcome(b.outcome.refundReason ?? '')) : '—',
          ]),
        ),
      );
    }
  }

  fill(
    main,
    h('h1', {}, `${L('订单', 'Order')} ${orderId}`),
    h('p', { class: 'lede' }, plan.name),
    section(L('订单', 'The order'), state),
    section(L('审批与付款', 'Approvals and payment'), steps, out),
    h('section', { class: 'card' }, h('h2', {}, L('受益人', 'Beneficiaries')), lines),
    h('p', {}, h('a', { href: `#/p/${seg(planId)}/ledger` }, L('查看捐赠公示', 'See the public ledger'))),
  );
  // Quoting and fulfilment run in the background: the page follows them.
  return every(2000, refresh, state);
}
