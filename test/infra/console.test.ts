// The console as deployed: its files in a private bucket that only the
// CloudFront distribution reads (origin access control), the API behind the same
// distribution with its requests passed on whole (no caching, every header but
// Host), and sign-in: a user pool only administrators add users to, an identity
// pool that hands an authenticated user the caller role of their group's kind and
// nothing otherwise, and the caller roles of the console's kinds trusting it.
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, test } from 'vitest';
import { HuiminbaoStack } from '../../infra/stack.ts';
import { API_PATHS } from '../../infra/constructs/console.ts';
import { shapeApp, SYNTH_TIMEOUT } from './support.ts';

let stack: HuiminbaoStack;
let template: Template;
let resources: Record<string, { Type: string; Properties: any }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const one = (type: string) => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return { id: found[0][0], ...found[0][1] };
};
const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as any);
/** The resource whose logical id starts with `prefix` (the console's two buckets: files and logs). */
const named = (prefix: string, type: string) => {
  const found = ofType(type).filter(([id]) => id.startsWith(prefix));
  expect(found, `${prefix} ${type}`).toHaveLength(1);
  return { id: found[0][0], ...found[0][1] };
};

/** AWS managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

beforeAll(() => {
  stack = new HuiminbaoStack(shapeApp(), 'HuiminbaoStack');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, SYNTH_TIMEOUT);

describe('hosting', () => {
  test('the files are in a bucket nobody reads but the distribution, over TLS only', () => {
    const bucket = named('ConsoleFiles', 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    const distribution = one('AWS::CloudFront::Distribution');
    const statements = named('ConsoleFilesPolicy', 'AWS::S3::BucketPolicy').Properties.PolicyDocument.Statement as any[];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    // One grant: CloudFront reading objects, for this distribution only.
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(JSON.stringify(allows[0].Condition.StringEquals['AWS:SourceArn'])).toContain(distribution.id);
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    expect(one('AWS::CloudFront::OriginAccessControl').Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  test("who fetched what is logged: the bucket's access logs and CloudFront's, in a private log bucket kept a year", () => {
    const logs = named('ConsoleLogs', 'AWS::S3::Bucket');
    expect(logs.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(logs.Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 365, Status: 'Enabled' })]);
    expect(named('ConsoleFiles', 'AWS::S3::Bucket').Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs.id },
      LogFilePrefix: 'files/',
    });
    expect(one('AWS::CloudFront::Distribution').Properties.DistributionConfig.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logs.id, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    expect(named('ConsoleLogsPolicy', 'AWS::S3::BucketPolicy').Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test("the distribution serves the page from the bucket, HTTPS only, with the console's security headers", () => {
    const config = one('AWS::CloudFront::Distribution').Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    const s3 = config.Origins.find((o: any) => o.S3OriginConfig);
    expect(s3.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [one('AWS::CloudFront::OriginAccessControl').id, 'Id'] });
    expect(config.DefaultCacheBehavior).toMatchObject({
      TargetOriginId: s3.Id,
      ViewerProtocolPolicy: 'redirect-to-https',
      ResponseHeadersPolicyId: { Ref: one('AWS::CloudFront::ResponseHeadersPolicy').id },
    });
    const security = one('AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    // Scripts only from the console's own origin; connections to it and to Cognito's two endpoints.
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://cognito-idp.");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(security.FrameOptions.FrameOption).toBe('DENY');
  });

  test("the API is behind the same origin: its paths go to the HTTP API uncached, the signature's headers passed on", () => {
    const config = one('AWS::CloudFront::Distribution').Properties.DistributionConfig;
    const apiOrigin = config.Origins.find((o: any) => o.CustomOriginConfig);
    const api = logicalId(stack.api.httpApi);
    // The API's own host: what the console signs for, and the Host CloudFront sends.
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(`{"Ref":"${api}"}`);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(config.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(API_PATHS);
    for (const b of config.CacheBehaviors) {
      expect(b).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ViewerProtocolPolicy: 'https-only',
      });
      expect(b.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT']));
    }
  });

  test("the deploy uploads the built files and a config naming this deployment's pools, API host and caller roles", () => {
    const deploy = one('Custom::CDKBucketDeployment');
    expect(deploy.Properties).toMatchObject({
      DestinationBucketName: { Ref: named('ConsoleFiles', 'AWS::S3::Bucket').id },
      DistributionPaths: ['/*'],
      Prune: true,
    });
    expect(deploy.Properties.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(deploy.Properties.SourceMarkers[1]);
    for (const ref of [
      one('AWS::Cognito::UserPool').id,
      one('AWS::Cognito::UserPoolClient').id,
      one('AWS::Cognito::IdentityPool').id,
      logicalId(stack.api.httpApi),
    ])
      expect(markers).toContain(`{"Ref":"${ref}"}`);
    for (const kind of ['bureau', 'insurer', 'sponsor'] as const) expect(markers).toContain(logicalId(stack.api.callerRoles[kind]));
    // The channel signs from its own apps, never from the console.
    expect(markers).not.toContain(logicalId(stack.api.callerRoles.channel));
    template.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [one('AWS::CloudFront::Distribution').id, 'DomainName'] }, '/']] },
    });
  });
});

describe('sign-in', () => {
  test('users are created by an administrator and need an authenticator app; the client has no secret and no hosted OAuth pages', () => {
    expect(one('AWS::Cognito::UserPool').Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
    });
    const client = one('AWS::Cognito::UserPoolClient').Properties;
    expect(client).toMatchObject({ GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
    expect(client.ExplicitAuthFlows).toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(client.AllowedOAuthFlows).toBeUndefined();
  });

  test("the identity pool: no guests, no classic flow; the role comes from the user's group, and without one there are no credentials", () => {
    const pool = one('AWS::Cognito::IdentityPool');
    expect(pool.Properties).toMatchObject({
      AllowUnauthenticatedIdentities: false,
      AllowClassicFlow: false,
      CognitoIdentityProviders: [{ ClientId: { Ref: one('AWS::Cognito::UserPoolClient').id }, ServerSideTokenCheck: true }],
    });
    const attachment = one('AWS::Cognito::IdentityPoolRoleAttachment').Properties;
    expect(attachment.IdentityPoolId).toEqual({ Ref: pool.id });
    expect(Object.values(attachment.RoleMappings)).toEqual([expect.objectContaining({ Type: 'Token', AmbiguousRoleResolution: 'Deny' })]);
    // The default role is attached to no policy at all: it can do nothing.
    const fallback = attachment.Roles.authenticated['Fn::GetAtt'][0];
    expect(ofType('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(fallback))).toEqual([]);
    expect(resources[fallback].Properties.ManagedPolicyArns).toBeUndefined();
    expect(resources[fallback].Properties.Policies).toBeUndefined();
  });

  test("the bureau, insurer and sponsor caller roles trust authenticated identities of this pool only; the channel's does not", () => {
    const pool = one('AWS::Cognito::IdentityPool').id;
    for (const kind of ['bureau', 'insurer', 'sponsor', 'channel'] as const) {
      const trust = resources[logicalId(stack.api.callerRoles[kind])].Properties.AssumeRolePolicyDocument.Statement as any[];
      const web = trust.filter((s) => s.Principal.Federated === 'cognito-identity.amazonaws.com');
      if (kind === 'channel') {
        expect(web).toEqual([]);
        continue;
      }
      expect(web).toEqual([
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: pool } },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
        },
      ]);
      // The partners' own trust is unchanged: their session named after their account.
      expect(
        trust.filter((s) => s.Action === 'sts:AssumeRole').every((s) => s.Condition.StringEquals['sts:RoleSessionName'] === '${aws:PrincipalAccount}'),
      ).toBe(true);
    }
  });

  test("every service knows the pools and may read a user's groups in this user pool, nothing more of Cognito", () => {
    const userPool = one('AWS::Cognito::UserPool').id;
    for (const { fn } of stack.services.deployed) {
      const id = logicalId(fn);
      const env = resources[id].Properties.Environment.Variables.HMB_CONSOLE;
      expect(JSON.stringify(env)).toContain(one('AWS::Cognito::IdentityPool').id);
      const role = resources[id].Properties.Role['Fn::GetAtt'][0];
      const cognito = ofType('AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => JSON.stringify(s.Action).includes('cognito'));
      expect(cognito).toEqual([{ Action: 'cognito-idp:AdminListGroupsForUser', Effect: 'Allow', Resource: { 'Fn::GetAtt': [userPool, 'Arn'] } }]);
    }
  });
});

test('the console adds a fixed set of resources: nothing in it grows with plans, partners or users', () => {
  const consoleTypes = Object.keys(resources)
    .filter((id) => id.startsWith('Console'))
    .map((id) => resources[id].Type)
    .sort();
  expect(consoleTypes).toEqual([
    'AWS::CloudFront::Distribution',
    'AWS::CloudFront::OriginAccessControl',
    'AWS::CloudFront::ResponseHeadersPolicy',
    'AWS::Cognito::IdentityPool',
    'AWS::Cognito::IdentityPoolRoleAttachment',
    'AWS::Cognito::UserPool',
    'AWS::Cognito::UserPoolClient',
    // The deployment's AWS CLI layer (its function is the stack's one shared CDKBucketDeployment singleton).
    'AWS::IAM::Role',
    'AWS::Lambda::LayerVersion',
    'AWS::S3::Bucket',
    'AWS::S3::Bucket',
    'AWS::S3::BucketPolicy',
    'AWS::S3::BucketPolicy',
    'Custom::CDKBucketDeployment',
  ]);
});

test('what cdk-nag would find and is accepted is acknowledged in code, each with its reason', () => {
  const found: { path: string; id: string; reason: string }[] = [];
  const walk = (c: IConstruct) => {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
        found.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
    }
    c.node.children.forEach(walk);
  };
  walk(stack);
  const ours = found.filter((a) => a.path.startsWith('HuiminbaoStack/Console') || a.path.includes('CDKBucketDeployment'));
  for (const a of ours) expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThan(40);
  const rules = (path: string) =>
    ours
      .filter((a) => a.path === path)
      .map((a) => a.id.replace(/\[.*$/, ''))
      .sort();
  expect(rules('HuiminbaoStack/Console/Users')).toEqual(['AwsSolutions-COG8']);
  // The log bucket is not asked to log itself (cdk-nag knows a log destination): nothing acknowledged there.
  expect(rules('HuiminbaoStack/Console/Logs')).toEqual([]);
  expect(rules('HuiminbaoStack/Console/Distribution')).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4']);
  const copier = ours.filter((a) => a.path.includes('CDKBucketDeployment'));
  expect([...new Set(copier.map((a) => a.id.replace(/\[.*$/, '')))].sort()).toEqual(['AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1']);
  // The files bucket logs, and the pool's password and MFA rules are met, not acknowledged.
  expect(ours.filter((a) => /S1|COG1|COG2|CFR3/.test(a.id))).toEqual([]);
});
