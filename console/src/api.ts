// The console's one way to the API: same origin (the local stack; on AWS,
// CloudFront sends /plans… on to the API), JSON bodies with their content type,
// and on AWS the signed-in user's signature. Errors keep the API's answer so a
// page can show its code, message and the fields it names.
import { sigv4, type Credentials } from './sigv4.ts';

export interface Answer<T> {
  status: number;
  body: T;
  replayed: boolean;
  /** The response's headers (a paged CSV's `link` names its next page). */
  headers: Headers;
}

export interface ApiProblem {
  error?: string;
  message?: string;
  issues?: { field: string; rule: string }[];
  moreIssues?: number;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiProblem;
  constructor(status: number, body: ApiProblem) {
    super(`${status} ${body.error ?? ''}: ${body.message ?? ''}`);
    this.status = status;
    this.body = body;
  }
}

/** How requests are signed on AWS: the user's temporary credentials, for the API's host and region. */
export interface Signing {
  credentials: Credentials;
  region: string;
  host: string;
}

let signing: Signing | undefined;
export function signWith(next: Signing | undefined): void {
  signing = next;
}

/** Calls the API; answers outside `ok` are thrown as ApiError. */
export async function api<T>(method: string, path: string, body?: unknown, ok: readonly number[] = [200, 201, 202]): Promise<Answer<T>> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const q = path.indexOf('?');
  const signed = signing
    ? await sigv4(
        { method, host: signing.host, path: q === -1 ? path : path.slice(0, q), query: q === -1 ? '' : path.slice(q + 1), headers, body: text },
        signing.credentials,
        signing.region,
      )
    : {};
  const res = await fetch(path, { method, headers: { accept: 'application/json', ...headers, ...signed }, ...(body === undefined ? {} : { body: text }) });
  const raw = await res.text();
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    /* not JSON: kept as text */
  }
  if (!ok.includes(res.status))
    throw new ApiError(res.status, typeof parsed === 'object' && parsed !== null ? (parsed as ApiProblem) : { message: String(parsed).slice(0, 300) });
  return { status: res.status, body: parsed as T, replayed: res.headers.get('idempotent-replayed') === 'true', headers: res.headers };
}

/** A path segment: ids are encoded as the API expects them in a path. */
export const seg = (value: string) => encodeURIComponent(value);
