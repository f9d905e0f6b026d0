// The bureau's pages: participation by county against the targets (chart and
// table, refreshing), the window with open, close and extend and its history,
// roster imports with progress and the rejected rows, renewal runs, and the
// loss ratio against the plan's floor.
import { h, fill, field, table, money, s } from '../dom.ts';
import { L, label, WINDOW_ACTIONS } from '../i18n.ts';
import { countLabel, outcome, tierName } from '../outcomes.ts';
import { api, ApiError, seg } from '../api.ts';
import { actor, role } from '../session.ts';
import { beijing, countyCounts, percent } from '../format.ts';
import { every, facts, onSubmit, problem, section, updatedAt } from '../ui.ts';
import { participationChart } from '../chart.ts';
import { maskedPersonIdOf } from '../../../functions/core/identity/mask.ts';
import { windowFacts } from './public.ts';
import type { Job, LossRatio, Participation, PlanDetail, RejectedRow, WindowState } from '../types.ts';

/** Seconds between refreshes: the page's `?refresh=` or the default. */
const seconds = (query: URLSearchParams, fallback: number) => {
  const n = Number(query.get('refresh'));
  return (Number.isFinite(n) && n >= 1 ? n : fallback) * 1000;
};

const plan = async (planId: string) => (await api<PlanDetail>('GET', `/plans/${seg(planId)}`)).body;
const yesNo = (v: boolean | null) => (v === null ? '—' : v ? L('是', 'yes') : L('否', 'no'));

export async function participationPage(main: HTMLElement, { planId }: Record<string, string>, query: URLSearchParams): Promise<() => void> {
  const detail = await plan(planId);
  document.title = `${detail.name} · ${L('参保进度', 'Participation')}`;
  const summary = h('div', { 'aria-live': 'polite' });
  const chart = h('div', { class: 'chart-wrap' });
  const rows = h('div');
  const out = h('div');
  const source = h('input', { name: 'source', required: true, placeholder: L('如：市医保局2024年参保人数', "e.g. the bureau's 2024 insured figures") });
  const counts = h('textarea', {
    name: 'counties',
    rows: 4,
    required: true,
    placeholder: detail.region.counties
      .slice(0, 2)
      .map((c) => `${c.code},100000`)
      .join('\n'),
  });
  const population = h(
    'form',
    { class: 'inline' },
    field(L('数据来源', 'Source'), source),
    field(L('各区县基本医保参保人数（每行：区县代码,人数）', 'Basic-insured people per county (a line each: code,count)'), counts),
    h('button', { type: 'submit' }, L('保存人数', 'Save the figures')),
  );
  onSubmit(population, out, async () => {
    const read = countyCounts(counts.value);
    if (!read.ok) {
      return h(
        'p',
        { class: 'problem', role: 'alert' },
        L(`第 ${read.line} 行不是“区县代码,人数”：${read.text}`, `Line ${read.line} is not "county code,count": ${read.text}`),
      );
    }
    await api('PUT', `/plans/${seg(planId)}/participation/population`, { source: source.value, counties: read.counties });
    return h('p', { class: 'ok' }, L('已保存，参保率按新人数计算。', 'Saved: rates now divide by these figures.'));
  });
  fill(
    main,
    h('h1', {}, `${detail.name} · ${L('参保进度', 'Participation')}`),
    section(L('全市', 'City-wide'), summary),
    section(L('各区县', 'By county'), chart, rows),
    // The population is the city's figures: the bureau gives them.
    role() === 'bureau'
      ? h('details', { class: 'card' }, h('summary', {}, L('参保人数（计算参保率的分母）', 'Insured population (what rates divide by)')), population, out)
      : null,
  );
  return every(
    seconds(query, 10),
    async () => {
      const { body: p } = await api<Participation>('GET', `/plans/${seg(planId)}/participation`);
      fill(
        summary,
        facts([
          [L('已参保（已缴费）', 'Enrolled (paid)'), h('strong', { 'data-figure': 'enrolled' }, String(p.enrolled))],
          [L('基本医保参保人数', 'Basic-insured'), p.insured === null ? L('未提供', 'not given') : String(p.insured)],
          [L('参保率', 'Participation rate'), p.rate === null ? '—' : `${percent(p.rate)} (${p.rate})`],
          [
            L('区县目标', 'County targets'),
            [
              p.targets.countyFloor ? `${L('不低于', 'at least')} ${percent(p.targets.countyFloor)}` : '',
              p.targets.countyAim ? `${L('力争', 'aim')} ${percent(p.targets.countyAim)}` : '',
            ]
              .filter(Boolean)
              .join(L('，', ', ')) || L('方案未设', 'none set'),
          ],
          [
            L('按档次', 'By tier'),
            Object.entries(p.byTier)
              .map(([k, n]) => `${tierName(detail, k)} ${n}`)
              .join(', '),
          ],
          [
            L('按渠道', 'By channel'),
            Object.entries(p.byChannel)
              .map(([k, n]) => `${k} ${n}`)
              .join(', '),
          ],
        ]),
        updatedAt(),
      );
      fill(
        chart,
        participationChart(p),
        p.counties.some((c) => c.meetsFloor !== null)
          ? h(
              'p',
              { class: 'legend muted' },
              h('span', { class: 'key aim' }),
              L('达到目标', 'meets the aim'),
              h('span', { class: 'key floor' }),
              L('达到底线', 'meets the floor'),
              h('span', { class: 'key below' }),
              L('低于底线', 'below the floor'),
            )
          : null,
      );
      fill(
        rows,
        table(
          L('各区县参保情况', 'Participation by county'),
          [
            L('区县', 'County'),
            L('代码', 'Code'),
            L('已参保', 'Enrolled'),
            L('基本医保人数', 'Insured'),
            L('参保率', 'Rate'),
            L('达到底线', 'Meets floor'),
            L('达到目标', 'Meets aim'),
          ],
          p.counties.map((c) => [
            c.name,
            c.code,
            h('span', { 'data-county': c.code }, String(c.enrolled)),
            c.insured ?? '—',
            c.rate === null ? '—' : percent(c.rate),
            yesNo(c.meetsFloor),
            yesNo(c.meetsAim),
          ]),
        ),
      );
    },
    summary,
  );
}

/** An <input type=datetime-local> value (Beijing time) as the instant the API takes. */
const instant = (local: string) => `${local.length === 16 ? `${local}:00` : local}+08:00`;

export async function windowPage(main: HTMLElement, { planId }: Record<string, string>): Promise<void> {
  const detail = await plan(planId);
  document.title = `${detail.name} · ${L('投保期', 'Window')}`;
  const state = h('div', { 'aria-live': 'polite' });
  const out = h('div');
  const path = `/plans/${seg(planId)}/window`;
  const draw = (w: WindowState) =>
    fill(
      state,
      windowFacts(w),
      // The bureau's audit: who signed each change (on AWS; locally nobody signs).
      w.events.some((e) => e.signedBy)
        ? table(
            L('签名', 'Signed by'),
            [L('时间', 'When'), L('操作', 'Action'), L('签名', 'Signed by')],
            w.events.map((e) => [beijing(e.at), label(WINDOW_ACTIONS, e.action), e.signedBy ?? '—']),
          )
        : null,
    );
  const load = async () => draw((await api<WindowState>('GET', `${path}/history`)).body);

  const who = () => h('input', { name: 'actor', required: true, value: actor() });
  const why = () => h('input', { name: 'reason', maxlength: 500 });
  const openActor = who();
  const openReason = why();
  const open = h(
    'form',
    {},
    field(L('操作人', 'Actor'), openActor),
    field(L('原因', 'Reason'), openReason),
    h('button', { type: 'submit' }, L('立即开启', 'Open now')),
  );
  onSubmit(open, out, async () => {
    draw((await api<WindowState>('POST', `${path}/open`, { actor: openActor.value, ...(openReason.value ? { reason: openReason.value } : {}) })).body);
    return h('p', { class: 'ok' }, L('投保期已开启。', 'The window is open.'));
  });
  const extendActor = who();
  const extendReason = why();
  const until = h('input', { name: 'closesAt', type: 'datetime-local', required: true });
  const extend = h(
    'form',
    {},
    field(L('操作人', 'Actor'), extendActor),
    field(L('原因', 'Reason'), extendReason),
    field(L('新的截止时间（北京时间）', 'New closing time (Beijing)'), until),
    h('button', { type: 'submit' }, L('延长（或开启至此时间）', 'Extend (or open until then)')),
  );
  onSubmit(extend, out, async () => {
    draw(
      (
        await api<WindowState>('POST', `${path}/open`, {
          actor: extendActor.value,
          closesAt: instant(until.value),
          ...(extendReason.value ? { reason: extendReason.value } : {}),
        })
      ).body,
    );
    return h('p', { class: 'ok' }, L('截止时间已更新。', 'The closing time is set.'));
  });
  const closeActor = who();
  const closeReason = why();
  const rate = h('input', { name: 'participationRate', inputmode: 'decimal', pattern: '0(\\.\\d+)?|1(\\.0+)?' });
  const close = h(
    'form',
    {},
    field(L('操作人', 'Actor'), closeActor),
    field(L('原因', 'Reason'), closeReason),
    field(
      L('冻结的参保率（可选）', 'Participation rate to freeze (optional)'),
      rate,
      L('不填则按已提供的参保人数计算，如 0.31', 'Blank: counted against the population given; e.g. 0.31'),
    ),
    h('button', { type: 'submit', class: 'danger' }, L('立即关闭', 'Close now')),
  );
  onSubmit(close, out, async () => {
    draw(
      (
        await api<WindowState>('POST', `${path}/close`, {
          actor: closeActor.value,
          ...(closeReason.value ? { reason: closeReason.value } : {}),
          ...(rate.value ? { participationRate: rate.value } : {}),
        })
      ).body,
    );
    return h('p', { class: 'ok' }, L('投保期已关闭。', 'The window is closed.'));
  });
  fill(
    main,
    h('h1', {}, `${detail.name} · ${L('投保期', 'Enrollment window')}`),
    section(L('当前状态与记录', 'Now, and its history'), state),
    h('div', { class: 'grid' }, section(L('开启', 'Open'), open), section(L('延长', 'Extend'), extend), section(L('关闭', 'Close'), close)),
    out,
  );
  await load();
}

/** Rows of a roster file: JSON lines, or CSV read with the same column rules as `hmb roster import`. */
async function readRoster(file: File): Promise<{ rows: { line: number; row?: unknown; issues?: RejectedRow['issues']; personId?: string }[] }> {
  const text = await file.text();
  // Loaded only when a file is imported: the reading rules and the parser stay out of every other page's download.
  const { rosterHeader, csvRecordToRow, recordStartLines, NOT_A_JSON_LINE } = await import('../../../functions/core/eligibility/roster-csv.ts');
  if (/\.(jsonl|ndjson)$/i.test(file.name)) {
    return {
      rows: text
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)
        .map((l, i) => ({ l, line: i + 1 }))
        .filter(({ l }) => l.trim() !== '')
        .map(({ l, line }) => {
          try {
            return { line, row: JSON.parse(l) as unknown };
          } catch {
            return { line, issues: [{ field: '(row)', rule: NOT_A_JSON_LINE }] };
          }
        }),
    };
  }
  const { parse } = await import('csv-parse/browser/esm/sync');
  const records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false, info: true }) as unknown as {
    record: string[];
    info: { lines: number; empty_lines: number };
  }[];
  if (records.length === 0) throw new Error(L('文件是空的。', 'The file is empty.'));
  // Numbered as `hmb roster import` numbers them: the line a row starts on (a quoted cell may span lines).
  const startLine = recordStartLines();
  startLine(records[0].info);
  const header = rosterHeader(records[0].record);
  return {
    rows: records.slice(1).map(({ record, info }) => {
      const line = startLine(info);
      const { row, issues } = csvRecordToRow(header, record);
      return issues.length > 0 ? { line, issues, personId: maskedPersonIdOf(row) } : { line, row };
    }),
  };
}

/** The route's batch limit (ROSTER_BATCH_MAX), as `hmb roster import` sends. */
const BATCH = 500;

export async function rosterPage(main: HTMLElement, { planId }: Record<string, string>): Promise<void> {
  const detail = await plan(planId);
  document.title = `${detail.name} · ${L('名单导入', 'Roster import')}`;
  const file = h('input', { name: 'file', type: 'file', accept: '.csv,.jsonl,text/csv', required: true });
  const progress = h('progress', { max: 1, value: 0, hidden: true });
  const status = h('p', { 'aria-live': 'polite', class: 'status' });
  const report = h('div');
  const form = h(
    'form',
    {},
    field(
      L('名单文件（CSV 或 JSON lines）', 'Roster file (CSV or JSON lines)'),
      file,
      L(
        '列：personId, name, scheme, status, regionCode（必填），reliefGroups, newCitizen, hongKongMacaoTaiwan, accountBalance, suspensions',
        'Columns: personId, name, scheme, status, regionCode (required), reliefGroups, newCitizen, hongKongMacaoTaiwan, accountBalance, suspensions',
      ),
    ),
    h('button', { type: 'submit' }, L('导入', 'Import')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    const button = form.querySelector('button')!;
    button.disabled = true;
    fill(report);
    try {
      const { rows } = await readRoster(chosen);
      const rejected: RejectedRow[] = [];
      const valid: { index: number; line: number; row: unknown }[] = [];
      rows.forEach((r, i) =>
        r.issues
          ? rejected.push({ row: i + 1, line: r.line, ...(r.personId ? { personId: r.personId } : {}), issues: r.issues })
          : valid.push({ index: i + 1, line: r.line, row: r.row }),
      );
      let accepted = 0;
      progress.hidden = false;
      progress.max = Math.max(valid.length, 1);
      for (let start = 0; start < valid.length; start += BATCH) {
        const batch = valid.slice(start, start + BATCH);
        const { body } = await api<{ accepted: number; rejected: RejectedRow[] }>('POST', `/plans/${seg(planId)}/roster`, { people: batch.map((b) => b.row) });
        accepted += body.accepted;
        // The route numbers rows within the batch: back to the file's numbering.
        for (const r of body.rejected) rejected.push({ ...r, row: batch[r.row - 1].index, line: batch[r.row - 1].line });
        progress.value = Math.min(start + BATCH, valid.length);
        status.textContent = L(
          `已发送 ${progress.value} / ${valid.length} 行：接受 ${accepted}，拒绝 ${rejected.length}`,
          `Sent ${progress.value} of ${valid.length} rows: ${accepted} accepted, ${rejected.length} rejected`,
        );
      }
      rejected.sort((a, b) => a.row - b.row);
      status.textContent = L(
        `完成：共 ${rows.length} 行，接受 ${accepted}，拒绝 ${rejected.length}`,
        `Done: ${rows.length} rows, ${accepted} accepted, ${rejected.length} rejected`,
      );
      if (rejected.length > 0) {
        fill(
          report,
          table(
            L('被拒绝的行（身份证号已遮盖）', 'Rejected rows (ID numbers masked)'),
            [L('行', 'Row'), L('文件行号', 'Line'), L('身份证号', 'ID'), L('问题', 'Issues')],
            rejected.map((r) => [
              r.row,
              r.line ?? '—',
              r.personId ?? '—',
              h(
                'ul',
                {},
                r.issues.map((i) => h('li', {}, h('code', {}, i.field), `: ${i.rule}`)),
              ),
            ]),
            { class: 'rejected' },
          ),
        );
      }
    } catch (error) {
      fill(report, problem(error));
      status.textContent = '';
    } finally {
      button.disabled = false;
    }
  });
  fill(
    main,
    h('h1', {}, `${detail.name} · ${L('名单导入', 'Roster import')}`),
    h(
      'p',
      { class: 'lede' },
      L(
        '基本医保参保名单：每 500 行一批发送，坏行逐行报告，其余照常导入。',
        'The basic-insurance roster, sent in batches of 500 rows: a bad row is reported on its own, the rest are imported.',
      ),
    ),
    section(L('导入文件', 'Import a file'), form, progress, status),
    report,
  );
}

export async function renewalsPage(main: HTMLElement, { planId }: Record<string, string>, query: URLSearchParams): Promise<() => void> {
  const detail = await plan(planId);
  document.title = `${detail.name} · ${L('续保', 'Renewals')}`;
  const state = h('div', { 'aria-live': 'polite' });
  const out = h('div');
  const start = h('form', {}, h('button', { type: 'submit' }, L('开始（或继续）续保', 'Start (or resume) the renewal run')));
  const path = `/plans/${seg(planId)}/renewals`;
  const draw = (job: Job | undefined, why?: string) =>
    fill(
      state,
      job
        ? [
            facts([
              [
                L('状态', 'Status'),
                h(
                  'strong',
                  { 'data-status': job.status },
                  job.status === 'done' ? L('已完成', 'done') : job.status === 'running' ? L('进行中', 'running') : L('排队中', 'queued'),
                ),
              ],
              [L('开始', 'Started'), beijing(job.startedAt)],
              [L('更新', 'Updated'), beijing(job.updatedAt)],
              [L('完成', 'Finished'), beijing(job.finishedAt)],
            ]),
            table(
              L('结果统计', 'Counts by outcome'),
              [L('结果', 'Outcome'), L('人数', 'People')],
              Object.entries(job.counts).map(([k, n]) => [h('span', { title: k }, countLabel(k)), n]),
            ),
            job.notes.length > 0
              ? table(
                  L('未续保的人（身份证号已遮盖）', 'Not renewed (IDs masked)'),
                  [L('身份证号', 'ID'), L('原因', 'Reason')],
                  job.notes.map((n) => [n.personId, outcome(n.code)]),
                )
              : null,
          ]
        : h('p', { class: 'muted' }, why ?? L('尚未开始续保。', 'No renewal run has started.')),
    );
  onSubmit(start, out, async () => {
    const { body } = await api<Job>('POST', path);
    draw(body);
    return h('p', { class: 'ok' }, L('续保已排队，在后台运行。', 'Queued: the run goes on in the background.'));
  });
  fill(
    main,
    h('h1', {}, `${detail.name} · ${L('自动续保', 'Auto-renewal')}`),
    h(
      'p',
      { class: 'lede' },
      L(
        '上一年度同意自动续保且已缴费的参保人，投保期开启时自动排队续保。',
        "Last year's paid members who consented are renewed by a run queued when the window opens.",
      ),
    ),
    section(L('续保进度', 'The run'), state, start, out),
  );
  return every(
    seconds(query, 5),
    async () => {
      try {
        draw((await api<Job>('GET', path)).body);
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 422)) draw(undefined, `${error.body.error}: ${error.body.message ?? ''}`);
        else throw error;
      }
    },
    state,
  );
}

/** The payout ratios this browser has read this session, oldest first (the API answers the ratio now). */
function samples(planId: string, ratio: string | null): { at: string; ratio: string }[] {
  const key = `hmb.lossRatio.${planId}`;
  let list: { at: string; ratio: string }[] = [];
  try {
    list = JSON.parse(sessionStorage.getItem(key) ?? '[]');
  } catch {
    /* start again */
  }
  if (ratio !== null && list.at(-1)?.ratio !== ratio) list.push({ at: new Date().toISOString(), ratio });
  list = list.slice(-200);
  try {
    sessionStorage.setItem(key, JSON.stringify(list));
  } catch {
    /* kept for this page */
  }
  return list;
}

function ratioLine(list: { at: string; ratio: string }[], floor: string | null): SVGElement {
  const W = 640;
  const H = 160;
  const values = list.map((p) => Number(p.ratio));
  const top = Math.max(...values, floor ? Number(floor) : 0, 0.01) * 1.15;
  const x = (i: number) => 40 + (list.length <= 1 ? 0 : (i / (list.length - 1)) * (W - 60));
  const y = (v: number) => H - 20 - (v / top) * (H - 40);
  return s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': L('本次会话中读到的赔付率（明细见下表）', 'Payout ratios read this session (the table lists them)'),
      'data-chart': 'loss-ratio',
    },
    floor
      ? s(
          'g',
          { class: 'target floor' },
          s('line', { x1: 40, x2: W - 20, y1: y(Number(floor)), y2: y(Number(floor)) }),
          s('text', { x: W - 20, y: y(Number(floor)) - 4, 'text-anchor': 'end' }, `${L('下限', 'floor')} ${percent(floor)}`),
        )
      : null,
    s('polyline', { class: 'series', points: values.map((v, i) => `${x(i)},${y(v)}`).join(' ') }),
    values.map((v, i) => s('circle', { class: 'point', cx: x(i), cy: y(v), r: 3 })),
  );
}

export async function lossRatioPage(main: HTMLElement, { planId }: Record<string, string>, query: URLSearchParams): Promise<() => void> {
  const detail = await plan(planId);
  document.title = `${detail.name} · ${L('赔付率', 'Loss ratio')}`;
  const now = h('div', { 'aria-live': 'polite' });
  const history = h('div');
  fill(
    main,
    h('h1', {}, `${detail.name} · ${L('赔付率', 'Loss ratio')}`),
    h(
      'p',
      { class: 'lede' },
      L(
        '已缴费保单的保费与理赔赔付的比值；方案设有给付率下限时与之比较。',
        "What claims paid over the premiums of the paid policies, against the plan's floor where it sets one.",
      ),
    ),
    section(L('当前', 'Now'), now),
    section(L('变化（本浏览器本次会话中的读数）', 'Over time (as read in this browser session)'), history),
  );
  return every(
    seconds(query, 30),
    async () => {
      const { body: r } = await api<LossRatio>('GET', `/plans/${seg(planId)}/loss-ratio`);
      const floor = r.payoutRatioFloor;
      fill(
        now,
        facts([
          [
            L('赔付率', 'Payout ratio'),
            r.payoutRatio === null
              ? L('尚无保费', 'no premiums yet')
              : h('strong', { 'data-figure': 'payout-ratio' }, `${percent(r.payoutRatio)} (${r.payoutRatio})`),
          ],
          [
            L('下限', 'Floor'),
            floor ? `${percent(floor.floor)} — ${floor.met === null ? '—' : floor.met ? L('达到', 'met') : L('未达到', 'not met')}` : L('方案未设', 'none set'),
          ],
          [L('已缴费保单', 'Paid policies'), String(r.premiums.policies)],
          [L('保费（元）', 'Premiums (yuan)'), money(r.premiums.amount)],
          [L('理赔笔数', 'Claims'), String(r.claims.adjudicated)],
          [L('已赔付（元）', 'Paid (yuan)'), money(r.claims.paid)],
        ]),
        table(
          L('按档次', 'By tier'),
          [L('档次', 'Tier'), L('保费', 'Premium'), L('保单', 'Policies'), L('金额（元）', 'Amount (yuan)')],
          r.premiums.byTier.map((t) => [tierName(detail, t.tierId), money(t.premium), t.policies, money(t.amount)]),
        ),
        table(
          L('按共保公司', 'By consortium insurer'),
          [L('保险公司', 'Insurer'), L('份额', 'Share'), L('已赔付（元）', 'Paid (yuan)')],
          r.claims.byInsurer.map((i) => [i.insurerId, percent(i.share), money(i.paid)]),
        ),
        updatedAt(),
      );
      const list = samples(planId, r.payoutRatio);
      fill(
        history,
        list.length === 0
          ? h('p', { class: 'muted' }, L('尚无读数。', 'Nothing read yet.'))
          : [
              ratioLine(list, floor?.floor ?? null),
              table(
                L('读数', 'Readings'),
                [L('时间', 'When'), L('赔付率', 'Payout ratio')],
                list.map((p) => [beijing(p.at), `${percent(p.ratio)} (${p.ratio})`]),
              ),
            ],
      );
    },
    now,
  );
}
