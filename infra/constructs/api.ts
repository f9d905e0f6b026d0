// The HTTP API: one route per route key of functions/services.ts, each to the
// function of the service that declares it. Adding a route is a change to a
// service's routes.ts only, and so is who may call it: public routes are open,
// every other one needs IAM (SigV4) credentials of a caller role allowed it.
// One role per kind of caller, whatever the number of plans: which plans a
// partner reaches is the partner registry's, checked by every handler
// (functions/core/http/partners.ts), so a city joins or a partner gains a
// city with no deploy, and the template stays the same size.
import { CfnOutput, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, type CfnStage, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountPrincipal, AccountRootPrincipal, CompositePrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CALLERS, isPublic, type Caller } from '@huiminbao/core';
import { LOG_RETENTION, pascal, type DeployedService } from './services.ts';

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

/**
 * The whole API's rate (requests a second, steady) and burst: well above a city's enrollment opening, well below the
 * account's 10,000, so one runaway client cannot take the account's capacity from the other APIs in it.
 */
export const STAGE_THROTTLE: Required<ThrottleSettings> = { rateLimit: 1000, burstLimit: 2000 };

/**
 * Public routes answer anyone, unsigned: each has a tighter limit of its own, so a scraper or a flood on them cannot
 * use up the stage's rate that insurers, channels and the bureau need. The CSV reads a page of the ledger per request.
 */
export const PUBLIC_THROTTLE: Readonly<Record<string, Required<ThrottleSettings>>> = {
  'GET /plans': { rateLimit: 50, burstLimit: 100 },
  'GET /plans/{planId}': { rateLimit: 50, burstLimit: 100 },
  // Read by residents' apps while a window is open.
  'GET /plans/{planId}/window': { rateLimit: 200, burstLimit: 400 },
  'GET /plans/{planId}/ledger': { rateLimit: 20, burstLimit: 40 },
  'GET /plans/{planId}/ledger.csv': { rateLimit: 5, burstLimit: 10 },
  'GET /openapi.json': { rateLimit: 10, burstLimit: 20 },
};

/** Any public route not listed above. */
export const PUBLIC_DEFAULT_THROTTLE: Required<ThrottleSettings> = { rateLimit: 20, burstLimit: 40 };

/**
 * One JSON line per request: who (the signing role's session, the source address), which route (its key, with
 * `{personId}` as written: the path itself, which holds resident IDs, is never logged), the answer and its timing.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    error: '$context.error.message',
    caller: '$context.identity.userArn',
    sourceIp: '$context.identity.sourceIp',
  }),
);

export class Api extends Construct {
  readonly httpApi: HttpApi;
  /** The `$default` stage: throttled, access-logged. */
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** One role per kind of caller, allowed to invoke exactly that kind's routes, of any plan: the registry narrows it to plans. */
  readonly callerRoles: Readonly<Record<Caller, Role>>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'huiminbao: enrollment windows, eligibility, adjudication, charity purchase',
      // Made below with its throttling and access logs (under the id and the name the default one has).
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.RETAIN });
    this.stage = new HttpStage(this.httpApi, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
    });
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    this.callerRoles = Object.fromEntries(CALLERS.map((caller) => [caller, this.callerRole(caller, props.callerAccounts?.[caller] ?? [])])) as Record<
      Caller,
      Role
    >;
    const apiId = Stack.of(this).getLogicalId(this.httpApi.node.defaultChild as CfnElement);
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
        const [route] = this.httpApi.addRoutes({ path, methods: [method], integration, authorizer: isPublic(callers) ? open : iam });
        if (isPublic(callers)) {
          Validations.of(route).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${routeKey} is public by design: plans, windows, the sponsorship ledger and the API description are published for anyone to read; it is throttled on its own.`,
          });
          const { rateLimit, burstLimit } = PUBLIC_THROTTLE[routeKey] ?? PUBLIC_DEFAULT_THROTTLE;
          routeSettings[routeKey] = { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit };
          // The stage names the route in its settings: the route must exist first.
          this.stage.node.addDependency(route);
          continue;
        }
        // The stage literal, every path parameter a wildcard (the plan's too: which plans a partner reaches is the
        // registry's), the rest literal. (A route's own grantInvoke would allow everything from the first parameter
        // on: an insurer's grant to POST …/claims would then also open the windows.)
        const resource = path.replace(/\{[^}]+\}/g, '*');
        const arn = this.httpApi.arnForExecuteApi(method, resource, this.stage.stageName);
        for (const caller of callers as readonly Caller[]) {
          const role = this.callerRoles[caller];
          allowed.set(role, [...(allowed.get(role) ?? []), arn]);
          // cdk-nag names a wildcard finding by the resource as written in the template.
          Validations.of(role).acknowledge({
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/${this.stage.stageName}/${method}${resource}]`,
            reason: `Each * in ${routeKey} stands for one path parameter (plan, person, member, claim, order, date): a ${caller} may call the route for any value; the partner registry and the handler decide which plans and records it reaches.`,
          });
        }
      }
      // The handlers tell a signer's kind by the exact role ARN, never by a name's spelling.
      fn.addEnvironment('HMB_CALLER_ROLES', Stack.of(this).toJsonString(Object.fromEntries(CALLERS.map((c) => [c, this.callerRoles[c].roleArn]))));
    }
    for (const [role, arns] of allowed) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: arns }));
    // Per-route limits of the public routes, keyed by route key (no L2 property for them).
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    const url = new CfnOutput(this, 'Url', { value: this.stage.url, description: 'Base URL of the HTTP API' });
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
    new CfnOutput(this, `${id}RoleArn`, {
      value: role.roleArn,
      description: `Role to assume (session name: your AWS account id) to call the API as ${caller}`,
    }).overrideLogicalId(`${id}RoleArn`);
    return role;
  }
}
