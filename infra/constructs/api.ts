// The HTTP API: one route per route key of functions/services.ts, each to the
// function of the service that declares it. Adding a route is a change to a
// service's routes.ts only, and so is who may call it: public routes are open,
// every other one needs IAM (SigV4) credentials of a caller role allowed it.
// Roles are per plan: a city's insurers, bureau, channels and sponsors reach
// that city's routes (/plans/<its planId>/…) and no other city's.
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
  /** The plans deployed: each gets its own caller roles. */
  planIds: readonly string[];
  /** Accounts trusted for a kind of caller, in every plan's role of that kind. */
  callerAccounts?: CallerAccounts;
}

export class Api extends Construct {
  readonly httpApi: HttpApi;
  /** Per plan, one role per kind of caller, allowed to invoke exactly that caller's routes of that plan. */
  readonly callerRoles: Readonly<Record<string, Readonly<Record<Caller, Role>>>>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'huiminbao: enrollment windows, eligibility, adjudication, charity purchase',
    });
    this.callerRoles = Object.fromEntries(props.planIds.map((planId) => [planId,
      Object.fromEntries(CALLERS.map((caller) => [caller, this.callerRole(planId, caller, props.callerAccounts?.[caller] ?? [])])) as Record<Caller, Role>]));
    const iam = new HttpIamAuthorizer();
    const open = new HttpNoneAuthorizer();
    /** Each role → the execute-api resources it may invoke. */
    const allowed = new Map<Role, string[]>();
    for (const { spec, fn } of props.services) {
      // One integration per service, shared by its routes.
      const integration = new HttpLambdaIntegration(`${spec.name}-integration`, fn);
      for (const routeKey of spec.routes) {
        const { method, path } = parseRouteKey(routeKey);
        const callers = spec.access[routeKey];
        if (!callers) throw new Error(`route "${routeKey}" of ${spec.name} says nothing of who may call it`);
        this.httpApi.addRoutes({ path, methods: [method], integration, authorizer: isPublic(callers) ? open : iam });
        if (isPublic(callers)) continue;
        // The plan's id literal, each other path parameter a wildcard, the rest literal. (A route's own grantInvoke
        // would allow everything from the first parameter on: an insurer's grant to POST …/claims would then also
        // open the windows, and every city's.)
        for (const planId of props.planIds) {
          const arn = this.httpApi.arnForExecuteApi(method, path.replaceAll('{planId}', planId).replace(/\{[^}]+\}/g, '*'));
          for (const caller of callers as readonly Caller[]) {
            const role = this.callerRoles[planId][caller];
            allowed.set(role, [...(allowed.get(role) ?? []), arn]);
          }
        }
      }
    }
    for (const [role, arns] of allowed) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: arns }));
    const url = new CfnOutput(this, 'Url', { value: this.httpApi.url!, description: 'Base URL of the HTTP API' });
    // A fixed output name (not the hashed path-derived one) for scripts reading the stack outputs.
    url.overrideLogicalId('ApiUrl');
  }

  /**
   * A role the city's own account and the partner accounts given may assume, to sign requests as this kind of caller
   * of this plan. Its name holds `<Kind>Caller` (functions/core/http/access.ts reads the kind of a signer from it).
   */
  private callerRole(planId: string, caller: Caller, accounts: readonly string[]): Role {
    const id = `${pascal(caller)}Caller${alphanumeric(pascal(planId))}`;
    const role = new Role(this, id, {
      description: `huiminbao API caller: ${caller} of ${planId}`,
      assumedBy: new CompositePrincipal(new AccountRootPrincipal(), ...accounts.map((account) => new AccountPrincipal(account))),
    });
    new CfnOutput(this, `${id}RoleArn`, { value: role.roleArn, description: `Role to assume to call the API as ${caller} of ${planId}` })
      .overrideLogicalId(`${id}RoleArn`);
    return role;
  }
}

/** CloudFormation logical ids are letters and digits only. */
function alphanumeric(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '');
}
