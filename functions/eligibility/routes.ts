// The HTTP routes this service answers (API Gateway HTTP API route keys) and who may call each (core/http/access.ts).
import type { RouteAccess } from '@huiminbao/core';

export const access = {
  'POST /plans/{planId}/roster': ['bureau'],
  'POST /plans/{planId}/roster/{personId}/changes': ['bureau'],
  'GET /plans/{planId}/eligibility/{personId}': ['channel', 'insurer', 'bureau'],
} as const satisfies RouteAccess;

export const routes = Object.keys(access);
