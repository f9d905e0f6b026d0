// The HTTP kit on its own: validation into field-named 400s, domain errors to
// 404/409/422, replays marked, faults of ours a 500 that leaks nothing.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHttpHandler } from '../../functions/core/http/handler.ts';
import { route, type Api } from '../../functions/core/http/api.ts';
import { conflict, notFound, unprocessable } from '../../functions/core/errors.ts';
import { InvalidCursor } from '../../functions/core/store/store.ts';
import { Decimal } from 'decimal.js';
import { ResidentId } from '../../functions/core/identity/resident-id.ts';
import { parseNationalJson } from '../../functions/core/settlement/national.ts';

const logged: string[] = [];
const logger = new Logger({ serviceName: 'test', logLevel: 'INFO' });
// Capture what would be logged, to check that no full ID number ever appears.
(logger as unknown as { printLog: (level: number, log: { getAttributes(): unknown }) => void }).printLog = (_level, log) => {
  logged.push(JSON.stringify(log.getAttributes()));
};

const api: Api = {
  'POST /things/{id}': route({
    summary: 'echo',
    params: z.object({ id: ResidentId }),
    body: z.strictObject({ amount: z.string().regex(/^\d+$/, { error: 'must be digits' }), nested: z.object({ flag: z.boolean() }) }),
    responses: { 201: 'created' },
    handle: async ({ params, body }) => ({ status: 201, body: { id: params.id, amount: body.amount }, replayed: body.nested.flag }),
  }),
  'GET /fail/{kind}': route({
    summary: 'fails',
    params: z.object({ kind: z.string() }),
    responses: {},
    handle: async ({ params }) => {
      if (params.kind === 'missing') throw notFound('THING_NOT_FOUND', 'no such thing');
      if (params.kind === 'taken') throw conflict('TAKEN', 'taken', { by: 'someone' });
      if (params.kind === 'rule') throw unprocessable('RULE', 'breaks a rule');
      throw new Error('database password is hunter2');
    },
  }),
  'GET /page': route({
    summary: 'a page from a cursor',
    query: z.object({ after: z.string().optional() }),
    responses: { 200: 'a page' },
    handle: async ({ query }) => {
      if (query.after !== undefined) throw new InvalidCursor();
      return { status: 200, body: {} };
    },
  }),
  'POST /sum': route({
    summary: 'decimal.js on what was sent, unchecked: a fault of ours',
    body: z.strictObject({ amount: z.string() }),
    responses: { 200: 'the sum' },
    handle: async ({ body }) => ({ status: 200, body: { sum: new Decimal(body.amount).plus(1).toString() } }),
  }),
  'POST /ping': route({
    summary: 'reads no body',
    responses: { 200: 'pong' },
    handle: async () => ({ status: 200, body: { pong: true } }),
  }),
  'POST /many': route({
    summary: 'a long list',
    body: z.strictObject({ codes: z.array(z.string().regex(/^\d+$/, { error: 'must be digits' })) }),
    responses: { 200: 'ok' },
    handle: async () => ({ status: 200, body: {} }),
  }),
  'GET /slow': route({
    summary: 'takes 2 s',
    responses: { 200: 'eventually' },
    handle: async () => {
      await new Promise((r) => setTimeout(r, 2000));
      return { status: 200, body: {} };
    },
  }),
  'POST /national': route({
    summary: 'a national message: JSON numbers read as their own digits',
    body: z.strictObject({ amount: z.string().regex(/^\d+\.\d{2}$/, { error: 'must have two decimals' }) }),
    parseBody: parseNationalJson,
    responses: { 200: 'the amount as read' },
    handle: async ({ body }) => ({ status: 200, body: { amount: body.amount } }),
  }),
  'GET /things.csv': route({
    summary: 'a CSV file',
    responses: { 200: 'the file' },
    produces: 'text/csv; charset=utf-8',
    handle: async () => ({ status: 200, body: CSV, contentType: 'text/csv; charset=utf-8' }),
  }),
};
const CSV = '\uFEFFid,name\r\n1,"张三, ""三丰"""\r\n';
const handler = createHttpHandler(api, logger);

function event(routeKey: string, pathParameters: Record<string, string>, body?: string, base64 = false): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters,
    body,
    isBase64Encoded: base64,
    requestContext: { requestId: 'r1' },
  } as unknown as APIGatewayProxyEventV2;
}
const call = async (e: APIGatewayProxyEventV2) => {
  const r = await handler(e, {} as Context);
  return { status: r.statusCode, headers: r.headers ?? {}, body: JSON.parse(r.body as string) };
};
// 36010219800101001 + its GB 11643 check character (weights 7,9,10,…; sum mod 11 → '10X98765432').
const ID = '360102198001010013';

describe('createHttpHandler', () => {
  test('valid request: the route answers', async () => {
    const r = await call(event('POST /things/{id}', { id: ID }, JSON.stringify({ amount: '12', nested: { flag: false } })));
    expect(r).toMatchObject({ status: 201, body: { id: ID, amount: '12' } });
    expect(r.headers['idempotent-replayed']).toBeUndefined();
  });

  test('a body sent as anything but application/json is a 415 naming the content type; a route without a body ignores one', async () => {
    const body = JSON.stringify({ amount: '12', nested: { flag: false } });
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', undefined]) {
      const e = event('POST /things/{id}', { id: ID }, body);
      e.headers = type === undefined ? {} : { 'content-type': type };
      const r = await call(e);
      expect(r).toMatchObject({
        status: 415,
        body: { error: 'unsupported-media-type', issues: [{ field: 'header.content-type', rule: 'must be application/json' }] },
      });
      expect(r.body.message).toContain(type ?? 'no content type');
    }
    // The media type decides, whatever the parameters and the header name's case.
    const spelled = event('POST /things/{id}', { id: ID }, body);
    spelled.headers = { 'Content-Type': 'Application/JSON; charset=utf-8' };
    expect((await call(spelled)).status).toBe(201);
    const ping = event('POST /ping', {}, 'not json at all');
    ping.headers = { 'content-type': 'text/plain' };
    expect(await call(ping)).toMatchObject({ status: 200, body: { pong: true } });
  });

  test("a route reads its body with its own parser: a national message's JSON numbers keep their digits; still JSON only", async () => {
    expect(await call(event('POST /national', {}, '{"amount": 1234.50}'))).toMatchObject({ status: 200, body: { amount: '1234.50' } });
    // JSON.parse would make it 1234.5 (one decimal) and 1234.5000000000001 1234.5: read as sent, both are refused.
    expect(await call(event('POST /national', {}, '{"amount": 1234.5000000000001}'))).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'body.amount' }] },
    });
    expect(await call(event('POST /national', {}, '{"amount": '))).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'body', rule: 'must be a JSON document' }] },
    });
    const text = event('POST /national', {}, '{"amount": 1234.50}');
    text.headers = { 'content-type': 'text/plain' };
    expect((await call(text)).status).toBe(415);
  });

  test('a cursor the API did not hand out is a 400 naming query.after, not a 500', async () => {
    const e = event('GET /page', {});
    e.queryStringParameters = { after: 'eyJwayI6IlBFUlNPTiMxIn0' };
    expect(await call(e)).toEqual({
      status: 400,
      headers: expect.anything(),
      body: { error: 'invalid-request', issues: [{ field: 'query.after', rule: 'must be a cursor this API returned for this query' }] },
    });
  });

  test('a 400 lists the first 20 issues and counts the rest', async () => {
    const r = await call(event('POST /many', {}, JSON.stringify({ codes: Array.from({ length: 40_000 }, () => 'x') })));
    expect(r.status).toBe(400);
    expect(r.body.issues).toHaveLength(20);
    expect(r.body.issues[0]).toEqual({ field: 'body.codes[0]', rule: 'must be digits' });
    expect(r.body.moreIssues).toBe(39_980);
  });

  test('a fault that quotes what was sent (a DecimalError) logs its name and stack, never the value', async () => {
    logged.length = 0;
    const r = await call(event('POST /sum', {}, JSON.stringify({ amount: ID })));
    expect(r.status).toBe(200); // an ID is a number to decimal.js: the point is the next one
    const bad = await call(event('POST /sum', {}, JSON.stringify({ amount: `${ID},00` })));
    expect(bad).toMatchObject({ status: 500, body: { error: 'internal' } });
    const line = logged.join('\n');
    expect(line).toContain('unhandled error');
    expect(line).toContain('"name":"Error"');
    expect(line).not.toContain(ID.slice(6, 14));
    expect(line).not.toContain('DecimalError');
  });

  test('a replay answers the same status, marked by a header', async () => {
    const r = await call(event('POST /things/{id}', { id: ID }, JSON.stringify({ amount: '12', nested: { flag: true } })));
    expect(r.status).toBe(201);
    expect(r.headers['idempotent-replayed']).toBe('true');
  });

  test('every invalid field is named with its rule, path and body together', async () => {
    const r = await call(event('POST /things/{id}', { id: '123' }, JSON.stringify({ amount: 'x', nested: {}, extra: 1 })));
    expect(r.status).toBe(400);
    expect(r.body.issues).toEqual(
      expect.arrayContaining([
        { field: 'path.id', rule: 'must be 17 digits and a check digit or X (GB 11643)' },
        { field: 'body.amount', rule: 'must be digits' },
        { field: 'body.nested.flag', rule: expect.stringMatching(/expected boolean/) },
        { field: 'body.extra', rule: 'unknown field' },
      ]),
    );
  });

  test('a body that is not JSON, plain or base64, is a 400 naming the body', async () => {
    expect((await call(event('POST /things/{id}', { id: ID }, '{nope'))).body).toEqual({
      error: 'invalid-request',
      issues: [{ field: 'body', rule: 'must be a JSON document' }],
    });
    const b64 = Buffer.from(JSON.stringify({ amount: '7', nested: { flag: false } })).toString('base64');
    expect((await call(event('POST /things/{id}', { id: ID }, b64, true))).body).toMatchObject({ amount: '7' });
  });

  test.each([
    ['missing', 404, 'THING_NOT_FOUND'],
    ['taken', 409, 'TAKEN'],
    ['rule', 422, 'RULE'],
  ])('domain error %s → %i', async (kind, status, code) => {
    const r = await call(event('GET /fail/{kind}', { kind }));
    expect(r).toMatchObject({ status, body: { error: code } });
  });

  test('a fault of ours is a 500 that leaks nothing', async () => {
    const r = await call(event('GET /fail/{kind}', { kind: 'crash' }));
    expect(r).toEqual({ status: 500, headers: expect.anything(), body: { error: 'internal', message: 'internal error; it has been logged' } });
    expect(JSON.stringify(r.body)).not.toContain('hunter2');
  });

  test('a reply with a content type is sent as is, not as JSON', async () => {
    const r = await handler(event('GET /things.csv', {}), {} as Context);
    expect(r.statusCode).toBe(200);
    expect(r.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.body).toBe(CSV);
  });

  test("the OpenAPI document lists a route's own content type for its success response", async () => {
    const { openApiDocument } = await import('../../functions/core/api/openapi.ts');
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const doc = openApiDocument([api]) as { paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>> };
    expect(doc.paths['/things.csv'].get.responses['200'].content).toEqual({ 'text/csv; charset=utf-8': { schema: { type: 'string' } } });
    expect(Object.keys(doc.paths['/things/{id}'].post.responses['201'].content)).toEqual(['application/json']);
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
  });

  test('a request about to run out of Lambda time answers 503 with retry-after, not a bare failure', async () => {
    // 800 ms left: middy gives up TIMEOUT_MARGIN_MS (500 ms) before the end.
    const r = await handler(event('GET /slow', {}), { getRemainingTimeInMillis: () => 800 } as Context);
    expect(r.statusCode).toBe(503);
    expect(r.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(r.body!)).toMatchObject({ error: 'timeout' });
  });

  test('an unknown route is a 404', async () => {
    expect((await call(event('GET /nowhere', {}))).status).toBe(404);
  });

  test('log lines carry masked ID numbers only', async () => {
    logged.length = 0;
    await call(event('POST /things/{id}', { id: ID }, JSON.stringify({ amount: '1', nested: { flag: false } })));
    expect(logged.join('\n')).toContain('360102********0013');
    expect(logged.join('\n')).not.toContain(ID);
    // Padded, or too long to be valid: still masked (the line is written whether or not the ID passes validation).
    for (const id of [`${ID} `, ` ${ID}`, `${ID}9`]) {
      logged.length = 0;
      await call(event('POST /things/{id}', { id }, JSON.stringify({ amount: '1', nested: { flag: false } })));
      expect(logged.join('\n')).not.toContain(ID.slice(6, 14));
    }
  });

  test('a signed request logs who signed it (the caller role session); an unsigned one nothing', async () => {
    const userArn = 'arn:aws:sts::111122223333:assumed-role/HuiminbaoStack-ApiInsurerCaller/claims-gateway';
    const signed = event('POST /things/{id}', { id: ID }, JSON.stringify({ amount: '1', nested: { flag: false } }));
    (signed.requestContext as unknown as Record<string, unknown>).authorizer = { iam: { userArn } };
    logged.length = 0;
    await call(signed);
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({ route: 'POST /things/{id}', status: 201, caller: userArn });
    logged.length = 0;
    await call(event('GET /fail/{kind}', { kind: 'missing' }));
    expect(JSON.parse(logged.at(-1)!)).not.toHaveProperty('caller');
  });

  test("every line a request logs, the unhandled error's too, carries its request id and the Lambda context, and the next request's only its own", async () => {
    const context = (awsRequestId: string) =>
      ({
        functionName: 'HuiminbaoStack-ServicesAdjudication',
        functionVersion: '$LATEST',
        memoryLimitInMB: '512',
        awsRequestId,
        invokedFunctionArn: 'arn:aws:lambda:cn-north-1:111122223333:function:HuiminbaoStack-ServicesAdjudication',
      }) as unknown as Context;
    logged.length = 0;
    const failing = event('GET /fail/{kind}', { kind: 'boom' });
    (failing.requestContext as { requestId: string }).requestId = 'api-request-1';
    expect((await handler(failing, context('lambda-request-1'))).statusCode).toBe(500);
    // The unhandled error, then the request line.
    expect(logged).toHaveLength(2);
    for (const line of logged.map((l) => JSON.parse(l))) {
      expect(line).toMatchObject({
        requestId: 'api-request-1',
        function_request_id: 'lambda-request-1',
        function_name: 'HuiminbaoStack-ServicesAdjudication',
        cold_start: expect.any(Boolean),
      });
    }
    expect(JSON.parse(logged[0]).message).toBe('unhandled error');
    logged.length = 0;
    const next = event('GET /fail/{kind}', { kind: 'missing' });
    (next.requestContext as { requestId: string }).requestId = 'api-request-2';
    await handler(next, context('lambda-request-2'));
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({ requestId: 'api-request-2', function_request_id: 'lambda-request-2', status: 404 });
    expect(logged.join('\n')).not.toContain('request-1');
  });
});

describe('resident ID numbers (GB 11643)', async () => {
  const { isResidentId, maskId, maskName, residentIdCheckChar } = await import('../../functions/core/identity/resident-id.ts');
  test('the published example 11010519491231002X is valid; one changed digit is not', () => {
    // GB 11643's own example: weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2 over 11010519491231002 sum to 167; 167 mod 11 = 2 → 'X'.
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(isResidentId('11010519491231002X')).toBe(true);
    expect(isResidentId('11010519491231003X')).toBe(false);
    expect(isResidentId('11010519490231002X')).toBe(false); // 31 February... as 0231: not a date
  });
  test('masks keep region and last four, surname only', () => {
    expect(maskId('11010519491231002X')).toBe('110105********002X');
    expect(maskName('张三丰')).toBe('张**');
  });
});
