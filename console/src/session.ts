// Who is using the console. Locally the stack authenticates nobody, so the
// reader picks a role (its pages and the actor its actions are recorded under).
// On AWS the role is the one Cognito's group gives the signed-in user, and every
// request is signed with that user's temporary credentials.
import { h, fill, field } from './dom.ts';
import { L, label, ROLES } from './i18n.ts';
import { signWith } from './api.ts';
import { credentialsFor, setNewPassword, signIn, CognitoError, type CognitoConfig, type Kind, type SignedIn } from './cognito.ts';

export type Role = 'public' | Kind;
type Config = { auth: 'none' } | CognitoConfig;

const ROLE_KEY = 'hmb.role';
const SIGNED_IN_KEY = 'hmb.signedIn';

let config: Config = { auth: 'none' };
let localRole: Role = 'public';
let user: SignedIn | undefined;

export const signsIn = () => config.auth === 'cognito';
export const role = (): Role => (config.auth === 'cognito' ? user?.kind ?? 'public' : localRole);

/** The name the signed-in user's actions are recorded under (locally: the role's own name). */
export const actor = (): string => (user?.name || label(ROLES, role()));

function stored<T>(storage: Storage, key: string): T | undefined {
  try {
    const text = storage.getItem(key);
    return text === null ? undefined : JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function use(next: SignedIn | undefined): void {
  user = next && next.expires > Date.now() + 60_000 ? next : undefined;
  signWith(user && config.auth === 'cognito' ? { credentials: user.credentials, region: config.region, host: config.apiHost } : undefined);
  try {
    if (user) sessionStorage.setItem(SIGNED_IN_KEY, JSON.stringify(user));
    else sessionStorage.removeItem(SIGNED_IN_KEY);
  } catch { /* storage refused: signed in for this page only */ }
}

/** Reads how this deployment signs in (/console/config.json; the local stack says none). */
export async function startSession(): Promise<void> {
  try {
    const res = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
    if (res.ok) config = await res.json() as Config;
  } catch { /* no config: local, nobody signs in */ }
  if (config.auth === 'cognito') use(stored<SignedIn>(sessionStorage, SIGNED_IN_KEY));
  else {
    const saved = stored<Role>(localStorage, ROLE_KEY);
    localRole = saved && saved in ROLES ? saved : 'public';
  }
}

/** The header's corner: the role picker (local) or who is signed in (AWS). */
export function renderSession(el: HTMLElement, changed: () => void): void {
  if (config.auth === 'none') {
    const picker = h('select', {
      name: 'role',
      onChange: (e: Event) => {
        localRole = (e.target as HTMLSelectElement).value as Role;
        try { localStorage.setItem(ROLE_KEY, JSON.stringify(localRole)); } catch { /* kept for this page */ }
        changed();
      },
    }, Object.keys(ROLES).map((r) => h('option', { value: r }, label(ROLES, r))));
    picker.value = localRole;
    fill(el, h('label', { class: 'role' }, h('span', {}, L('身份（本地，无需登录）', 'Role (local, no sign-in)')), picker));
    return;
  }
  if (user) {
    fill(el, h('span', { class: 'who' }, `${user.name} · ${label(ROLES, user.kind)}`),
      h('button', { type: 'button', class: 'link', onClick: () => { use(undefined); changed(); location.hash = '#/'; } }, L('退出', 'Sign out')));
  } else {
    fill(el, h('a', { href: '#/sign-in' }, L('登录', 'Sign in')));
  }
}

/** The sign-in page (AWS): user name and password, and a new password at first sign-in. */
export function signInPage(main: HTMLElement, done: () => void): void {
  if (config.auth !== 'cognito') {
    fill(main, h('h1', {}, L('登录', 'Sign in')), h('p', {}, L('本地环境无需登录：在右上角选择身份。', 'The local stack needs no sign-in: pick a role at the top right.')));
    return;
  }
  const cognito = config;
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const status = h('p', { role: 'alert', class: 'problem', hidden: true });
  const form = h('form', { class: 'card narrow' }, field(L('用户名', 'User name'), username), field(L('密码', 'Password'), password),
    h('button', { type: 'submit' }, L('登录', 'Sign in')), status);
  const fail = (error: unknown) => {
    status.hidden = false;
    status.textContent = error instanceof CognitoError ? `${error.code}: ${error.message}` : String(error);
  };
  const finish = async (idToken: string) => {
    use(await credentialsFor(cognito, idToken));
    done();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.hidden = true;
    try {
      const first = await signIn(cognito, username.value, password.value);
      if ('idToken' in first) return await finish(first.idToken);
      const fresh = h('input', { name: 'new-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
      const again = h('form', { class: 'card narrow' }, h('p', {}, L('首次登录，请设置新密码。', 'First sign-in: choose a new password.')),
        field(L('新密码', 'New password'), fresh), h('button', { type: 'submit' }, L('设置并登录', 'Set and sign in')), status);
      again.addEventListener('submit', async (e2) => {
        e2.preventDefault();
        try {
          const next = await setNewPassword(cognito, username.value, fresh.value, first.session);
          if ('idToken' in next) await finish(next.idToken);
        } catch (error) { fail(error); }
      });
      form.replaceWith(again);
      fresh.focus();
    } catch (error) { fail(error); }
  });
  fill(main, h('h1', {}, L('登录', 'Sign in')), form);
  username.focus();
}
