// The local gateway with fake services whose handlers echo the event they get:
// routing, the API Gateway v2 event, and the gateway's own error answers.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createGateway, MAX_BODY_BYTES, requestTime, Router, type GatewayService } from '../../local/gateway.ts';

const echo = (service: string) => async (event: APIGatewayProxyEventV2) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'x-service': service },
  body: JSON.stringify({ service, event }),
});

const services: GatewayService[] = [
  {
    name: 'claims',
    routes: ['GET /plans', 'POST /plans/{planId}/claims', 'GET /plans/{planId}/claims/{claimId}', 'GET /plans/{planId}/claims/latest'],
    handler: echo('claims'),
  },
  { name: 'windows', routes: ['GET /plans/{planId}/window', 'POST /plans/{planId}/window/open'], handler: echo('windows') },
  {
    name: 'odd',
    routes: ['GET /boom', 'GET /teapot', 'GET /bare', 'GET /malformed', 'GET /files/{path+}', 'ANY /any'],
    handler: async (event) => {
      if (event.rawPath === '/boom') throw new Error('secret detail at /srv/handler.ts:42');
      if (event.rawPath === '/teapot') return { statusCode: 418, headers: { 'X-Custom': 'yes' }, cookies: ['a=1', 'b=2'], body: 'short and stout' };
      if (event.rawPath === '/bare') return { planId: 'p', ok: true };
      if (event.rawPath === '/malformed') return { statusCode: 'two hundred' } as never;
      return { statusCode: 200, body: JSON.stringify({ event }) };
    },
  },
];

const logError = vi.fn();
const server = createGateway(services, { logError });
let base = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${base}${path}`, { method, body: init.body, headers: init.headers });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe('routing', () => {
  test('method and path pick the service and route key', async () => {
    const r = await call('POST', '/plans/jiangxi-2023/claims', { body: '{}' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-service')).toBe('claims');
    expect(r.json.event.routeKey).toBe('POST /plans/{planId}/claims');
    expect(r.json.event.pathParameters).toEqual({ planId: 'jiangxi-2023' });
    expect((await call('POST', '/plans/jiangxi-2023/window/open')).json.event.routeKey).toBe('POST /plans/{planId}/window/open');
  });

  test('a parameter matches exactly one non-empty segment', async () => {
    expect((await call('GET', '/plans/a/b/window')).status).toBe(404);
    expect((await call('GET', '/plans//window')).status).toBe(404);
    expect((await call('GET', '/plans/a/window/')).status).toBe(404);
  });

  test('path parameters are URI-decoded, rawPath is not', async () => {
    const r = await call('GET', '/plans/%E6%B1%9F%E8%A5%BF%202023/claims/c%2F1');
    expect(r.json.event.pathParameters).toEqual({ planId: '江西 2023', claimId: 'c/1' });
    expect(r.json.event.rawPath).toBe('/plans/%E6%B1%9F%E8%A5%BF%202023/claims/c%2F1');
    expect(r.json.event.requestContext.http.path).toBe('/plans/%E6%B1%9F%E8%A5%BF%202023/claims/c%2F1');
  });

  test('malformed percent-encoding is a 400', async () => {
    const r = await call('GET', '/plans/%E6%B1/window');
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('bad-request');
  });

  test('an exact route wins over a parameterised one, whatever the declaration order', async () => {
    expect((await call('GET', '/plans/p/claims/latest')).json.event).toMatchObject({ routeKey: 'GET /plans/{planId}/claims/latest' });
    expect((await call('GET', '/plans/p/claims/other')).json.event).toMatchObject({
      routeKey: 'GET /plans/{planId}/claims/{claimId}',
      pathParameters: { claimId: 'other' },
    });
    const router = new Router([{ name: 'x', routes: ['GET /a/{id}', 'GET /a/b'], handler: echo('x') }]);
    expect(router.find('GET', ['a', 'b'])).toMatchObject({ route: { key: 'GET /a/b' } });
  });

  test('greedy parameters and ANY, as API Gateway route keys allow', async () => {
    expect((await call('GET', '/files/a/b%20c/d.txt')).json.event.pathParameters).toEqual({ path: 'a/b c/d.txt' });
    expect((await call('DELETE', '/any')).json.event.routeKey).toBe('ANY /any');
  });

  test('conflicting route keys are refused when the gateway is built', () => {
    expect(() =>
      createGateway([
        { name: 'a', routes: ['GET /plans/{planId}'], handler: echo('a') },
        { name: 'b', routes: ['GET /plans/{id}'], handler: echo('b') },
      ]),
    ).toThrow(/conflicts with "GET \/plans\/\{planId\}" of a/);
    expect(() => createGateway([{ name: 'a', routes: ['GET plans'], handler: echo('a') }])).toThrow(/not "METHOD \/path"/);
  });

  test('an unknown route is a 404 naming it', async () => {
    const r = await call('GET', '/x?y=1');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json).toEqual({ error: 'not-found', message: 'no route for GET /x' });
  });

  test('a known path with another method is a 405 with allow', async () => {
    const r = await call('DELETE', '/plans/p/claims');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.json.error).toBe('method-not-allowed');
    expect((await call('PUT', '/plans/p/claims/latest')).headers.get('allow')).toBe('GET');
  });
});

describe('the API Gateway HTTP API v2 event', () => {
  test('every field a Lambda behind an HTTP API receives', async () => {
    const before = Date.now();
    const r = await call('POST', '/plans/jiangxi-2023/claims?tier=standard&tag=a&tag=b&q=%E6%B1%9F+x', {
      body: '{"claimId":"c-1","名":"张三"}',
      headers: { 'Content-Type': 'application/json', 'X-Trace-Id': 'abc', 'User-Agent': 'test-agent/1.0', Cookie: 'session=s1; lang=zh' },
    });
    const e = r.json.event as APIGatewayProxyEventV2;
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'POST /plans/{planId}/claims',
      rawPath: '/plans/jiangxi-2023/claims',
      rawQueryString: 'tier=standard&tag=a&tag=b&q=%E6%B1%9F+x',
      queryStringParameters: { tier: 'standard', tag: 'a,b', q: '江 x' },
      pathParameters: { planId: 'jiangxi-2023' },
      body: '{"claimId":"c-1","名":"张三"}',
      isBase64Encoded: false,
      cookies: ['session=s1', 'lang=zh'],
    });
    expect(e.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace-id': 'abc', 'user-agent': 'test-agent/1.0', 'x-forwarded-proto': 'http' });
    expect(Object.keys(e.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(e.headers.cookie).toBeUndefined();
    expect(e.headers.host).toBe(base.replace('http://', ''));
    const c = e.requestContext;
    expect(c).toMatchObject({
      accountId: 'local',
      apiId: 'local',
      stage: '$default',
      routeKey: 'POST /plans/{planId}/claims',
      domainName: base.replace('http://', ''),
      http: { method: 'POST', path: '/plans/jiangxi-2023/claims', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test-agent/1.0' },
    });
    expect(c.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.headers.get('apigw-requestid')).toBe(c.requestId);
    expect(c.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(c.timeEpoch).toBeLessThanOrEqual(Date.now());
    expect(c.time).toBe(requestTime(c.timeEpoch));
    expect(c.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  test('without query, path parameters or body those fields are absent', async () => {
    const e = (await call('GET', '/plans')).json.event as APIGatewayProxyEventV2;
    expect(e.rawQueryString).toBe('');
    expect(e).not.toHaveProperty('queryStringParameters');
    expect(e).not.toHaveProperty('pathParameters');
    expect(e).not.toHaveProperty('body');
    expect(e).not.toHaveProperty('cookies');
  });

  test('every request gets its own request id', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await call('GET', '/plans')).json.event.requestContext.requestId));
    expect(new Set(ids).size).toBe(3);
  });

  test('repeated headers are joined with commas', async () => {
    const e = await new Promise<APIGatewayProxyEventV2>((resolve, reject) => {
      const req = request(`${base}/plans`, { headers: { 'X-Multi': ['a', 'b'] } }, (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve(JSON.parse(text).event));
      });
      req.on('error', reject);
      req.end();
    });
    expect(e.headers['x-multi']).toBe('a,b');
  });
});

describe('the response', () => {
  test('status, headers, cookies and body as the handler returned them', async () => {
    const r = await call('GET', '/teapot');
    expect(r.status).toBe(418);
    expect(r.headers.get('x-custom')).toBe('yes');
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(r.text).toBe('short and stout');
  });

  test('a result without statusCode is a 200 JSON body, as API Gateway infers', async () => {
    const r = await call('GET', '/bare');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json).toEqual({ planId: 'p', ok: true });
  });

  test('a handler that throws is a 500 without the stack; the error is logged by its name and stack, not its message', async () => {
    logError.mockClear();
    const r = await call('GET', '/boom');
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ error: 'internal', message: 'Internal Server Error' });
    expect(r.text).not.toMatch(/secret|handler\.ts|at /);
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError.mock.calls[0][0]).toMatch(/GET \/boom failed/);
    // A message may quote what the client sent (an ID in a DecimalError's): the log keeps where, not what.
    const logged = logError.mock.calls[0][1] as { name: string; stack: string };
    expect(logged).toMatchObject({ name: 'Error', stack: expect.stringMatching(/^\s+at /) });
    expect(JSON.stringify(logged)).not.toContain('secret detail');
  });

  test('a malformed result is a 500 too', async () => {
    expect((await call('GET', '/malformed')).status).toBe(500);
  });

  test('the connection is kept alive between requests', async () => {
    const r = await call('GET', '/plans');
    expect(r.headers.get('connection')).toBe('keep-alive');
  });
});

describe('bodies', () => {
  test('a body of up to 10 MB reaches the handler whole', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES - 20) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const r = await call('POST', '/plans/p/claims', { body });
    expect(r.status).toBe(200);
    expect(r.json.event.body.length).toBe(body.length);
  });

  test('a larger body is a 413', async () => {
    const r = await call('POST', '/plans/p/claims', { body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(r.status).toBe(413);
    expect(r.json.error).toBe('payload-too-large');
  });

  test('a larger chunked body (no content-length) is a 413 too', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/plans/p/claims`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 11; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });
});

describe('log lines', () => {
  // 36010219800101001 + its GB 11643 check character 3 (weighted sum mod 11 = 9 → '10X98765432'[9] = '3').
  const ID = '360102198001010013';
  const lines: string[] = [];
  const logged = createGateway(services, { log: (line) => void lines.push(line), logError: () => {} });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => logged.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(logged.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    logged.closeAllConnections();
    await new Promise((r) => logged.close(r));
  });

  const send = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${url}${path}`, { method, body });
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 20)); // the line is written when the response finishes
    return res.status;
  };

  test('every path the gateway logs has its IDs masked: its own 404, 405 and 413, percent-encoded or not, and those it hands on', async () => {
    lines.length = 0;
    const encoded = [...ID].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    expect(await send('GET', `/nowhere/${ID}`)).toBe(404);
    expect(await send('GET', `/nowhere/${encoded}`)).toBe(404);
    expect(await send('DELETE', `/plans/${ID}/window`)).toBe(405);
    expect(await send('POST', `/plans/${ID}/claims`, 'x'.repeat(MAX_BODY_BYTES + 1))).toBe(413);
    expect(await send('GET', `/plans/p/claims/${ID}`)).toBe(200);
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).toContain('360102********0013');
      expect(line).not.toContain(ID.slice(6, 14)); // the birth date
      expect(line).not.toContain('%3');
    }
  });

  test('a path cannot forge a second log line', async () => {
    lines.length = 0;
    expect(await send('GET', '/nowhere%0AGET%20/plans%20→%20200')).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toContain('\uFFFD');
  });
});
