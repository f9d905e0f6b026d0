// The HTTP routes this service answers (API Gateway HTTP API route keys) and who may call each (core/http/access.ts).
import type { RouteAccess } from '@huiminbao/core';

export const access = {
  'POST /plans/{planId}/orders': ['sponsor'],
  'GET /plans/{planId}/orders/{orderId}': ['sponsor', 'bureau', 'insurer'],
  'GET /plans/{planId}/orders/{orderId}/beneficiaries': ['sponsor', 'bureau', 'insurer'],
  // The plan's steps are taken by different parties (civil affairs submits, the lead insurer confirms, finance pays).
  'POST /plans/{planId}/orders/{orderId}/approvals': ['sponsor', 'bureau', 'insurer'],
  'POST /plans/{planId}/orders/{orderId}/payment': ['sponsor', 'bureau'],
  'POST /plans/{planId}/orders/{orderId}/settlement': ['sponsor', 'bureau'],
  'GET /plans/{planId}/ledger': ['public'],
  'GET /plans/{planId}/ledger.csv': ['public'],
} as const satisfies RouteAccess;

export const routes = Object.keys(access);
