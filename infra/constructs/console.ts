// The console on AWS: its static files in a private bucket behind CloudFront
// (origin access control: only the distribution reads the bucket), the API
// behind the same distribution (so the page calls its own origin), and sign-in
// with Cognito. A user pool group is one console partner: its role is the caller
// role of its kind (bureau, insurer or sponsor), which the identity pool hands
// the group's users as temporary credentials; the console signs the API's
// requests with them, and each handler admits the user's group to the plans the
// partner registry gives `console:<group>` (functions/core/http/access.ts). So a
// console user has exactly the isolation of any partner, and the template stays
// the same size whatever the number of plans, partners or users.
import { CfnOutput, DockerImage, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AccountRecovery, CfnIdentityPool, CfnIdentityPoolRoleAttachment, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { FederatedPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { Caller } from '@huiminbao/core';
import { buildConsole, writeConsole } from '../../console/build.ts';
import { repoRoot } from '../paths.ts';
import type { DeployedService } from './services.ts';
import { join } from 'node:path';

/** The kinds of caller that use the console (a channel is an app of its own, not a console user). */
export const CONSOLE_KINDS = ['bureau', 'insurer', 'sponsor'] as const satisfies readonly Caller[];
export type ConsoleKind = (typeof CONSOLE_KINDS)[number];

/** The API's paths, which CloudFront sends on to the HTTP API instead of the bucket. */
export const API_PATHS = ['/plans', '/plans/*', '/openapi.json'];

export interface ConsoleProps {
  httpApi: HttpApi;
  /** The caller role of each kind: a console user signs with the role of their group's kind. */
  callerRoles: Readonly<Record<Caller, Role>>;
  /** The services: each is told the identity pool (to know a console session) and may read a user's groups. */
  services: readonly DeployedService[];
}

/**
 * The trust a caller role adds for the console: web identities of this identity pool only, authenticated (a guest
 * identity never), and only through the role mapping of the user's group.
 */
export function consoleTrust(identityPoolId: string): PolicyStatement {
  return new PolicyStatement({
    principals: [new FederatedPrincipal('cognito-identity.amazonaws.com')],
    actions: ['sts:AssumeRoleWithWebIdentity'],
    conditions: {
      StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId },
      'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
    },
  });
}

export class Console extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly identityPool: CfnIdentityPool;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // ---- sign-in ----
    this.userPool = new UserPool(this, 'Users', {
      // Users are the city's, the insurers' and the sponsors' staff: an administrator creates them and puts each in
      // the group of their organisation; nobody signs themself up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Staff who read claims and rosters: a password and an authenticator app's code, set up at first sign-in.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) is priced per user and left to the city: console users are a few staff per organisation, created by an administrator, with a strong password policy and a required authenticator code.',
    });
    this.client = this.userPool.addClient('Console', {
      // The console's own sign-in form: the password goes to Cognito over TLS; no client secret in a browser.
      authFlows: { userPassword: true, userSrp: true },
      // No hosted pages and no OAuth redirects: the console's own form is the only way in.
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });
    this.identityPool = new CfnIdentityPool(this, 'Identities', {
      allowUnauthenticatedIdentities: false,
      // The enhanced flow only: the identity pool, never the browser, picks the role.
      allowClassicFlow: false,
      cognitoIdentityProviders: [{ clientId: this.client.userPoolClientId, providerName: this.userPool.userPoolProviderName, serverSideTokenCheck: true }],
    });
    // A user gets the role of their group (the ID token's cognito:preferred_role); in no group, or in groups of two
    // roles, they get no credentials at all. The default role is never handed out: it can do nothing either way.
    const nothing = new Role(this, 'NoAccess', {
      description: "huiminbao console: the identity pool's default role, never used (a user without a group gets no credentials) and allowed nothing",
      assumedBy: new FederatedPrincipal(
        'cognito-identity.amazonaws.com',
        {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });
    const provider = `${this.userPool.userPoolProviderName}:${this.client.userPoolClientId}`;
    new CfnIdentityPoolRoleAttachment(this, 'Roles', {
      identityPoolId: this.identityPool.ref,
      roles: { authenticated: nothing.roleArn },
      roleMappings: { console: { identityProvider: provider, type: 'Token', ambiguousRoleResolution: 'Deny' } },
    });
    for (const kind of CONSOLE_KINDS) props.callerRoles[kind].assumeRolePolicy!.addStatements(consoleTrust(this.identityPool.ref));
    // Each handler tells a console session by this pool, and reads the user's groups to name the partner.
    for (const { fn } of props.services) {
      fn.addEnvironment(
        'HMB_CONSOLE',
        stack.toJsonString({
          identityPoolId: this.identityPool.ref,
          userPoolId: this.userPool.userPoolId,
          userPoolProvider: this.userPool.userPoolProviderName,
        }),
      );
      fn.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminListGroupsForUser'], resources: [this.userPool.userPoolArn] }));
    }

    // ---- hosting ----
    // Who fetched what: the bucket's server access logs and CloudFront's standard logs, kept a year.
    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL the bucket owner then owns.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'files/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const apiHost = `${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    const cognito = [`https://cognito-idp.${stack.region}.amazonaws.com`, `https://cognito-identity.${stack.region}.amazonaws.com`];
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'huiminbao console: what the page may load and reach',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${cognito.join(' ')}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    // The API behind the same origin: no CORS, and the console signs its requests for the API's own host, which is
    // the Host CloudFront sends on (every viewer header but Host is forwarded, so the signature arrives intact).
    const api = {
      origin: new HttpOrigin(apiHost),
      allowedMethods: AllowedMethods.ALLOW_ALL,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'huiminbao console and API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(API_PATHS.map((path) => [path, api])),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    const why = {
      'AwsSolutions-CFR1':
        "No geographic restriction: the plans and the public sponsorship ledger are published for anyone, and partners' staff sign in from wherever they are; what is private is behind Cognito and IAM.",
      'AwsSolutions-CFR2':
        'No WAF web ACL: one for CloudFront must live in us-east-1, outside this region-agnostic stack, and costs per request; the API behind it is throttled per route (public routes tighter) and every private route needs IAM credentials.',
      'AwsSolutions-CFR4':
        'The distribution answers on its CloudFront domain with the default certificate, which cannot set a minimum TLS version; a city that gives the console its own domain and an ACM certificate (us-east-1) sets TLSv1.2_2021 with it.',
    };
    for (const [id, reason] of Object.entries(why)) Validations.of(this.distribution).acknowledge({ id, reason });

    // ---- the files, and how the page signs in here ----
    const files = Source.asset(join(repoRoot, 'console'), {
      bundling: {
        // Built here by esbuild (a devDependency), as the local stack builds it; no container.
        image: DockerImage.fromRegistry('scratch'),
        local: {
          tryBundle: (outputDir: string) => {
            writeConsole(buildConsole(), outputDir);
            return true;
          },
        },
      },
    });
    const config = Source.jsonData('console/config.json', {
      auth: 'cognito',
      region: stack.region,
      userPoolId: this.userPool.userPoolId,
      userPoolClientId: this.client.userPoolClientId,
      identityPoolId: this.identityPool.ref,
      apiHost,
      roles: Object.fromEntries(CONSOLE_KINDS.map((k) => [k, props.callerRoles[k].roleArn])),
    });
    new BucketDeployment(this, 'Deploy', {
      sources: [files, config],
      destinationBucket: this.bucket,
      // Names stay (index.html, main.js): revalidated on each load (ETags make it cheap); a deploy invalidates them.
      cacheControl: [CacheControl.fromString('no-cache')],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    // The deployment's function is CDK's own (one per stack, shared by every BucketDeployment): its role, runtime and
    // grants are the construct's. It runs only during a deploy, copying the built files into the bucket.
    const copier = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (copier) {
      Validations.of(copier).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's BucketDeployment function carries AWSLambdaBasicExecutionRole (its logs); it runs only during a deploy, to copy the console's built files into its bucket.",
      });
      Validations.of(copier).acknowledge({
        id: 'AwsSolutions-L1',
        reason: "CDK's BucketDeployment function: its runtime is the one aws-cdk-lib ships it with, moved forward with aws-cdk-lib itself.",
      });
      // cdk-nag names each wildcard of the construct's grants (read the deploy's asset objects, write and prune the
      // console bucket's objects, invalidate the distribution, which takes no narrower resource).
      const files = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
      const wildcards = [
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        `Resource::<${files}.Arn>/*`,
        'Resource::*',
      ];
      for (const w of wildcards) {
        Validations.of(copier).acknowledge({
          id: `AwsSolutions-IAM5[${w}]`,
          reason: `CDK's BucketDeployment grant (${w}): it reads the deploy's asset objects, writes and prunes the console bucket's objects and invalidates the distribution, only during a deploy.`,
        });
      }
    }

    new CfnOutput(this, 'Url', {
      value: `https://${this.distribution.distributionDomainName}/`,
      description: 'The console (and the API under the same origin)',
    }).overrideLogicalId('ConsoleUrl');
    new CfnOutput(this, 'UserPoolId', {
      value: this.userPool.userPoolId,
      description: "Console users: create them here, each in the group of their organisation (the group's role: the caller role of its kind)",
    }).overrideLogicalId('ConsoleUserPoolId');
  }
}
