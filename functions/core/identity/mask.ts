// What a log line, a report or a page shows of a person: never a full resident
// ID or name. Pure and free of dependencies, so the console uses it too.

/** 360102199003071234 → 360102********1234: region kept for reports, birth date hidden. */
export function maskId(id: string): string {
  return id.length < 10 ? '*'.repeat(id.length) : `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/**
 * Every run of 15 or more digits in `text` (with an X check character, if any) masked as maskId masks an ID: for
 * lines that quote what a client sent (a path, an error), where an ID may sit anywhere, valid or not.
 */
export function maskIdsIn(text: string): string {
  return text.replace(/\d{15,}[Xx]?/g, (run) => maskId(run));
}

/** 张三丰 → 张**: the surname only. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length === 0 ? '' : `${chars[0]}${'*'.repeat(Math.max(1, chars.length - 1))}`;
}

/** The masked ID of a row as sent (a roster row, a line of a file), whatever else it holds; none if it names none. */
export function maskedPersonIdOf(row: unknown): string | undefined {
  const id = (row as { personId?: unknown } | null | undefined)?.personId;
  return typeof id === 'string' ? maskId(id.trim()) : undefined;
}
