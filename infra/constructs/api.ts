// The HTTP API: one route per route key of functions/services.ts, each to the
// function of the service that declares it. Adding a route is a change to a
// service's routes.ts only, and so is who may call it: public routes are open,
// every other one needs IAM (SigV4) credentials of a caller role allowed it.
import { CfnOutput } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountPrincipal, AccountRootPrincipal, CompositePrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CALLERS, isPublic, type Caller } from '@huiminbao/core';
import { pascal, type DeployedService } from './services.ts';

const METHODS = new Set<string>(Object.values(HttpMethod));

/** "POST /plans/{planId}/claims" → { method: POST, path: '/plans/{planId}/claims' }. */
export function parseRouteKey(routeKey: string): { method: HttpMethod; path: string } {
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match || !METHODS.has(match[1])) {
    throw new Error(`route key "${routeKey}" is not "METHOD /path" (methods: ${[...METHODS].join(', ')})`);
  }
  return { method: match[1] as HttpMethod, path: match[2] };
}

/** AWS accounts (12 digits) whose principals may assume each caller role, besides this account's. */
export type CallerAccounts = Partial<Record<Caller, readonly string[]>>;

export interface ApiProps {
  services: readonly DeployedService[];
  callerAccounts?: CallerAccounts;
}

export class Api extends Construct {
  readonly httpApi: HttpApi;
  /** One role per kind of caller, allowed to invoke exactly that caller's routes. */
  readonly callerRoles: Readonly<Record<Caller, Role>>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'huiminbao: enrollment windows, eligibility, adjudication, charity purchase',
    });
    this.callerRoles = Object.fromEntries(CALLERS.map((caller) => [caller, this.callerRole(caller, props.callerAccounts?.[caller] ?? [])])) as Record<Caller, Role>;
    const iam = new HttpIamAuthorizer();
    const open = new HttpNoneAuthorizer();
    const allowed = new Map<Caller, string[]>(CALLERS.map((caller) => [caller, []]));
    for (const { spec, fn } of props.services) {
      // One integration per service, shared by its routes.
      const integration = new HttpLambdaIntegration(`${spec.name}-integration`, fn);
      for (const routeKey of spec.routes) {
        const { method, path } = parseRouteKey(routeKey);
        const callers = spec.access[routeKey];
        if (!callers) throw new Error(`route "${routeKey}" of ${spec.name} says nothing of who may call it`);
        this.httpApi.addRoutes({ path, methods: [method], integration, authorizer: isPublic(callers) ? open : iam });
        if (isPublic(callers)) continue;
        // Each path parameter a wildcard, the rest literal. (A route's own grantInvoke would allow everything
        // from the first parameter on: an insurer's grant to POST …/claims would then also open the windows.)
        const arn = this.httpApi.arnForExecuteApi(method, path.replace(/\{[^}]+\}/g, '*'));
        for (const caller of callers as readonly Caller[]) allowed.get(caller)!.push(arn);
      }
    }
    for (const [caller, arns] of allowed) {
      if (arns.length > 0) this.callerRoles[caller].addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: arns }));
    }
    const url = new CfnOutput(this, 'Url', { value: this.httpApi.url!, description: 'Base URL of the HTTP API' });
    // A fixed output name (not the hashed path-derived one) for scripts reading the stack outputs.
    url.overrideLogicalId('ApiUrl');
  }

  /** A role the city's own account and the partner accounts given may assume, to sign requests as this kind of caller. */
  private callerRole(caller: Caller, accounts: readonly string[]): Role {
    const role = new Role(this, `${pascal(caller)}Caller`, {
      description: `huiminbao API caller: ${caller}`,
      assumedBy: new CompositePrincipal(new AccountRootPrincipal(), ...accounts.map((account) => new AccountPrincipal(account))),
    });
    new CfnOutput(this, `${pascal(caller)}CallerRoleArn`, { value: role.roleArn, description: `Role to assume to call the API as ${caller}` })
      .overrideLogicalId(`${pascal(caller)}CallerRoleArn`);
    return role;
  }
}
