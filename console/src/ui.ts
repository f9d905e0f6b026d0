// Pieces every page uses: a problem shown as the API said it, key–value lists,
// actions that disable their button while they run, and refreshing.
import { h, fill, type Child } from './dom.ts';
import { L } from './i18n.ts';
import { ApiError } from './api.ts';

/** An error as the reader should see it: the API's status, code and message, and each field it names. */
export function problem(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    const { status, body } = error;
    return h(
      'div',
      { class: 'problem', role: 'alert' },
      h('p', {}, h('strong', {}, `${status} ${body.error ?? ''}`), body.message ? ` — ${body.message}` : ''),
      body.issues?.length
        ? h(
            'ul',
            {},
            body.issues.map((i) => h('li', {}, h('code', {}, i.field), `: ${i.rule}`)),
          )
        : null,
    );
  }
  return h('div', { class: 'problem', role: 'alert' }, h('p', {}, error instanceof Error ? error.message : String(error)));
}

/** Label–value pairs; a null value shows as a dash. */
export function facts(pairs: [string, Child][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null || v === undefined || v === '' ? '—' : v)]),
  );
}

/** A section of a page with its heading. */
export const section = (title: string, ...children: Child[]) => h('section', { class: 'card' }, h('h2', {}, title), ...children);

/**
 * A form's submit runs `act` with the button disabled; what it answers (or the problem) goes into `out`, which is a
 * live region so a screen reader hears the outcome.
 */
export function onSubmit(form: HTMLFormElement, out: HTMLElement, act: () => Promise<Child>): void {
  out.setAttribute('aria-live', 'polite');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    try {
      fill(out, await act());
    } catch (error) {
      fill(out, problem(error));
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
}

/**
 * Runs `load` now and every `everyMs` until the page is left (the answer stops it). A failure shows, and the next
 * round tries again. `?refresh=<seconds>` in the page's address changes the interval.
 */
export function every(everyMs: number, load: () => Promise<void>, out: HTMLElement): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const round = async () => {
    try {
      await load();
    } catch (error) {
      fill(out, problem(error));
    }
    if (!stopped) timer = setTimeout(round, everyMs);
  };
  void round();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** "Updated 09:00:05", in the reader's clock. */
export const updatedAt = () => h('p', { class: 'muted' }, `${L('更新于', 'Updated')} ${new Date().toLocaleTimeString(L('zh-CN', 'en-GB'))}`);

/** A fresh id for a request the API takes once (orders, payments): a retry of the same submission reuses it. */
export const requestId = () => crypto.randomUUID();
