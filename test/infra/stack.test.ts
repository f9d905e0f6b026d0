// The stack's shape: one table, four service functions (and the plan
// publisher) on the layer, one route per route key of functions/services.ts to
// the right function, least-privilege table grants, and one caller role per
// kind of caller allowed exactly its routes, of any plan (the partner registry
// narrows it to plans: tenancy.test.ts). Bundling is skipped: bundle.test.ts
// covers the bundles.
import { Template, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { services } from '../../functions/services.ts';
import { HuiminbaoStack } from '../../infra/stack.ts';
import { CONSOLE_KINDS } from '../../infra/constructs/console.ts';
import { parseRouteKey } from '../../infra/constructs/api.ts';
import { callerAccountsFrom } from '../../infra/caller-accounts.ts';
import { CALLERS, isPublic, type Caller } from '../../functions/core/http/access.ts';
import { SESSION_NAMED_AFTER_ACCOUNT } from '../../infra/constructs/api.ts';
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
}, SYNTH_TIMEOUT);

describe('data', () => {
  test('exactly one DynamoDB table: pk/sk strings, on demand, point-in-time recovery, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: ['pk', 'sk', 'rpk', 'rsk', 'fpk', 'fsk', 'jpk', 'jsk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        BillingMode: 'PAY_PER_REQUEST',
        // The sparse renewal, relief-recipient and payout-journal indexes (ensureTable makes the same ones locally).
        GlobalSecondaryIndexes: [{
          IndexName: 'renewals', Projection: { ProjectionType: 'ALL' },
          KeySchema: [{ AttributeName: 'rpk', KeyType: 'HASH' }, { AttributeName: 'rsk', KeyType: 'RANGE' }],
        }, {
          IndexName: 'relief', Projection: { ProjectionType: 'ALL' },
          KeySchema: [{ AttributeName: 'fpk', KeyType: 'HASH' }, { AttributeName: 'fsk', KeyType: 'RANGE' }],
        }, {
          // Only the movement: the claim's document and explanation stay out of the index.
          IndexName: 'journal', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['movement'] },
          KeySchema: [{ AttributeName: 'jpk', KeyType: 'HASH' }, { AttributeName: 'jsk', KeyType: 'RANGE' }],
        }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TableName: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('order fulfilment queue', () => {
  test('an encrypted queue with a dead-letter queue, consumed one order at a time by the charity function, which may send to it', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    const charity = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]: [string, any]) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'charity-purchase')!;
    const [charityId, charityFn] = charity as [string, any];
    expect(charityFn.Properties.Timeout).toBe(900);
    expect(Object.keys(charityFn.Properties.Environment.Variables)).toContain('QUEUE_URL');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, FunctionName: { Ref: charityId } });
    // Visibility outlasts the function, so a running fulfilment is not handed to a second worker.
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 960, SqsManagedSseEnabled: true, RedrivePolicy: { maxReceiveCount: 5 } });
    // No other function reads the queue.
    expect(Object.keys(template.findResources('AWS::Lambda::EventSourceMapping'))).toHaveLength(1);
  });

  test('the windows function may send to the queue (a renewal run at the opening, settlements at the close), and not read it', () => {
    const windows = Object.values(template.findResources('AWS::Lambda::Function')).find((r: any) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'enrollment-windows') as any;
    const role = windows.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === role))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const onQueues = statements.filter((st: any) => JSON.stringify(st.Resource).includes('Orders'));
    expect(onQueues.flatMap((st: any) => [st.Action].flat())).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(onQueues.flatMap((st: any) => [st.Action].flat())).not.toContain('sqs:ReceiveMessage');
  });
});

describe('core layer and functions', () => {
  test('one layer version of ours, for nodejs22.x (the other is the AWS CLI the console\'s file deployment brings)', () => {
    template.resourceCountIs('AWS::Lambda::LayerVersion', 2);
    expect(ofType('AWS::Lambda::LayerVersion').filter(([, r]) => JSON.stringify(r.Properties.CompatibleRuntimes) === '["nodejs22.x"]')).toHaveLength(1);
  });

  test('one function per service and the plan publisher, all nodejs22.x on arm64 with the layer', () => {
    const ours = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Layers?.some((l: any) => l.Ref === layerId)).map(([id]) => id);
    expect(ours.sort()).toEqual([...functionIds.values(), publisherId].sort());
    expect([...functionIds.keys()].sort()).toEqual(services.map((s) => s.name).sort());
    for (const spec of services) {
      expect(resources[functionIds.get(spec.name)!].Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        // HTTP services 10 s; the one that also fulfils orders from the queue, its declared longer timeout.
        Timeout: spec.timeoutSeconds ?? 10,
        Layers: [{ Ref: layerId }],
      });
    }
  });

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

  test.each(services.map((s) => s.name))('%s may read and write the table items, and nothing more on it', (name) => {
    const role = resources[functionIds.get(name)!].Properties.Role['Fn::GetAtt'][0];
    const policies = ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role));
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const onTable = statements.filter((s: any) => JSON.stringify(s.Resource).includes(tableId));
    const actions = onTable.flatMap((s: any) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:BatchWriteItem']));
    // No admin actions (delete the table, change its settings, …).
    expect(actions.filter((a: string) => /^dynamodb:(\*|Delete[^I]|Create|Update(Table|ContinuousBackups|TimeToLive))/.test(a))).toEqual([]);
    // The only statements on DynamoDB are about this table.
    const dynamo = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual(onTable);
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
  const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

  test.each(routes.map((r) => [r.key, r.callers.join(', ')]))('%s: %s', (key) => {
    const { callers } = routes.find((r) => r.key === key)!;
    const [, route] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)!;
    // Public routes are open; every other one needs IAM (SigV4) credentials.
    expect(route.Properties.AuthorizationType).toBe(isPublic(callers) ? 'NONE' : 'AWS_IAM');
  });

  test('one role per kind of caller, whatever the plans', () => {
    expect(ofType('AWS::IAM::Role').filter(([id]) => id.includes('Caller')).map(([id]) => id).sort()).toEqual([...roleIds.values()].sort());
    expect(roleIds.size).toBe(CALLERS.length);
  });

  test.each(CALLERS)('the %s role may invoke its routes, of any plan, and no other route', (caller) => {
    const patterns = invocable(caller).map(glob);
    for (const { key, callers } of routes) {
      if (isPublic(callers)) continue;
      const allowed = (callers as readonly string[]).includes(caller);
      // Every path parameter is a wildcard, the plan's too; nothing else is (a wildcard must not reach another route's path).
      for (const planId of ['city-a-2027', 'city-b-2027']) expect(patterns.some((p) => p.test(request(key, planId))), `${caller} → ${planId} ${key}`).toBe(allowed);
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
      expect(trust(caller).Statement.filter((s: { Principal: Record<string, unknown> }) => !('AWS' in s.Principal)).map((s: { Principal: Record<string, unknown> }) => s.Principal))
        .toEqual((CONSOLE_KINDS as readonly string[]).includes(caller) ? [{ Federated: 'cognito-identity.amazonaws.com' }] : []);
    }
    expect(JSON.stringify(trust('insurer'))).toContain(':iam::111122223333:root');
    expect(JSON.stringify(trust('insurer'))).toContain(':iam::444455556666:root');
    expect(JSON.stringify(trust('bureau'))).not.toContain('111122223333');
    for (const caller of CALLERS) template.hasOutput(`${caller[0].toUpperCase()}${caller.slice(1)}CallerRoleArn`, { Value: { 'Fn::GetAtt': [roleIds.get(caller), 'Arn'] } });
  });

  test('partner accounts come from the context, as an object or JSON text; a bad one is refused with its path', () => {
    expect(callerAccountsFrom(undefined)).toEqual({});
    expect(callerAccountsFrom({ insurer: ['111122223333'] })).toEqual({ insurer: ['111122223333'] });
    expect(callerAccountsFrom('{"sponsor":["111122223333"]}')).toEqual({ sponsor: ['111122223333'] });
    expect(() => callerAccountsFrom({ insurer: ['1234'] })).toThrow('context callerAccounts.insurer.0: must be a 12-digit AWS account id');
    expect(() => callerAccountsFrom({ hospital: ['111122223333'] })).toThrow(/context callerAccounts/);
    expect(() => callerAccountsFrom('{insurer')).toThrow('context callerAccounts: not JSON');
  });
});

describe('alarms', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const topicId = () => ofType('AWS::SNS::Topic').map(([id]) => id)[0];

  test('one alerts topic (encrypted), its ARN an output; every alarm notifies it', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasOutput('AlertsTopicArn', { Value: { Ref: topicId() } });
    // The dead-letter queue, one per function, the API's 5xx.
    expect(alarms()).toHaveLength(1 + functionIds.size + 1);
    expect(publisherId).toBeDefined();
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
  });

  test('work waiting in the dead-letter queue alarms at the first message', () => {
    const [deadLetterId] = ofType('AWS::SQS::Queue').find(([id]) => id.includes('DeadLetters'))!;
    const alarm = alarms().find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')!;
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(alarm.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }]);
  });

  test.each(services.map((s) => s.name))('a failure of the %s function alarms', (name) => {
    const alarm = alarms().find((a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(functionIds.get(name)!));
    expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1, Period: 300, Statistic: 'Sum' });
  });

  test('the API answering 5xx five times in five minutes alarms', () => {
    expect(alarms().find((a) => a.MetricName === '5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', Threshold: 5, Period: 300 });
  });
});
