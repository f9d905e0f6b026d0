// The HTTP API: one route per route key of functions/services.ts, each to the
// function of the service that declares it. Adding a route is a change to a
// service's routes.ts only, and so is who may call it: public routes are open,
// every other one needs IAM (SigV4) credentials of a caller role allowed it.
// One role per kind of caller, whatever the number of plans: which plans a
// partner reaches is the partner registry's, checked by every handler
// (functions/core/http/partners.ts), so a city joins or a partner gains a
// city with no deploy, and the template stays the same size.
import { CfnOutput, Stack } from 'aws-cdk-lib';
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
  /** Accounts trusted for a kind of caller (a partner account may sign as that kind; the registry says for which plans). */
  callerAccounts?: CallerAccounts;
}

/**
 * The trust every caller role requires: the session is named after the assuming principal's own account, so the
 * session's name, which the handlers read as the partner, cannot be another partner's.
 */
export const SESSION_NAMED_AFTER_ACCOUNT = { StringEquals: { 'sts:RoleSessionName': '${aws:PrincipalAccount}' } };

export class Api extends Construct {
  readonly httpApi: HttpApi;
  /** One role per kind of caller, allowed to invoke exactly that kind's routes, of any plan: the registry narrows it to plans. */
  readonly callerRoles: Readonly<Record<Caller, Role>>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'huiminbao: enrollment windows, eligibility, adjudication, charity purchase',
    });
    this.callerRoles = Object.fromEntries(CALLERS.map((caller) => [caller, this.callerRole(caller, props.callerAccounts?.[caller] ?? [])])) as Record<Caller, Role>;
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
        // Every path parameter a wildcard (the plan's too: which plans a partner reaches is the registry's), the rest
        // literal. (A route's own grantInvoke would allow everything from the first parameter on: an insurer's grant
        // to POST …/claims would then also open the windows.)
        const arn = this.httpApi.arnForExecuteApi(method, path.replace(/\{[^}]+\}/g, '*'));
        for (const caller of callers as readonly Caller[]) allowed.set(this.callerRoles[caller], [...(allowed.get(this.callerRoles[caller]) ?? []), arn]);
      }
      // The handlers tell a signer's kind by the exact role ARN, never by a name's spelling.
      fn.addEnvironment('HMB_CALLER_ROLES', Stack.of(this).toJsonString(Object.fromEntries(CALLERS.map((c) => [c, this.callerRoles[c].roleArn]))));
    }
    for (const [role, arns] of allowed) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: arns }));
    const url = new CfnOutput(this, 'Url', { value: this.httpApi.url!, description: 'Base URL of the HTTP API' });
    // A fixed output name (not the hashed path-derived one) for scripts reading the stack outputs.
    url.overrideLogicalId('ApiUrl');
  }

  /**
   * A role the city's own account and the partner accounts given may assume, to sign requests as this kind of
   * caller, naming the session after their account (SESSION_NAMED_AFTER_ACCOUNT).
   */
  private callerRole(caller: Caller, accounts: readonly string[]): Role {
    const id = `${pascal(caller)}Caller`;
    const principals = [new AccountRootPrincipal(), ...accounts.map((account) => new AccountPrincipal(account))];
    const role = new Role(this, id, {
      description: `huiminbao API caller: ${caller} (the partner registry says of which plans)`,
      assumedBy: new CompositePrincipal(...principals.map((p) => p.withConditions(SESSION_NAMED_AFTER_ACCOUNT))),
    });
    new CfnOutput(this, `${id}RoleArn`, { value: role.roleArn, description: `Role to assume (session name: your AWS account id) to call the API as ${caller}` })
      .overrideLogicalId(`${id}RoleArn`);
    return role;
  }
}
