// The HTTP routes this service answers (API Gateway HTTP API route keys).
export const routes = [
  'GET /plans',
  'POST /plans/{planId}/claims',
  'GET /plans/{planId}/claims/{claimId}',
  'POST /plans/{planId}/claims/{claimId}/reversal',
  'GET /plans/{planId}/members/{memberId}/accumulators',
  'GET /openapi.json',
] as const;
