// The OpenAPI 3.1 document, generated from the same zod schemas the handlers
// validate with, so the document cannot drift from what the API accepts.
import { z } from 'zod';
import type { Api } from '../http/api.ts';
import { isPublic, type RouteAccess } from '../http/access.ts';
import type { Deps } from '../deps.ts';
import { adjudicationApi } from './adjudication.ts';
import { enrollmentApi } from './enrollment.ts';
import { eligibilityApi } from './eligibility.ts';
import { charityApi } from './charity.ts';

const ErrorBody = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error'],
};
const InvalidRequestBody = {
  type: 'object',
  properties: {
    error: { const: 'invalid-request' },
    issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, rule: { type: 'string' } }, required: ['field', 'rule'] } },
    moreIssues: { type: 'integer', description: 'issues found beyond the first 20 listed' },
  },
  required: ['error', 'issues'],
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // Requests are documented as clients send them (before transforms); refinements are not expressible and are left out.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function pathParameters(route: Api[string]): unknown[] {
  const shape = (route.params as z.ZodObject | undefined)?.shape ?? {};
  return Object.entries(shape).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema as z.ZodType) }));
}

/** How a signed route is signed: AWS Signature Version 4 with a caller role's credentials (API Gateway's IAM authorization). */
const SIGV4 = {
  type: 'apiKey',
  name: 'Authorization',
  in: 'header',
  'x-amazon-apigateway-authtype': 'awsSigv4',
  description:
    'AWS Signature Version 4 (service execute-api) with the credentials of a caller role the route allows (x-callers): bureau, insurer, channel, sponsor or hospital.',
};

/** A route's security: none for a public one; otherwise SigV4 and the kinds of callers allowed. */
function security(callers: RouteAccess[string] | undefined): Record<string, unknown> {
  if (callers === undefined) return {};
  return isPublic(callers) ? { security: [] } : { security: [{ sigv4: [] }], 'x-callers': callers };
}

/** The document of `apis`; with `access`, each operation says whether it is signed and who may call it. */
export function openApiDocument(apis: Api[], access?: RouteAccess): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const api of apis) {
    for (const [key, route] of Object.entries(api)) {
      const [method, path] = key.split(' ');
      const responses: Record<string, unknown> = {};
      for (const [status, description] of Object.entries(route.responses)) {
        const produced = route.produces && Number(status) < 300 ? route.produces : undefined;
        responses[status] = {
          description,
          content: produced ? { [produced]: { schema: { type: 'string' } } } : { 'application/json': { schema: Number(status) < 400 ? {} : ErrorBody } },
        };
      }
      if (route.params || route.body)
        responses['400'] = {
          description: 'invalid request: every problem names its field and rule',
          content: { 'application/json': { schema: InvalidRequestBody } },
        };
      if (route.body)
        responses['415'] = { description: 'a body sent as anything but application/json', content: { 'application/json': { schema: ErrorBody } } };
      paths[path] = {
        ...paths[path],
        [method.toLowerCase()]: {
          summary: route.summary,
          operationId: `${method.toLowerCase()}${path
            .replace(/[{}]/g, '')
            .split(/[/.]/)
            .map((s) => s.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()))
            .join('')}`,
          parameters: pathParameters(route),
          ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
          responses,
          ...security(access?.[key]),
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'huiminbao', version: '0.1.0', description: '惠民保 plans as data: enrollment windows, eligibility, adjudication and charity purchase.' },
    paths,
    ...(access ? { components: { securitySchemes: { sigv4: SIGV4 } } } : {}),
  };
}

let cached: Record<string, unknown> | undefined;

/** The whole platform's document (every service's routes, and who may call each), built once. */
export function platformOpenApi(deps: () => Deps, access: RouteAccess): Record<string, unknown> {
  cached ??= openApiDocument([adjudicationApi(deps, () => cached), enrollmentApi(deps), eligibilityApi(deps), charityApi(deps)], access);
  return cached;
}
