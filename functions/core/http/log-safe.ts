// What a log line may say about a request it did not validate: personal data
// arrives anywhere a client can put it (a path, a value quoted in an error), and
// logs are kept longer and read by more people than the table.
import { maskIdsIn } from '../identity/resident-id.ts';
import { hasHiddenCharacters } from '../wire.ts';

/**
 * An error as a log line shows it: its name and where it was thrown, never its message. Messages quote values
 * (decimal.js: "[DecimalError] Invalid argument: 360102…", DynamoDB's validation errors quote keys), and a value may
 * be a resident ID or a name; the route, status and request id on the same line find the request again.
 */
export function loggableError(error: unknown): { name: string; stack?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  return { name: error.name, ...(frames ? { stack: frames } : {}) };
}

/**
 * A request path as a log line shows it: percent-decoded where it decodes (an ID spelled %33%36… is still an ID),
 * every run of 15 or more digits masked, hidden characters (a newline forging a second log line) shown as �.
 */
export function loggablePath(rawPath: string): string {
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // Malformed percent-encoding: masked as sent.
  }
  const masked = maskIdsIn(path);
  return hasHiddenCharacters(masked) ? [...masked].map((c) => (hasHiddenCharacters(c) ? '\uFFFD' : c)).join('') : masked;
}
