// The stack's shape: one table (deletion-protected; a customer-managed key on
// request), four service functions, the worker and the plan publisher on the
// layer, each with its own role, log group and traces; one route per route key
// of functions/services.ts to the right function, a throttled and access-logged
// stage; least-privilege table grants; and one caller role per kind of caller
// allowed exactly its routes, of any plan (the partner registry narrows it to
// plans: tenancy.test.ts). Bundling is skipped: bundle.test.ts covers the bundles.
import { Template, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { services } from '../../functions/services.ts';
import { HuiminbaoStack } from '../../infra/stack.ts';
import { CONSOLE_KINDS } from '../../infra/constructs/console.ts';
import { parseRouteKey } from '../../infra/constructs/api.ts';
import { callerAccountsFrom } from '../../infra/caller-accounts.ts';
import { CALLERS, isPublic, type Caller } from '../../functions/core/http/access.ts';
import { PUBLIC_THROTTLE, SESSION_NAMED_AFTER_ACCOUNT, STAGE_THROTTLE } from '../../infra/constructs/api.ts';
import { tableKeyFrom } from '../../infra/constructs/data.ts';
import { shapeApp, SYNTH_TIMEOUT } from './support.ts';

type Resource = { Type: string; Properties: Record<string, any> };
let template: Template;
let resources: Record<string, Resource>;
let tableId: string;
let layerId: string;
/** service name → logical id of its function */
const functionIds = new Map<string, string>();
/** caller kind → logical id of its role */
const roleIds = new Map<Caller, string>();
let publisherId: string;
let workerId: string;
/** Every function of ours by name: the services, the worker, the plan publisher. */
const allFunctionIds = new Map<string, string>();

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  const stack = new HuiminbaoStack(shapeApp(), 'HuiminbaoStack', { callerAccounts: { insurer: ['111122223333', '444455556666'] } });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  tableId = stack.getLogicalId(stack.data.table.node.defaultChild as any);
  layerId = stack.getLogicalId(stack.core.layer.node.defaultChild as any);
  for (const { spec, fn } of stack.services.deployed) functionIds.set(spec.name, stack.getLogicalId(fn.node.defaultChild as any));
  for (const caller of CALLERS) roleIds.set(caller, stack.getLogicalId(stack.api.callerRoles[caller].node.defaultChild as any));
  publisherId = stack.getLogicalId(stack.publisher.fn.node.defaultChild as any);
  workerId = stack.getLogicalId(stack.fulfilment.worker.node.defaultChild as any);
  for (const [name, id] of functionIds) allFunctionIds.set(name, id);
  allFunctionIds.set('worker', workerId);
  allFunctionIds.set('plan-publisher', publisherId);
}, SYNTH_TIMEOUT);

/** The statements of every policy attached to the function's role. */
function statementsOf(functionId: string): any[] {
  const role = resources[functionId].Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe('data', () => {
  test('exactly one DynamoDB table: pk/sk strings, on demand, point-in-time recovery, time to live, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: ['pk', 'sk', 'rpk', 'rsk', 'fpk', 'fsk', 'jpk', 'jsk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        BillingMode: 'PAY_PER_REQUEST',
        // The sparse renewal, relief-recipient and payout-journal indexes (ensureTable makes the same ones locally).
        GlobalSecondaryIndexes: [
          {
            IndexName: 'renewals',
            Projection: { ProjectionType: 'ALL' },
            KeySchema: [
              { AttributeName: 'rpk', KeyType: 'HASH' },
              { AttributeName: 'rsk', KeyType: 'RANGE' },
            ],
          },
          {
            IndexName: 'relief',
            Projection: { ProjectionType: 'ALL' },
            KeySchema: [
              { AttributeName: 'fpk', KeyType: 'HASH' },
              { AttributeName: 'fsk', KeyType: 'RANGE' },
            ],
          },
          {
            // Only the movement: the claim's document and explanation stay out of the index.
            IndexName: 'journal',
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['movement'] },
            KeySchema: [
              { AttributeName: 'jpk', KeyType: 'HASH' },
              { AttributeName: 'jsk', KeyType: 'RANGE' },
            ],
          },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // Neither a stack deletion nor a DeleteTable call removes it.
        DeletionProtectionEnabled: true,
        // Hospitals' trial quotes expire (the only items carrying the attribute).
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        TableName: Match.absent(),
        // By default the key is AWS-owned (DynamoDB's default): no key resource, no SSE settings.
        SSESpecification: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test(
    'with -c tableKey=cmk: a customer-managed key, rotated and retained, encrypts the table; each function may use it, by name, no wildcard',
    () => {
      expect(tableKeyFrom('cmk')).toBe('cmk');
      const stack = new HuiminbaoStack(shapeApp(), 'HuiminbaoStack', { tableKey: tableKeyFrom('cmk') });
      const cmk = Template.fromStack(stack);
      const keyId = stack.getLogicalId(stack.data.key!.node.defaultChild as any);
      cmk.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
      cmk.hasResourceProperties('AWS::DynamoDB::Table', {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      });
      const all = cmk.toJSON().Resources as Record<string, Resource>;
      const fns = [...stack.services.deployed.map((d) => d.fn), stack.fulfilment.worker, stack.publisher.fn].map((fn) =>
        stack.getLogicalId(fn.node.defaultChild as any),
      );
      for (const fn of fns) {
        const role = all[fn].Properties.Role['Fn::GetAtt'][0];
        const onKey = Object.values(all)
          .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role))
          .flatMap((p) => p.Properties.PolicyDocument.Statement)
          .filter((st: any) => JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] }));
        expect(onKey.flatMap((st: any) => [st.Action].flat()).sort(), fn).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']);
      }
    },
    SYNTH_TIMEOUT,
  );

  test('the table key context takes aws-owned or cmk, nothing else', () => {
    expect(tableKeyFrom(undefined)).toBe('aws-owned');
    expect(tableKeyFrom('aws-owned')).toBe('aws-owned');
    expect(() => tableKeyFrom('CMK')).toThrow('context tableKey: must be "aws-owned" or "cmk" (got "CMK")');
    expect(() => tableKeyFrom(true)).toThrow(/context tableKey/);
  });
});

describe('the work queue and its worker', () => {
  test('encrypted queues refusing requests without TLS, a dead-letter queue after five tries, consumed one message at a time by the worker alone', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    const worker = resources[workerId];
    expect(worker.Properties).toMatchObject({ Timeout: 300, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'worker', QUEUE_URL: expect.anything() } } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, FunctionName: { Ref: workerId } });
    // Visibility outlasts a delivery (5 minutes, and the worker sends its message on a minute before): never two at once.
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 360, SqsManagedSseEnabled: true, RedrivePolicy: { maxReceiveCount: 5 } });
    // No other function reads the queue.
    expect(Object.keys(template.findResources('AWS::Lambda::EventSourceMapping'))).toHaveLength(1);
    // Each queue's policy denies any request not over TLS.
    for (const [queueId] of ofType('AWS::SQS::Queue')) {
      const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queueId }]));
      expect(policy, queueId).toBeDefined();
      expect(policy![1].Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Principal: { AWS: '*' },
        }),
      );
    }
  });

  test.each(['charity-purchase', 'enrollment-windows', 'worker'])(
    '%s may send to the queue (orders; renewal runs and settlements; a job sent on), and not read it',
    (name) => {
      const onQueues = statementsOf(allFunctionIds.get(name)!).filter((st: any) => JSON.stringify(st.Resource).includes('Orders'));
      const actions = onQueues.flatMap((st: any) => [st.Action].flat());
      expect(actions).toEqual(expect.arrayContaining(['sqs:SendMessage']));
      if (name !== 'worker') expect(actions).not.toContain('sqs:ReceiveMessage');
      expect(resources[allFunctionIds.get(name)!].Properties.Environment.Variables.QUEUE_URL).toEqual({ Ref: expect.stringMatching(/Orders/) });
    },
  );

  test('the other services neither send to the queue nor read it', () => {
    for (const name of ['eligibility', 'adjudication']) {
      expect(statementsOf(functionIds.get(name)!).filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('sqs:')))).toEqual([]);
    }
  });
});

describe('core layer and functions', () => {
  test("one layer version of ours, for nodejs22.x (the other is the AWS CLI the console's file deployment brings)", () => {
    template.resourceCountIs('AWS::Lambda::LayerVersion', 2);
    expect(ofType('AWS::Lambda::LayerVersion').filter(([, r]) => JSON.stringify(r.Properties.CompatibleRuntimes) === '["nodejs22.x"]')).toHaveLength(1);
  });

  test('one function per service, the worker and the plan publisher, all nodejs22.x on arm64 with the layer', () => {
    const ours = ofType('AWS::Lambda::Function')
      .filter(([, r]) => r.Properties.Layers?.some((l: any) => l.Ref === layerId))
      .map(([id]) => id);
    expect(ours.sort()).toEqual([...allFunctionIds.values()].sort());
    expect([...functionIds.keys()].sort()).toEqual(services.map((s) => s.name).sort());
    for (const spec of services) {
      expect(resources[functionIds.get(spec.name)!].Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        // HTTP services 10 s, or their declared longer timeout.
        Timeout: spec.timeoutSeconds ?? 10,
        Layers: [{ Ref: layerId }],
      });
    }
  });

  test.each(services.map((s) => s.name))("%s answers HTTP only, within API Gateway's 30 s", (name) => {
    expect(resources[functionIds.get(name)!].Properties.Timeout).toBeLessThan(30);
    expect(JSON.stringify(template.findResources('AWS::Lambda::EventSourceMapping'))).not.toContain(functionIds.get(name)!);
  });

  test.each(['enrollment-windows', 'eligibility', 'adjudication', 'charity-purchase', 'worker', 'plan-publisher'])(
    '%s: its own role with no AWS-managed policy, its own log group kept a year, which alone it may write, and X-Ray active tracing',
    (name) => {
      const fn = resources[allFunctionIds.get(name)!];
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      expect(resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
      const onLogs = statementsOf(allFunctionIds.get(name)!).filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('logs:')));
      expect(onLogs).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } }]);
      // The one wildcard: X-Ray's actions take no resource.
      const wildcards = statementsOf(allFunctionIds.get(name)!).filter((st: any) => JSON.stringify(st.Resource).includes('"*"'));
      expect(wildcards).toEqual([{ Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' }]);
    },
  );

  test.each(services.map((s) => s.name))('%s gets the table name (plans come from its plan store), its service name and the caller roles', (name) => {
    const fn = resources[functionIds.get(name)!];
    expect(fn.Properties.Environment.Variables).toEqual({
      TABLE_NAME: { Ref: tableId },
      POWERTOOLS_SERVICE_NAME: name,
      // The exact ARNs of the caller roles: a signer's kind is its role's, never read from a name's spelling.
      HMB_CALLER_ROLES: { 'Fn::Join': ['', expect.arrayContaining(CALLERS.map((c) => ({ 'Fn::GetAtt': [roleIds.get(c), 'Arn'] })))] },
      NODE_OPTIONS: '--enable-source-maps',
      // The console's pools: a console user's session is told by them (test/infra/console.test.ts).
      HMB_CONSOLE: expect.anything(),
      // The charity service sends its orders' work to the queue; the windows service, renewal runs and settlements.
      ...(name === 'charity-purchase' || name === 'enrollment-windows' ? { QUEUE_URL: expect.anything() } : {}),
    });
  });

  /**
   * What each function may do on the table, worked out from the Store methods its code path calls (docs/security.md):
   * reads everywhere (plans, the partner registry); writes by kind; an index only where a query of the function reads it.
   */
  const READS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
  const TABLE: Record<string, { actions: string[]; indexes: string[] }> = {
    eligibility: { actions: [...READS, 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'], indexes: [] },
    'enrollment-windows': { actions: [...READS, 'dynamodb:PutItem', 'dynamodb:UpdateItem'], indexes: [] },
    adjudication: { actions: [...READS, 'dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], indexes: ['journal'] },
    'charity-purchase': { actions: [...READS, 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'], indexes: ['relief'] },
    worker: { actions: [...READS, 'dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], indexes: ['renewals'] },
    'plan-publisher': { actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query'], indexes: [] },
  };

  test.each(Object.keys(TABLE))('%s may do on the table exactly what its code does, and query only the indexes it reads', (name) => {
    const statements = statementsOf(allFunctionIds.get(name)!);
    // Deletes are granted apart, and only in the partitions named (below).
    const deletes = statements.filter((st: any) => st.Action === 'dynamodb:DeleteItem');
    const dynamo = statements.filter((st: any) => !deletes.includes(st) && [st.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    const onTable = dynamo.filter((st: any) => JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] }));
    expect(onTable.flatMap((st: any) => [st.Action].flat()).sort()).toEqual([...TABLE[name].actions].sort());
    const onIndexes = dynamo.filter((st: any) => !onTable.includes(st));
    const indexes = onIndexes.flatMap((st: any) => {
      expect(st.Action).toBe('dynamodb:Query');
      return [st.Resource].flat().map((r: any) => {
        // <table ARN>/index/<name>: each index by its name, never index/*.
        expect(r['Fn::Join'][1][0]).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
        return r['Fn::Join'][1][1].replace(/^\/index\//, '');
      });
    });
    expect(indexes.sort()).toEqual(TABLE[name].indexes);
    // Never a scan, a delete (but in the partitions granted) or an admin action, on any resource.
    expect(
      dynamo
        .flatMap((st: any) => [st.Action].flat())
        .filter((a: string) => /\*|Scan|Delete|Create|Update(Table|ContinuousBackups|TimeToLive)|Describe|PartiQL/.test(a)),
    ).toEqual([]);
    // Only adjudication deletes: the staged documents of a large revision, once written, and nothing else.
    expect(deletes).toEqual(
      name === 'adjudication'
        ? [
            expect.objectContaining({
              Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
              Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STAGED#*'] } },
            }),
          ]
        : [],
    );
  });
});

describe('HTTP API', () => {
  test('one HTTP API whose route keys are exactly those of functions/services.ts', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const declared = services.flatMap((s) => s.routes);
    const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(new Set(routeKeys)).toEqual(new Set(declared));
    expect(routeKeys).toHaveLength(declared.length);
  });

  test.each(services.flatMap((s) => s.routes.map((route) => [route, s.name] as const)))('%s goes to %s', (routeKey, name) => {
    const [, route] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey)!;
    // Target: integrations/<IntegrationId>
    const integrationId = JSON.stringify(route.Properties.Target).match(/"Ref":"([A-Za-z0-9]+)"/)![1];
    const integration = resources[integrationId];
    expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(integration.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionIds.get(name), 'Arn'] });
  });

  test('one $default stage, deployed on change, with a rate and burst for the whole API', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: STAGE_THROTTLE.rateLimit, ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit },
    });
  });

  test("every public route has a tighter limit of its own; the ledger's CSV the tightest; the stage waits for those routes", () => {
    const [stageId, stage] = ofType('AWS::ApiGatewayV2::Stage')[0];
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const publicRoutes = services.flatMap((s) => s.routes.filter((key) => isPublic(s.access[key])));
    expect(Object.keys(settings).sort()).toEqual([...publicRoutes].sort());
    for (const key of ['GET /plans', 'GET /plans/{planId}', 'GET /plans/{planId}/window', 'GET /plans/{planId}/ledger', 'GET /plans/{planId}/ledger.csv'])
      expect(publicRoutes).toContain(key);
    for (const [key, { ThrottlingRateLimit, ThrottlingBurstLimit }] of Object.entries(settings)) {
      expect(ThrottlingRateLimit, key).toBeLessThan(STAGE_THROTTLE.rateLimit / 4);
      expect(ThrottlingBurstLimit, key).toBeLessThan(STAGE_THROTTLE.burstLimit / 4);
      expect(ThrottlingBurstLimit, key).toBeGreaterThanOrEqual(ThrottlingRateLimit);
      // A route the settings name must exist before the stage (CloudFormation refuses settings of an unknown route).
      const [routeId] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)!;
      expect(template.toJSON().Resources[stageId].DependsOn, key).toContain(routeId);
    }
    expect(settings['GET /plans/{planId}/ledger.csv'].ThrottlingRateLimit).toBe(Math.min(...Object.values(PUBLIC_THROTTLE).map((t) => t.rateLimit)));
  });

  test('access logs: one JSON line per request with its request id and route key (never the path, which holds IDs), to a log group kept a year', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0];
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    const logGroupId = DestinationArn['Fn::GetAtt'][0];
    expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
    const fields = JSON.parse(Format);
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      caller: '$context.identity.userArn',
    });
    expect(Format).not.toMatch(/\$context\.(path|resourcePath|domainName)|\$input|\$request/);
  });

  test('the API URL is a stack output', () => {
    template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
  });

  test('route keys parse into method and path; malformed ones are refused', () => {
    expect(parseRouteKey('POST /plans/{planId}/claims')).toEqual({ method: 'POST', path: '/plans/{planId}/claims' });
    expect(parseRouteKey('GET /openapi.json')).toEqual({ method: 'GET', path: '/openapi.json' });
    for (const bad of ['FETCH /plans', 'GET plans', 'GET  /plans', 'get /plans', '/plans']) {
      expect(() => parseRouteKey(bad), bad).toThrow(/is not "METHOD \/path"/);
    }
  });
});

describe('who may call', () => {
  const routes = services.flatMap((s) => s.routes.map((key) => ({ key, callers: s.access[key] })));
  /** What a signed request for the route of a plan looks like to IAM: stage, method, a concrete path. */
  const request = (key: string, planId: string) => {
    const { method, path } = parseRouteKey(key);
    return `/$default/${method}${path.replaceAll('{planId}', planId).replace(/\{[^}]+\}/g, 'x1')}`;
  };
  // The execute-api resources a caller role may invoke, as the part after the API id: stage/METHOD/path, wildcards as *.
  const invocable = (caller: Caller): string[] => {
    const policies = ofType('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleIds.get(caller) }]));
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements.every((st: any) => st.Effect === 'Allow' && st.Action === 'execute-api:Invoke')).toBe(true);
    return statements.flatMap((st: any) => [st.Resource].flat()).map((arn: any) => arn['Fn::Join'][1].at(-1) as string);
  };
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );

  test.each(routes.map((r) => [r.key, r.callers.join(', ')]))('%s: %s', (key) => {
    const { callers } = routes.find((r) => r.key === key)!;
    const [, route] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)!;
    // Public routes are open; every other one needs IAM (SigV4) credentials.
    expect(route.Properties.AuthorizationType).toBe(isPublic(callers) ? 'NONE' : 'AWS_IAM');
  });

  test('one role per kind of caller, whatever the plans', () => {
    expect(
      ofType('AWS::IAM::Role')
        .filter(([id]) => id.includes('Caller'))
        .map(([id]) => id)
        .sort(),
    ).toEqual([...roleIds.values()].sort());
    expect(roleIds.size).toBe(CALLERS.length);
  });

  test.each(CALLERS)('the %s role may invoke its routes, of any plan, and no other route', (caller) => {
    const patterns = invocable(caller).map(glob);
    for (const { key, callers } of routes) {
      if (isPublic(callers)) continue;
      const allowed = (callers as readonly string[]).includes(caller);
      // Every path parameter is a wildcard, the plan's too; nothing else is (a wildcard must not reach another route's path).
      for (const planId of ['city-a-2027', 'city-b-2027'])
        expect(
          patterns.some((p) => p.test(request(key, planId))),
          `${caller} → ${planId} ${key}`,
        ).toBe(allowed);
    }
  });

  test('the roles trust this account, the insurer role also the partner accounts of the context; every session must be named after its account', () => {
    const trust = (caller: Caller) => resources[roleIds.get(caller)!].Properties.AssumeRolePolicyDocument;
    for (const caller of CALLERS) {
      expect(JSON.stringify(trust(caller))).toContain(':root');
      // Every AWS principal's session is named after its account (the console's web identities: test/infra/console.test.ts).
      const accounts = trust(caller).Statement.filter((s: { Principal: Record<string, unknown> }) => 'AWS' in s.Principal);
      expect(accounts.length).toBeGreaterThan(0);
      for (const statement of accounts) expect(statement).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Condition: SESSION_NAMED_AFTER_ACCOUNT });
      expect(
        trust(caller)
          .Statement.filter((s: { Principal: Record<string, unknown> }) => !('AWS' in s.Principal))
          .map((s: { Principal: Record<string, unknown> }) => s.Principal),
      ).toEqual((CONSOLE_KINDS as readonly string[]).includes(caller) ? [{ Federated: 'cognito-identity.amazonaws.com' }] : []);
    }
    expect(JSON.stringify(trust('insurer'))).toContain(':iam::111122223333:root');
    expect(JSON.stringify(trust('insurer'))).toContain(':iam::444455556666:root');
    expect(JSON.stringify(trust('bureau'))).not.toContain('111122223333');
    for (const caller of CALLERS)
      template.hasOutput(`${caller[0].toUpperCase()}${caller.slice(1)}CallerRoleArn`, { Value: { 'Fn::GetAtt': [roleIds.get(caller), 'Arn'] } });
  });

  test('partner accounts come from the context, as an object or JSON text; a bad one is refused with its path', () => {
    expect(callerAccountsFrom(undefined)).toEqual({});
    expect(callerAccountsFrom({ insurer: ['111122223333'] })).toEqual({ insurer: ['111122223333'] });
    expect(callerAccountsFrom('{"sponsor":["111122223333"]}')).toEqual({ sponsor: ['111122223333'] });
    expect(() => callerAccountsFrom({ insurer: ['1234'] })).toThrow('context callerAccounts.insurer.0: must be a 12-digit AWS account id');
    expect(callerAccountsFrom({ hospital: ['111122223333'] })).toEqual({ hospital: ['111122223333'] });
    expect(() => callerAccountsFrom({ pharmacy: ['111122223333'] })).toThrow(/context callerAccounts/);
    expect(() => callerAccountsFrom('{insurer')).toThrow('context callerAccounts: not JSON');
  });
});

describe('the window sweep', () => {
  test('its scheduler role may invoke the windows function itself, not its versions or aliases, and nothing else', () => {
    const [, schedule] = ofType('AWS::Scheduler::Schedule')[0];
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [functionIds.get('enrollment-windows'), 'Arn'] } },
    ]);
  });
});

describe('alarms', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const topicId = () => ofType('AWS::SNS::Topic').map(([id]) => id)[0];

  test('one alerts topic (encrypted), its ARN an output; every alarm notifies it', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasOutput('AlertsTopicArn', { Value: { Ref: topicId() } });
    // The dead-letter queue, one per service function and the worker, the API's 5xx.
    expect(alarms()).toHaveLength(1 + functionIds.size + 1 + 1);
    expect(publisherId).toBeDefined();
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
  });

  test('work waiting in the dead-letter queue alarms at the first message', () => {
    const [deadLetterId] = ofType('AWS::SQS::Queue').find(([id]) => id.includes('DeadLetters'))!;
    const alarm = alarms().find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')!;
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(alarm.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }]);
  });

  test.each([...services.map((s) => s.name), 'worker'])('a failure of the %s function alarms', (name) => {
    const alarm = alarms().find((a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(allFunctionIds.get(name)!));
    expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1, Period: 300, Statistic: 'Sum' });
  });

  test('the API answering 5xx five times in five minutes alarms', () => {
    expect(alarms().find((a) => a.MetricName === '5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', Threshold: 5, Period: 300 });
  });
});
