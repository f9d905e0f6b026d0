// The HTTP routes this service answers (API Gateway HTTP API route keys) and who
// may call each (core/http/access.ts). The CDK stack and the local gateway both read
// this list: one source of truth.
import type { RouteAccess } from '@huiminbao/core';

export const access = {
  'GET /plans/{planId}/window': ['public'],
  'GET /plans/{planId}/window/history': ['bureau'],
  'POST /plans/{planId}/window/open': ['bureau'],
  'POST /plans/{planId}/window/close': ['bureau'],
  'POST /plans/{planId}/policies': ['channel'],
  'GET /plans/{planId}/policies/{personId}': ['channel', 'insurer', 'bureau'],
  // The payment provider, through the channel; the bureau for a personal-account debit it made.
  'POST /plans/{planId}/policies/{personId}/payments': ['channel', 'bureau'],
  'POST /plans/{planId}/policies/{personId}/cancel': ['channel'],
  'PUT /plans/{planId}/policies/{personId}/auto-renewal': ['channel'],
  'POST /plans/{planId}/renewals': ['bureau'],
  'GET /plans/{planId}/renewals': ['bureau', 'insurer'],
  'GET /plans/{planId}/participation': ['bureau', 'insurer'],
  'PUT /plans/{planId}/participation/population': ['bureau'],
} as const satisfies RouteAccess;

export const routes = Object.keys(access);
