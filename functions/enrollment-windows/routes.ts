// The HTTP routes this service answers (API Gateway HTTP API route keys). The
// CDK stack and the local gateway both read this list: one source of truth.
export const routes = [
  'GET /plans/{planId}/window',
  'POST /plans/{planId}/window/open',
  'POST /plans/{planId}/window/close',
  'POST /plans/{planId}/policies',
  'GET /plans/{planId}/policies/{personId}',
  'POST /plans/{planId}/policies/{personId}/payments',
  'POST /plans/{planId}/policies/{personId}/cancel',
  'PUT /plans/{planId}/policies/{personId}/auto-renewal',
  'POST /plans/{planId}/renewals',
  'GET /plans/{planId}/renewals',
  'GET /plans/{planId}/participation',
  'PUT /plans/{planId}/participation/population',
] as const;
