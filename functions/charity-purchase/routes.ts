// The HTTP routes this service answers (API Gateway HTTP API route keys).
export const routes = [
  'POST /plans/{planId}/orders',
  'GET /plans/{planId}/orders/{orderId}',
] as const;
