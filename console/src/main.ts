// The console: hash routes (so any static host serves it), a page per route,
// the pages of a signed-in role loaded only when opened. Public pages need no
// sign-in: the plans, each plan's benefit table and window, the ledger.
import { h, fill } from './dom.ts';
import { L, lang, setLang, label, ROLES } from './i18n.ts';
import { renderSession, role, signInPage, signsIn, startSession, type Role } from './session.ts';
import { planPage, plansPage, ledgerPage } from './pages/public.ts';

type Cleanup = () => void;
export type Page = (main: HTMLElement, params: Record<string, string>, query: URLSearchParams) => Promise<Cleanup | void> | Cleanup | void;

interface Route {
  path: string;
  /** Who the page is for; absent: everyone. */
  roles?: readonly Role[];
  /** Its entry in a plan's navigation. */
  nav?: [string, string];
  page: () => Promise<Page>;
}

const bureau = () => import('./pages/bureau.ts');
const insurer = () => import('./pages/insurer.ts');
const sponsor = () => import('./pages/sponsor.ts');

const ROUTES: Route[] = [
  { path: '/', page: async () => plansPage },
  {
    path: '/sign-in',
    page: async () => (main) =>
      signInPage(main, () => {
        refreshChrome();
        location.hash = '#/';
      }),
  },
  { path: '/p/:planId', nav: ['保障方案', 'Benefits'], page: async () => planPage },
  { path: '/p/:planId/ledger', nav: ['捐赠公示', 'Sponsorship ledger'], page: async () => ledgerPage },
  { path: '/p/:planId/participation', roles: ['bureau', 'insurer'], nav: ['参保进度', 'Participation'], page: async () => (await bureau()).participationPage },
  { path: '/p/:planId/window', roles: ['bureau'], nav: ['投保期', 'Window'], page: async () => (await bureau()).windowPage },
  { path: '/p/:planId/roster', roles: ['bureau'], nav: ['名单导入', 'Roster import'], page: async () => (await bureau()).rosterPage },
  { path: '/p/:planId/renewals', roles: ['bureau'], nav: ['续保', 'Renewals'], page: async () => (await bureau()).renewalsPage },
  { path: '/p/:planId/loss-ratio', roles: ['bureau', 'insurer'], nav: ['赔付率', 'Loss ratio'], page: async () => (await bureau()).lossRatioPage },
  { path: '/p/:planId/claims', roles: ['insurer', 'bureau'], nav: ['理赔查询', 'Claims'], page: async () => (await insurer()).claimsPage },
  { path: '/p/:planId/statements', roles: ['insurer', 'bureau'], nav: ['日结单', 'Statements'], page: async () => (await insurer()).statementsPage },
  { path: '/p/:planId/orders', roles: ['sponsor', 'bureau', 'insurer'], nav: ['捐购订单', 'Orders'], page: async () => (await sponsor()).ordersPage },
  { path: '/p/:planId/orders/:orderId', roles: ['sponsor', 'bureau', 'insurer'], page: async () => (await sponsor()).orderPage },
];

function match(path: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true) : p === parts[i]))) return { route, params };
  }
  return undefined;
}

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const corner = document.getElementById('session')!;
let leave: Cleanup | undefined;

function current(): { path: string; query: URLSearchParams } {
  const hash = location.hash.replace(/^#/, '') || '/';
  const q = hash.indexOf('?');
  return { path: q === -1 ? hash : hash.slice(0, q), query: new URLSearchParams(q === -1 ? '' : hash.slice(q + 1)) };
}

/** The plan's pages this role may open, the current one marked for screen readers. */
function renderNav(planId: string | undefined, path: string): void {
  const links: HTMLElement[] = [h('a', { href: '#/', ...(path === '/' ? { 'aria-current': 'page' } : {}) }, L('全部方案', 'All plans'))];
  if (planId) {
    for (const r of ROUTES) {
      if (!r.nav || (r.roles && !r.roles.includes(role()))) continue;
      const href = r.path.replace(':planId', encodeURIComponent(planId));
      links.push(h('a', { href: `#${href}`, ...(href === path ? { 'aria-current': 'page' } : {}) }, L(...r.nav)));
    }
  }
  const other = lang() === 'zh' ? 'en' : 'zh';
  fill(
    nav,
    h(
      'ul',
      {},
      links.map((a) => h('li', {}, a)),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'lang',
        lang: other,
        onClick: () => {
          setLang(other);
          refreshChrome();
        },
      },
      other === 'en' ? 'English' : '中文',
    ),
  );
}

async function show(): Promise<void> {
  leave?.();
  leave = undefined;
  // Marks when a page is drawn (tests and scripts wait for it): cleared now, set to the route once done.
  delete main.dataset.ready;
  const { path, query } = current();
  const found = match(path);
  renderNav(found?.params.planId, path);
  renderSession(corner, refreshChrome);
  if (!found) {
    document.title = L('未找到 · 惠民保', 'Not found · huiminbao');
    fill(main, h('h1', {}, L('未找到此页', 'Page not found')), h('p', {}, h('a', { href: '#/' }, L('返回方案列表', 'Back to the plans'))));
    main.dataset.ready = location.hash;
    return;
  }
  const { route, params } = found;
  if (route.roles && !route.roles.includes(role())) {
    const who = route.roles.map((r) => label(ROLES, r)).join(L('、', ', '));
    fill(
      main,
      h('h1', {}, L('需要相应身份', 'A role is needed')),
      h(
        'p',
        {},
        signsIn()
          ? [L(`此页供${who}使用，请`, `This page is for ${who}: `), h('a', { href: '#/sign-in' }, L('登录', 'sign in')), '.']
          : L(`此页供${who}使用：请在右上角选择身份。`, `This page is for ${who}: pick the role at the top right.`),
      ),
    );
    main.dataset.ready = location.hash;
    return;
  }
  fill(main, h('p', { class: 'loading' }, L('加载中…', 'Loading…')));
  try {
    const page = await route.page();
    const cleanup = await page(main, params, query);
    if (cleanup) leave = cleanup;
  } catch (error) {
    const { problem } = await import('./ui.ts');
    fill(main, problem(error));
  }
  // A new page: focus moves to it, so keyboard and screen-reader users start at its content.
  main.focus({ preventScroll: true });
  main.dataset.ready = location.hash || '#/';
}

/** Role or language changed: the header and the page are drawn again. */
function refreshChrome(): void {
  void show();
}

// The skip link moves focus to the content without touching the address (a hash here is a route).
document.querySelector('a.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

setLang(lang());
await startSession();
window.addEventListener('hashchange', () => void show());
void show();
