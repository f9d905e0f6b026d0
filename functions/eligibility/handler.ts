// Placeholder until the service lands: answers 501 so routes and infra can be wired first.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export async function handler(_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return { statusCode: 501, body: JSON.stringify({ error: 'not implemented yet' }) };
}
