// The HTTP API: one route per route key of functions/services.ts, each to the
// function of the service that declares it. Adding a route is a change to a
// service's routes.ts only.
import { CfnOutput } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import type { DeployedService } from './services.ts';

const METHODS = new Set<string>(Object.values(HttpMethod));

/** "POST /plans/{planId}/claims" → { method: POST, path: '/plans/{planId}/claims' }. */
export function parseRouteKey(routeKey: string): { method: HttpMethod; path: string } {
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match || !METHODS.has(match[1])) {
    throw new Error(`route key "${routeKey}" is not "METHOD /path" (methods: ${[...METHODS].join(', ')})`);
  }
  return { method: match[1] as HttpMethod, path: match[2] };
}

export interface ApiProps {
  services: readonly DeployedService[];
}

export class Api extends Construct {
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'huiminbao: enrollment windows, eligibility, adjudication, charity purchase',
    });
    for (const { spec, fn } of props.services) {
      // One integration per service, shared by its routes.
      const integration = new HttpLambdaIntegration(`${spec.name}-integration`, fn);
      for (const routeKey of spec.routes) {
        const { method, path } = parseRouteKey(routeKey);
        this.httpApi.addRoutes({ path, methods: [method], integration });
      }
    }
    const url = new CfnOutput(this, 'Url', { value: this.httpApi.url!, description: 'Base URL of the HTTP API' });
    // A fixed output name (not the hashed path-derived one) for scripts reading the stack outputs.
    url.overrideLogicalId('ApiUrl');
  }
}
