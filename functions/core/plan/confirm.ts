// What a city confirms in a valid plan before it goes live: the defaults it relied
// on where its notice was silent, lists still empty, dates not given, and
// placeholders a new city's file started with (`hmb plan new`).
import type { LoadedPlan } from './loader.ts';
import { formatDefault, type AppliedDefault } from './defaults.ts';
import { formatPath, isRecord } from './paths.ts';

/** The mark `hmb plan new` leaves on values the city must write. */
export const PLACEHOLDER = '待填写';

/** Empty lists whose consequence a reader would not guess. */
const WHAT_NONE_MEANS: Record<string, string> = {
  'payment.channels': 'residents cannot pay until the plan names a channel',
  'sponsorship.payerKinds': 'no sponsor may buy for others',
};

export interface ToConfirm {
  path: string;
  what: string;
}

export function toConfirm(plan: LoadedPlan, defaults: readonly AppliedDefault[]): ToConfirm[] {
  const items: ToConfirm[] = [];
  items.push(...placeholders(plan, [], plan));
  if (plan.source.date === undefined) items.push({ path: 'source.date', what: 'not given: the day the notice was issued' });
  const { window } = plan.enrollment;
  if (window.opens === null) items.push({ path: 'enrollment.window.opens', what: 'no date: an administrator schedules the window (ruling 12)' });
  if (window.closes === null) items.push({ path: 'enrollment.window.closes', what: 'no date: an administrator schedules the window (ruling 12)' });
  for (const [id, list] of Object.entries(plan.lists)) {
    if (list.entries.length > 0) continue;
    const who = list.suppliedBy === 'city' ? 'the city supplies it' : 'the notice prints it';
    items.push({ path: `lists.${id}`, what: `empty (${who}${list.file ? `: ${list.file}` : ''}): nothing matches it until it is filled` });
  }
  for (const [path, why] of Object.entries(WHAT_NONE_MEANS)) {
    const none = path === 'payment.channels' ? plan.payment.channels.length === 0 : plan.sponsorship.payerKinds.length === 0;
    if (none && !defaults.some((d) => d.path === path)) items.push({ path, what: `none: ${why}` });
  }
  for (const d of defaults) {
    const why = WHAT_NONE_MEANS[d.path];
    items.push({ path: d.path, what: `default ${formatDefault(d.value)}: the notice does not say${why ? ` (${why})` : ''}` });
  }
  return items;
}

/** Strings still holding the placeholder, wherever they are. */
function placeholders(value: unknown, path: (string | number)[], plan: unknown): ToConfirm[] {
  if (typeof value === 'string')
    return value.includes(PLACEHOLDER) ? [{ path: formatPath(path, plan), what: `placeholder "${value}": write it from the notice` }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, [...path, i], plan));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => placeholders(v, [...path, k], plan));
  return [];
}
