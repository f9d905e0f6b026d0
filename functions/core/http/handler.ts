// Turns an Api into a Lambda handler for API Gateway HTTP API (v2) events:
// middy for the onion, our own small pieces for what matters here — parse and
// validate with zod into field-named 400s, map domain errors to 404/409/422,
// never a 500 for bad input, and log without personal data.
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DomainError } from '../errors.ts';
import { formatPath } from '../plan/loader.ts';
import { maskId } from '../identity/resident-id.ts';
import { InvalidCursor } from '../store/store.ts';
import { loggableError } from './log-safe.ts';
import type { Api, Reply } from './api.ts';
import { consolePartner, consoleUserOf, signerOf, type CallerRoles, type CognitoIdentity, type ConsolePools, type RouteAccess, type Signer } from './access.ts';
import { admit, consoleGroupFor, type ConsoleGroups, type PartnerLookup } from './partners.ts';

/** Who may call what: the routes' callers, the deployment's caller roles and the partner registry. */
export interface Gate {
  access: RouteAccess;
  roles: CallerRoles;
  /** Whether requests are signed here (AWS): then a non-public route refuses an unsigned one. */
  signing: boolean;
  partners: PartnerLookup;
  /** The console's pools and its users' groups (AWS, where the console is deployed): a console user's partner is their group. */
  console?: { pools: ConsolePools; groups: ConsoleGroups };
}

/** No signing, every route open: a host without authentication (the local stack) and tests of the domain. */
export const OPEN_GATE: Gate = { access: {}, roles: {}, signing: false, partners: async () => undefined };

const STATUS: Record<DomainError['kind'], number> = { forbidden: 403, 'not-found': 404, conflict: 409, unprocessable: 422, unavailable: 503 };

export interface FieldIssue {
  field: string;
  rule: string;
}

/** A request that fails validation: every problem, each naming its field and rule. */
export class InvalidRequest extends Error {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]) {
    super(`invalid request: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
    this.issues = issues;
  }
}

/** A body sent as something other than JSON (text/plain, a form): never parsed as if it were JSON. */
export class UnsupportedMediaType extends Error {
  readonly contentType: string | undefined;
  constructor(contentType: string | undefined) {
    super('request body is not application/json');
    this.contentType = contentType;
  }
}

/** Issues a 400 lists at most: 40,000 bad diagnoses are one mistake, and the answer stays small. */
export const MAX_ISSUES = 20;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, prefix: string, issues: FieldIssue[]): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(', ')] : issue.path;
    issues.push({ field: [prefix, formatPath(path)].filter(Boolean).join('.'), rule: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message });
  }
  return undefined as T;
}

/** A header's value, whatever case the client (or a test's event) spelled its name in. */
function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

function parseBody(event: APIGatewayProxyEventV2, issues: FieldIssue[], parse: (text: string) => unknown = JSON.parse): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const contentType = headerOf(event, 'content-type');
  if (contentType?.split(';')[0].trim().toLowerCase() !== 'application/json') throw new UnsupportedMediaType(contentType);
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return parse(text);
  } catch {
    issues.push({ field: 'body', rule: 'must be a JSON document' });
    return undefined;
  }
}

/**
 * Path parameters that may carry a resident ID are masked before they reach a log line: a person's or member's whatever
 * it holds (the log line is written before validation, and " 3601…" or a mistyped 19 digits is an ID all the same), and
 * any other holding a run of 15 or more digits.
 */
function loggableParams(params: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const personal = (key: string, value: string) => key === 'personId' || key === 'memberId' || /\d{15}/.test(value);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v && personal(k, v) ? maskId(v.trim()) : v]));
}

export async function dispatch(api: Api, event: APIGatewayProxyEventV2, gate: Gate = OPEN_GATE): Promise<Reply> {
  const route = api[event.routeKey];
  if (!route) return { status: 404, body: { error: 'not-found', message: `no route ${event.routeKey}` } };
  // Admitted before anything is read or validated: a caller of another kind or city learns nothing of the route.
  const caller = await signerFor(event, gate);
  const partner = await admit({
    callers: gate.access[event.routeKey] ?? (gate.signing ? [] : ['public']),
    signer: caller,
    planId: event.pathParameters?.planId,
    signing: gate.signing,
    partners: gate.partners,
  });
  const issues: FieldIssue[] = [];
  const params = parsePart(route.params, event.pathParameters ?? {}, 'path', issues);
  const query = parsePart(route.query, event.queryStringParameters ?? {}, 'query', issues);
  // A route that reads no body ignores one sent (whatever its type); a route that does reads JSON only.
  const raw = route.body ? parseBody(event, issues, route.parseBody) : undefined;
  const body = route.body && issues.every((i) => i.field !== 'body') ? parsePart(route.body, raw, 'body', issues) : raw;
  if (issues.length > 0) throw new InvalidRequest(issues);
  return route.handle({
    params,
    body,
    query,
    requestId: event.requestContext?.requestId ?? 'local',
    ...(caller ? { caller } : {}),
    ...(partner ? { partner } : {}),
  });
}

/** Maps every failure to an HTTP answer; only a fault of ours becomes a 500, logged, without the stack in the reply. */
export function errorReply(error: unknown, logger: Logger): APIGatewayProxyStructuredResultV2 {
  if (error instanceof InvalidRequest) {
    const more = error.issues.length - MAX_ISSUES;
    return json(400, { error: 'invalid-request', issues: error.issues.slice(0, MAX_ISSUES), ...(more > 0 ? { moreIssues: more } : {}) });
  }
  // A cursor altered, invented or taken from another query: the client's, like any bad parameter.
  if (error instanceof InvalidCursor)
    return json(400, { error: 'invalid-request', issues: [{ field: 'query.after', rule: 'must be a cursor this API returned for this query' }] });
  if (error instanceof UnsupportedMediaType) {
    const sent = error.contentType === undefined ? 'no content type' : `"${error.contentType.slice(0, 100)}"`;
    return json(415, {
      error: 'unsupported-media-type',
      message: `a request body must be sent as application/json, not ${sent}`,
      issues: [{ field: 'header.content-type', rule: 'must be application/json' }],
    });
  }
  // Unavailable for the moment (our own contention, a store deferring work): the client retries.
  if (error instanceof DomainError)
    return json(
      STATUS[error.kind],
      { error: error.code, message: error.message, ...error.details },
      error.kind === 'unavailable' ? { 'retry-after': '1' } : {},
    );
  // Never the error's message: it may quote what the client sent (see loggableError).
  logger.error('unhandled error', { error: loggableError(error) });
  return json(500, { error: 'internal', message: 'internal error; it has been logged' });
}

/** Who signed the request (an IAM-authorized route: the caller role's session); absent on public routes and locally. */
function userArnOf(event: APIGatewayProxyEventV2): string | undefined {
  return (event.requestContext as { authorizer?: { iam?: { userArn?: string } } } | undefined)?.authorizer?.iam?.userArn;
}

/** Cognito's identity beside the role session, when the credentials came from an identity pool. */
function cognitoIdentityOf(event: APIGatewayProxyEventV2): CognitoIdentity | undefined {
  const identity = (event.requestContext as { authorizer?: { iam?: { cognitoIdentity?: CognitoIdentity | null } } } | undefined)?.authorizer?.iam
    ?.cognitoIdentity;
  return identity && typeof identity.identityPoolId === 'string' && Array.isArray(identity.amr) ? identity : undefined;
}

/**
 * Who signed: the caller role's kind and the partner. A partner's own session is named after its account; a session
 * from a web identity (whose name Cognito sets, the same for everyone) is a partner only as a user of this
 * deployment's console, named by their user pool group (console:<group>); any other is unknown (403 UNKNOWN_CALLER).
 */
async function signerFor(event: APIGatewayProxyEventV2, gate: Gate): Promise<Signer | undefined> {
  const signer = signerOf(userArnOf(event), gate.roles);
  const identity = cognitoIdentityOf(event);
  if (!signer?.kind || !identity) return signer;
  const user = consoleUserOf(identity, gate.console?.pools);
  if (!user || !gate.console) return { arn: signer.arn };
  const group = consoleGroupFor(await gate.console.groups(user), gate.roles[signer.kind]!);
  return group ? { ...signer, partnerId: consolePartner(group) } : { arn: signer.arn };
}

/** Time kept back before Lambda's own timeout, to answer a clear 503 instead of API Gateway's bare failure. */
export const TIMEOUT_MARGIN_MS = 500;

export function createHttpHandler(api: Api, logger: Logger, gate: () => Gate = () => OPEN_GATE) {
  return (
    middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
      timeoutEarlyInMillis: TIMEOUT_MARGIN_MS,
      timeoutEarlyResponse: () => {
        logger.error('request ran out of time');
        // Retrying is safe: every write that can be retried is idempotent (imports are last-write-wins).
        return json(503, { error: 'timeout', message: 'the request ran out of time; retry it, or send a smaller batch' }, { 'retry-after': '1' });
      },
    })
      // Every line logged while a request runs (the unhandled-error line too) carries the Lambda context and API
      // Gateway's request id (the one the access log has); both are dropped once it is answered.
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use({
        // Logs one line per request: route, status, duration, masked ids and who signed it, never bodies.
        before: (request) => {
          logger.appendKeys({ requestId: request.event.requestContext?.requestId });
          (request.internal as Record<string, unknown>).started = Date.now();
        },
        after: (request) => {
          const caller = userArnOf(request.event);
          logger.info('request', {
            route: request.event.routeKey,
            status: request.response?.statusCode,
            params: loggableParams(request.event.pathParameters),
            ms: Date.now() - ((request.internal as Record<string, number>).started ?? Date.now()),
            ...(caller ? { caller } : {}),
          });
        },
      })
      .handler(async (event) => {
        try {
          const reply = await dispatch(api, event, gate());
          const headers: Record<string, string> = { ...reply.headers, ...(reply.replayed ? { 'idempotent-replayed': 'true' } : {}) };
          if (reply.contentType) return { statusCode: reply.status, headers: { 'content-type': reply.contentType, ...headers }, body: reply.body as string };
          return json(reply.status, reply.body, headers);
        } catch (error) {
          return errorReply(error, logger);
        }
      })
  );
}
