// The HTTP routes this service answers (API Gateway HTTP API route keys) and who may call each (core/http/access.ts).
import type { RouteAccess } from '@huiminbao/core';

export const access = {
  'GET /plans': ['public'],
  'GET /plans/{planId}': ['public'],
  'POST /plans/{planId}/claims': ['insurer'],
  'GET /plans/{planId}/claims/{claimId}': ['insurer', 'bureau'],
  'POST /plans/{planId}/claims/{claimId}/reversal': ['insurer'],
  'POST /plans/{planId}/claims/{claimId}/correction': ['insurer'],
  'GET /plans/{planId}/members/{memberId}/accumulators': ['insurer', 'bureau'],
  'GET /plans/{planId}/loss-ratio': ['bureau', 'insurer'],
  'GET /plans/{planId}/statements/{date}': ['insurer', 'bureau'],
  'POST /plans/{planId}/direct-settlement/trials': ['hospital'],
  'POST /plans/{planId}/direct-settlement/settlements': ['hospital'],
  'POST /plans/{planId}/direct-settlement/settlements/{setlId}/cancellation': ['hospital'],
  'GET /plans/{planId}/direct-settlement/members/{memberId}/totals': ['hospital'],
  'GET /plans/{planId}/direct-settlement/reconciliation/{date}': ['hospital', 'insurer', 'bureau'],
  'GET /plans/{planId}/direct-settlement/reconciliation/{date}/csv': ['hospital', 'insurer', 'bureau'],
  'GET /openapi.json': ['public'],
} as const satisfies RouteAccess;

export const routes = Object.keys(access);
