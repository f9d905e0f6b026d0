// A service's HTTP surface as data: route key → request schemas and the domain
// call. The Lambda handler, the OpenAPI document and the tests all read it.
import type { z } from 'zod';
import type { Signer } from './access.ts';
import type { Partner } from './partners.ts';

export interface Request<P, B, Q> {
  params: P;
  body: B;
  query: Q;
  /** API Gateway's request id, for logs. */
  requestId: string;
  /** Who signed the request (on AWS, the caller role's session of an IAM-authorized route), admitted already; absent on public routes and locally. */
  caller?: Signer;
  /** The signer's partner registry entry (what it serves as its kind of caller), read when it was admitted to a plan's route. */
  partner?: Partner;
}

export interface Reply {
  status: number;
  body: unknown;
  /** A replayed idempotent request: same status and body as the first answer, marked by a header. */
  replayed?: boolean;
  /** Sent instead of JSON: the body, a string, goes out as is with this content type (e.g. 'text/csv; charset=utf-8'). */
  contentType?: string;
  /** More response headers (e.g. a `link` to the next page of a file). */
  headers?: Record<string, string>;
}

export interface Route<P = any, B = any, Q = any> {
  summary: string;
  params?: z.ZodType<P>;
  body?: z.ZodType<B>;
  /**
   * How the body's text becomes the value `body` validates (default JSON.parse), e.g. a national 医保 message read
   * with parseNationalJson, which keeps each JSON number's own digits. Still JSON only (415 otherwise).
   */
  parseBody?: (text: string) => unknown;
  query?: z.ZodType<Q>;
  /** Statuses this route answers besides 400 (for the OpenAPI document). */
  responses: Record<number, string>;
  /** A successful (2xx) body's content type when it is not JSON, for the OpenAPI document; the reply sets the same contentType. */
  produces?: string;
  handle(request: Request<P, B, Q>): Promise<Reply>;
}

export type Api = Record<string, Route>;

/** Declares a route with its types inferred from the schemas. */
export function route<P, B, Q>(r: Route<P, B, Q>): Route<P, B, Q> {
  return r;
}
