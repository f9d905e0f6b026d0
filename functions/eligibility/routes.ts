// The HTTP routes this service answers (API Gateway HTTP API route keys).
export const routes = [
  'POST /plans/{planId}/roster',
  'POST /plans/{planId}/roster/{personId}/changes',
  'GET /plans/{planId}/eligibility/{personId}',
] as const;
