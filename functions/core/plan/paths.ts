// Places in a plan document, named as problems and defaults name them:
// benefits[car-t].deductible.amount.

/**
 * ['benefits', 2, 'deductible', 'amount'] → benefits[2].deductible.amount. Given the document, an element of a list
 * whose items carry ids is named by its id, as the author wrote it: benefits[car-t].deductible.amount.
 */
export function formatPath(path: readonly PropertyKey[], doc?: unknown): string {
  let at: unknown = doc;
  return path.reduce<string>((out, key) => {
    const here = at;
    at = isRecord(here) || Array.isArray(here) ? (here as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') return `${out}[${Array.isArray(here) ? (idOf(here, key) ?? key) : key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/** The id of a list's element, when it has one that names it alone (well formed and not repeated). */
function idOf(list: unknown[], index: number): string | undefined {
  const item = list[index];
  if (!isRecord(item) || typeof item.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(item.id)) return undefined;
  const id = item.id;
  return list.filter((other) => isRecord(other) && other.id === id).length === 1 ? id : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the document holds at a path (undefined where it holds nothing). */
export function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let at = doc;
  for (const key of path) {
    if (!isRecord(at) && !Array.isArray(at)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}
