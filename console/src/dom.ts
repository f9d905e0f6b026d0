// A few lines instead of a framework: elements built from data, text always set
// as text (never parsed as HTML, so nothing an API answers can run as script).
export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | undefined | null>;

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

function apply(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

/** An HTML element: h('button', { type: 'button', onClick: … }, 'text'). Handlers are attributes named on…. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element (charts). */
export function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
/** A unique id, to tie a label to its field. */
export const uid = (prefix: string) => `${prefix}-${++ids}`;

/** A labelled field: the label names it for screen readers and a click on it focuses it. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  control.id ||= uid('f');
  const hintId = hint ? uid('hint') : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('small', { id: hintId }, hint) : null);
}

/** A select of [value, label] options. */
export function select(name: string, options: [string, string][], value?: string, attrs: Attrs = {}): HTMLSelectElement {
  const el = h(
    'select',
    { name, ...attrs },
    options.map(([v, label]) => h('option', { value: v }, label)),
  );
  if (value !== undefined) el.value = value;
  return el;
}

/** A table with a caption, header cells scoped to their columns, and rows of cells. */
export function table(caption: string, head: string[], rows: Child[][], attrs: Attrs = {}): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h(
      'table',
      attrs,
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((c) => h('td', {}, c)),
          ),
        ),
      ),
    ),
  );
}

/** Money as the API wrote it (a yuan string with two decimals): shown as is, right-aligned, never recomputed. */
export const money = (yuan: string) => h('span', { class: 'money' }, yuan);

/** Offers text the browser made (from the API's strings) as a file to save. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
