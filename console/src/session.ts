// Who is using the console. Locally the stack authenticates nobody, so the
// reader picks a role (its pages and the actor its actions are recorded under).
// On AWS the role is the one Cognito's group gives the signed-in user, and every
// request is signed with that user's temporary credentials.
import { h, fill, field } from './dom.ts';
import { L, label, ROLES } from './i18n.ts';
import { signWith } from './api.ts';
import {
  answerCode,
  credentialsFor,
  finishTotpSetup,
  otpauthUri,
  setNewPassword,
  signIn,
  startTotpSetup,
  CognitoError,
  type CognitoConfig,
  type Kind,
  type SignedIn,
  type SignInStep,
} from './cognito.ts';

export type Role = 'public' | Kind;
type Config = { auth: 'none' } | CognitoConfig;

const ROLE_KEY = 'hmb.role';
const SIGNED_IN_KEY = 'hmb.signedIn';

let config: Config = { auth: 'none' };
let localRole: Role = 'public';
let user: SignedIn | undefined;

export const signsIn = () => config.auth === 'cognito';
export const role = (): Role => (config.auth === 'cognito' ? (user?.kind ?? 'public') : localRole);

/**
 * The name the signed-in user's actions are recorded under. Locally: the role's Chinese name, whatever language the
 * page is read in: a record is data, and the same bureau must not appear as 医保局 and as Bureau.
 */
export const actor = (): string => user?.name || (ROLES[role()]?.[0] ?? role());

function stored<T>(storage: Storage, key: string): T | undefined {
  try {
    const text = storage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as T);
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
  } catch {
    /* storage refused: signed in for this page only */
  }
}

/** Reads how this deployment signs in (/console/config.json; the local stack says none). */
export async function startSession(): Promise<void> {
  try {
    const res = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
    if (res.ok) config = (await res.json()) as Config;
  } catch {
    /* no config: local, nobody signs in */
  }
  if (config.auth === 'cognito') use(stored<SignedIn>(sessionStorage, SIGNED_IN_KEY));
  else {
    const saved = stored<Role>(localStorage, ROLE_KEY);
    localRole = saved && saved in ROLES ? saved : 'public';
  }
}

/** The header's corner: the role picker (local) or who is signed in (AWS). */
export function renderSession(el: HTMLElement, changed: () => void): void {
  if (config.auth === 'none') {
    const picker = h(
      'select',
      {
        name: 'role',
        onChange: (e: Event) => {
          localRole = (e.target as HTMLSelectElement).value as Role;
          try {
            localStorage.setItem(ROLE_KEY, JSON.stringify(localRole));
          } catch {
            /* kept for this page */
          }
          changed();
        },
      },
      Object.keys(ROLES).map((r) => h('option', { value: r }, label(ROLES, r))),
    );
    picker.value = localRole;
    fill(el, h('label', { class: 'role' }, h('span', {}, L('身份（本地，无需登录）', 'Role (local, no sign-in)')), picker));
    return;
  }
  if (user) {
    fill(
      el,
      h('span', { class: 'who' }, `${user.name} · ${label(ROLES, user.kind)}`),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onClick: () => {
            use(undefined);
            // Back to the plans (drawn by the address's change; already there, drawn again for the reader now signed out).
            if (location.hash === '' || location.hash === '#/') changed();
            else location.hash = '#/';
          },
        },
        L('退出', 'Sign out'),
      ),
    );
  } else {
    fill(el, h('a', { href: '#/sign-in' }, L('登录', 'Sign in')));
  }
}

/** The sign-in page (AWS): user name and password, then what Cognito asks (a new password, an authenticator app). */
export function signInPage(main: HTMLElement, done: () => void): void {
  if (config.auth !== 'cognito') {
    fill(
      main,
      h('h1', {}, L('登录', 'Sign in')),
      h('p', {}, L('本地环境无需登录：在右上角选择身份。', 'The local stack needs no sign-in: pick a role at the top right.')),
    );
    return;
  }
  const cognito = config;
  const status = h('p', { role: 'alert', class: 'problem', hidden: true });
  const holder = h('div');
  let username = '';
  /** One step: a form of fields, its button, and what to do with the values. */
  const ask = (intro: HTMLElement | null, fields: [string, HTMLInputElement][], button: string, next: (values: string[]) => Promise<void>) => {
    const form = h(
      'form',
      { class: 'card narrow' },
      intro,
      fields.map(([text, input]) => field(text, input)),
      h('button', { type: 'submit' }, button),
      status,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.hidden = true;
      const buttons = [...form.querySelectorAll('button')];
      for (const b of buttons) b.disabled = true;
      try {
        await next(fields.map(([, input]) => input.value));
      } catch (error) {
        status.hidden = false;
        status.textContent = error instanceof CognitoError ? `${error.code}: ${error.message}` : String(error);
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    });
    fill(holder, form);
    fields[0]?.[1].focus();
  };
  const code = () => h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', required: true, maxlength: 6 });
  const go = async (step: SignInStep): Promise<void> => {
    if ('idToken' in step) {
      use(await credentialsFor(cognito, step.idToken));
      done();
      return;
    }
    if (step.challenge === 'NEW_PASSWORD_REQUIRED') {
      ask(
        h('p', {}, L('首次登录，请设置新密码。', 'First sign-in: choose a new password.')),
        [[L('新密码', 'New password'), h('input', { name: 'new-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 })]],
        L('设置密码', 'Set the password'),
        async ([password]) => go(await setNewPassword(cognito, username, password, step.session)),
      );
    } else if (step.challenge === 'SOFTWARE_TOKEN_MFA') {
      ask(
        h('p', {}, L('请输入身份验证器应用中的 6 位验证码。', 'Enter the 6-digit code of your authenticator app.')),
        [[L('验证码', 'Code'), code()]],
        L('验证', 'Verify'),
        async ([c]) => go(await answerCode(cognito, username, c, step.session)),
      );
    } else {
      const { secret, session } = await startTotpSetup(cognito, step.session);
      ask(
        h(
          'div',
          {},
          h(
            'p',
            {},
            L(
              '此控制台要求身份验证器应用（如 Google Authenticator、Microsoft Authenticator）。请在应用中添加以下密钥，然后输入应用显示的验证码。',
              'The console requires an authenticator app (e.g. Google or Microsoft Authenticator). Add this key to the app, then enter the code it shows.',
            ),
          ),
          h('p', {}, h('code', { class: 'secret' }, secret)),
          h('p', {}, h('a', { href: otpauthUri(username, secret) }, L('在本设备的应用中打开', 'Open in an app on this device'))),
        ),
        [[L('验证码', 'Code'), code()]],
        L('完成设置并登录', 'Finish and sign in'),
        async ([c]) => go(await finishTotpSetup(cognito, username, c, session)),
      );
    }
  };
  ask(
    null,
    [
      [L('用户名', 'User name'), h('input', { name: 'username', autocomplete: 'username', required: true })],
      [L('密码', 'Password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })],
    ],
    L('登录', 'Sign in'),
    async ([name, password]) => {
      username = name;
      await go(await signIn(cognito, name, password));
    },
  );
  fill(main, h('h1', {}, L('登录', 'Sign in')), holder);
}
