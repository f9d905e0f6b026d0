// The HTTP routes this service answers (API Gateway HTTP API route keys).
export const routes = [
  'POST /plans/{planId}/orders',
  'GET /plans/{planId}/orders/{orderId}',
  'GET /plans/{planId}/orders/{orderId}/beneficiaries',
  'POST /plans/{planId}/orders/{orderId}/approvals',
  'POST /plans/{planId}/orders/{orderId}/payment',
  'POST /plans/{planId}/orders/{orderId}/settlement',
  'GET /plans/{planId}/ledger',
  'GET /plans/{planId}/ledger.csv',
] as const;
