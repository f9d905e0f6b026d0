// Probing a local stack as a careless client or an attacker would: raw request
// bodies (what JSON.stringify cannot write: 1.2e2, a "__proto__" key, a lone
// surrogate), any content type, and the whole table read back to prove that a
// refused request wrote nothing.
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../local/dynamodb.ts';

export interface Answer {
  status: number;
  body: any;
}

export interface Sent {
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  /** The content-type header; null sends none. Default application/json when there is a body. */
  type?: string | null;
}

/** One request to the stack at `base`; the answer's body parsed as JSON where it is JSON. */
export async function send(base: string, method: string, path: string, sent: Sent = {}): Promise<Answer> {
  const body = sent.body === undefined ? undefined : typeof sent.body === 'string' ? sent.body : JSON.stringify(sent.body);
  const type = sent.type === undefined ? (body === undefined ? null : 'application/json') : sent.type;
  // A string body without a content type would be sent by fetch as text/plain: an explicit header is always set.
  const headers: Record<string, string> = type === null ? {} : { 'content-type': type };
  const response =
    body === undefined
      ? await fetch(`${base}${path}`, { method, headers })
      : await fetch(`${base}${path}`, { method, headers, body: type === null ? new Blob([body]) : body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a CSV): kept as text.
  }
  return { status: response.status, body: parsed };
}

/** Every item of the table, as DynamoDB holds it, in key order: two snapshots are equal when nothing was written. */
export async function tableSnapshot(endpoint: string, tableName: string): Promise<string[]> {
  const client = localClient(endpoint);
  try {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.map((item) => JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))))).sort();
  } finally {
    client.destroy();
  }
}
