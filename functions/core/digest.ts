// A request's fingerprint, kept with what it created: the same idempotency key
// sent again with other content is a conflict, not a replay.
import { createHash } from 'node:crypto';

/** SHA-256 of the value's JSON (parsed requests list their fields in schema order, so equal content digests equally). */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
