// The local stand-in for API Gateway (HTTP API, payload format 2.0): matches a
// request against the services' route keys, builds the event the Lambda would
// receive, calls the handler in-process and writes its result back.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { loggableError, loggablePath } from '../functions/core/http/log-safe.ts';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2<unknown>> | APIGatewayProxyResultV2<unknown>;

export interface GatewayService {
  name: string;
  routes: readonly string[];
  handler: HttpHandler;
}

export interface GatewayOptions {
  /**
   * One line per request (default: none); `handled` is false when the gateway answered without a handler (404, 405,
   * 400, 413). The path in it is masked (loggablePath): a request the gateway refuses may carry a full ID.
   */
  log?: (line: string, handled: boolean) => void;
  /** Where a handler's failure is reported (default: console.error), with the error's name and stack only (loggableError). */
  logError?: (line: string, error: unknown) => void;
  /** Static files answered to GET and HEAD at their exact paths (the console: `/` and `/console/…`), before any route. */
  files?: ReadonlyMap<string, StaticFile>;
}

export interface StaticFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/**
 * What the console's page may load and reach: its own files and API (same origin); on AWS, Cognito's endpoints too
 * (the CloudFront response headers policy says the same, infra/constructs/console.ts).
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

function sendFile(req: IncomingMessage, res: ServerResponse, file: StaticFile): void {
  const etag = `"${createHash('sha256').update(file.body).digest('base64url').slice(0, 22)}"`;
  const headers: Record<string, string | number> = {
    'content-type': file.contentType,
    'cache-control': file.cacheControl,
    etag,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(file.contentType.startsWith('text/html') ? { 'content-security-policy': CONSOLE_CSP, 'x-frame-options': 'DENY' } : {}),
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

/** API Gateway's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

type Segment = { literal: string } | { param: string; greedy: boolean };

interface Route {
  key: string;
  method: string;
  segments: Segment[];
  service: GatewayService;
}

type Match = { route: Route; params: Record<string, string> };

/** "POST /plans/{planId}/claims" → method and segments; `{name+}` (greedy) only last, as API Gateway allows. */
export function parseRoute(key: string, service: GatewayService): Route {
  const m = /^([A-Z]+) (\/\S*)$/.exec(key);
  if (!m) throw new Error(`${service.name}: route key "${key}" is not "METHOD /path"`);
  const parts = m[2] === '/' ? [] : m[2].slice(1).split('/');
  const segments = parts.map((part, i): Segment => {
    const p = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
    if (!p) return { literal: part };
    if (p[2] && i !== parts.length - 1) throw new Error(`${service.name}: greedy parameter {${p[1]}+} must be last in "${key}"`);
    return { param: p[1], greedy: p[2] === '+' };
  });
  return { key, method: m[1], segments, service };
}

/** Path params of `route` for the decoded path segments, or undefined when it does not match. */
function matchPath(route: Route, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const s = route.segments[i];
    if ('literal' in s) {
      if (parts[i] !== s.literal) return undefined;
    } else if (s.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.some((p) => p === '')) return undefined;
      params[s.param] = rest.join('/');
      return params;
    } else {
      if (parts[i] === undefined || parts[i] === '') return undefined;
      params[s.param] = parts[i];
    }
  }
  return parts.length === route.segments.length ? params : undefined;
}

/** Most specific first: at the first segment where two routes differ, a literal beats a parameter, a parameter a greedy one. */
function specificity(a: Route, b: Route): number {
  const rank = (s: Segment | undefined) => (s === undefined ? 3 : 'literal' in s ? 0 : s.greedy ? 2 : 1);
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const d = rank(a.segments[i]) - rank(b.segments[i]);
    if (d !== 0) return d;
  }
  return 0;
}

export class Router {
  private readonly routes: Route[];

  constructor(services: readonly GatewayService[]) {
    const seen = new Map<string, string>();
    this.routes = services
      .flatMap((service) =>
        service.routes.map((key) => {
          const route = parseRoute(key, service);
          const normal = `${route.method} /${route.segments.map((s) => ('literal' in s ? s.literal : s.greedy ? '{+}' : '{}')).join('/')}`;
          const other = seen.get(normal);
          if (other) throw new Error(`route "${key}" of ${service.name} conflicts with ${other}`);
          seen.set(normal, `"${key}" of ${service.name}`);
          return route;
        }),
      )
      .sort(specificity);
  }

  /** The route for method + decoded path segments; `allow` lists the methods of the path when only the method is wrong. */
  find(method: string, parts: string[]): Match | { allow: string[] } | undefined {
    const allow = new Set<string>();
    for (const route of this.routes) {
      const params = matchPath(route, parts);
      if (!params) continue;
      if (route.method === method || route.method === 'ANY') return { route, params };
      allow.add(route.method);
    }
    return allow.size > 0 ? { allow: [...allow].sort() } : undefined;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** requestContext.time as API Gateway writes it: 12/Mar/2020:19:03:58 +0000. */
export function requestTime(epoch: number): string {
  const d = new Date(epoch);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Lower-cased headers, repeated ones joined with commas; cookies go to their own list as in payload 2.0. */
function eventHeaders(req: IncomingMessage): { headers: Record<string, string>; cookies?: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return cookies.length > 0 ? { headers, cookies } : { headers };
}

/** Query parameters decoded, repeated keys joined with commas (as API Gateway does); undefined when there are none. */
function queryParameters(raw: string): Record<string, string> | undefined {
  if (raw === '') return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

export interface RequestInfo {
  method: string;
  rawPath: string;
  rawQueryString: string;
  body: string;
  sourceIp: string;
  localPort: number;
}

/** The API Gateway HTTP API (payload 2.0) event for one request and its matched route. */
export function buildEvent(req: IncomingMessage, info: RequestInfo, match: Match): APIGatewayProxyEventV2 {
  const { headers, cookies } = eventHeaders(req);
  // What API Gateway adds in front of the function.
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${info.sourceIp}` : info.sourceIp;
  headers['x-forwarded-port'] = String(info.localPort);
  headers['x-forwarded-proto'] = 'http';
  const domainName = headers.host ?? `127.0.0.1:${info.localPort}`;
  const timeEpoch = Date.now();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.route.key,
    rawPath: info.rawPath,
    rawQueryString: info.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(info.rawQueryString ? { queryStringParameters: queryParameters(info.rawQueryString) } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: info.method,
        path: info.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: info.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.key,
      stage: '$default',
      time: requestTime(timeEpoch),
      timeEpoch,
    },
    ...(Object.keys(match.params).length > 0 ? { pathParameters: match.params } : {}),
    ...(info.body !== '' ? { body: info.body } : {}),
    isBase64Encoded: false,
  };
  return event;
}

/** A Lambda context good enough for middy and powertools (10 s, the deployed timeout). */
export function lambdaContext(functionName: string, requestId: string = randomUUID(), timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * The handler's result as API Gateway turns it into a response (payload 2.0):
 * a structured result as given; anything without a statusCode is a 200 JSON body.
 */
export function toResponse(result: APIGatewayProxyResultV2<unknown>): { statusCode: number; headers: Record<string, string | string[]>; body: Buffer } {
  const structured = typeof result === 'object' && result !== null && 'statusCode' in result;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const r = result as APIGatewayProxyStructuredResultV2;
  if (!Number.isInteger(r.statusCode) || r.statusCode! < 100 || r.statusCode! > 599)
    throw new Error(`malformed handler result: statusCode ${String(r.statusCode)}`);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (r.cookies && r.cookies.length > 0) headers['set-cookie'] = r.cookies;
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: r.statusCode!, headers, body };
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new TooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The gateway: a node:http server routing to the services' handlers (keep-alive on). Listen on it yourself. */
export function createGateway(services: readonly GatewayService[], options: GatewayOptions = {}): Server {
  const router = new Router(services);
  const log = options.log ?? (() => {});
  const logError = options.logError ?? ((line, error) => console.error(line, error));

  const server = createServer({ keepAlive: true }, (req, res) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQueryString = q === -1 ? '' : url.slice(q + 1);
    let handled = false;
    res.on('finish', () => log(`${method} ${loggablePath(rawPath)} → ${res.statusCode} (${Date.now() - started} ms)`, handled));

    const file = method === 'GET' || method === 'HEAD' ? options.files?.get(rawPath) : undefined;
    if (file) {
      req.resume();
      sendFile(req, res, file);
      return;
    }

    let parts: string[];
    try {
      parts = rawPath === '/' ? [] : rawPath.slice(1).split('/').map(decodeURIComponent);
    } catch {
      req.resume();
      sendJson(res, 400, { error: 'bad-request', message: `malformed percent-encoding in ${rawPath}` });
      return;
    }
    const found = rawPath.startsWith('/') ? router.find(method, parts) : undefined;
    if (!found) {
      req.resume();
      sendJson(res, 404, { error: 'not-found', message: `no route for ${method} ${rawPath}` });
      return;
    }
    if ('allow' in found) {
      req.resume();
      sendJson(
        res,
        405,
        { error: 'method-not-allowed', message: `${method} is not allowed on ${rawPath} (allowed: ${found.allow.join(', ')})` },
        { allow: found.allow.join(', ') },
      );
      return;
    }

    void (async () => {
      let body: string;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof TooLarge) {
          sendJson(res, 413, { error: 'payload-too-large', message: `request bodies are limited to ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
        } else {
          res.destroy();
        }
        return;
      }
      const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      const event = buildEvent(req, { method, rawPath, rawQueryString, body, sourceIp, localPort: req.socket.localPort ?? 0 }, found);
      handled = true;
      try {
        const result = await found.route.service.handler(event, lambdaContext(found.route.service.name, event.requestContext.requestId));
        const response = toResponse(result);
        res.writeHead(response.statusCode, { ...response.headers, 'content-length': response.body.length, 'apigw-requestid': event.requestContext.requestId });
        res.end(response.body);
      } catch (error) {
        logError(`${found.route.service.name}: ${found.route.key} failed (request ${event.requestContext.requestId})`, loggableError(error));
        if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'Internal Server Error', requestId: event.requestContext.requestId });
        else res.destroy();
      }
    })();
  });
  // Longer than typical client pools' idle time, so a reused connection is not closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
