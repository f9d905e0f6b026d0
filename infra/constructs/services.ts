// One Lambda per service of functions/services.ts. Each function zip holds only
// its handler: the core and its dependencies come from the layer, the AWS SDK
// from the runtime. Each function has its own role (its log group, its table
// access, nothing managed by AWS), its own log group with a retention, and
// X-Ray active tracing.
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { services as allServices, type ServiceSpec } from '../../functions/services.ts';
import { functionsDir, lockFile, repoRoot } from '../paths.ts';
import { REQUIRE_BANNER } from './core-layer.ts';
import { grantTable, TABLE_ACCESS } from './table-access.ts';

/**
 * The Node.js the project develops, tests and bundles for (its `node` devDependency, esbuild's target, the layer's
 * compatible runtime): the functions run what the tests ran. Moving to a newer runtime moves all of them together.
 */
export const RUNTIME = Runtime.NODEJS_22_X;

/**
 * How long function and access logs are kept: a year, above the six months China's Cybersecurity Law (art. 21) asks
 * of network logs; they hold masked IDs only.
 */
export const LOG_RETENTION = RetentionDays.ONE_YEAR;

export type ServiceName = ServiceSpec['name'];

export interface ServicesProps {
  table: ITable;
  coreLayer: ILayerVersion;
  /** Defaults to every service of functions/services.ts (tests pass probes). */
  services?: readonly ServiceSpec[];
}

export interface DeployedService {
  spec: ServiceSpec;
  fn: NodejsFunction;
}

export interface CoreFunctionProps {
  /** Handler module relative to functions/, exporting `handler`. */
  entry: string;
  coreLayer: ILayerVersion;
  table: ITable;
  timeout: Duration;
  serviceName: string;
  /** Shell commands run after bundling, given the output folder (e.g. to add data files to the zip). */
  afterBundling?: (outputDir: string) => string[];
}

/**
 * A function whose zip holds only its handler: the core and its dependencies come from the layer, the AWS SDK from
 * the runtime. The services, the worker and the plan publisher are all made this way. Its role may write its own log
 * group and send traces, nothing else yet: the caller grants the rest (grantTable, a queue's grants).
 */
export function coreFunction(scope: Construct, id: string, props: CoreFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.RETAIN });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `huiminbao ${props.serviceName} function`,
  });
  // The log group's ARN ends in ":*": its log streams, which Lambda names at run time. Nothing else in CloudWatch Logs.
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  // Traces in a policy of their own, so the one wildcard it needs is acknowledged there and nowhere else.
  const tracing = new Policy(scope, `${id}Tracing`, {
    roles: [role],
    statements: [new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
  });
  Validations.of(tracing).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments and PutTelemetryRecords take no resource: "*" is the only resource they accept.',
  });
  const fn = new NodejsFunction(scope, id, {
    entry: join(functionsDir, props.entry),
    handler: 'handler',
    runtime: RUNTIME,
    role,
    logGroup,
    // Graviton: cheaper per GB-second; nothing here is native code.
    architecture: Architecture.ARM_64,
    memorySize: 512,
    timeout: props.timeout,
    layers: [props.coreLayer],
    // Explicit so synth does not depend on the directory it is started from.
    projectRoot: repoRoot,
    depsLockFilePath: lockFile,
    bundling: {
      // esbuild from devDependencies, in-process; there is no Docker engine on dev or CI machines.
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: 'node22',
      mainFields: ['module', 'main'],
      // Same reason as the layer: a CommonJS dependency a handler bundles needs a real `require`.
      banner: REQUIRE_BANNER,
      // The core is in the layer (/opt/nodejs/node_modules), the SDK in the runtime.
      externalModules: ['@huiminbao/core', '@aws-sdk/*'],
      minify: true,
      sourceMap: true,
      ...(props.afterBundling
        ? {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (_inputDir: string, outputDir: string) => props.afterBundling!(outputDir),
            },
          }
        : {}),
    },
    environment: {
      TABLE_NAME: props.table.tableName,
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      // Stack traces point into the TypeScript sources (function and layer ship .map files).
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
  // Active tracing set on the resource, not as the `tracing` prop, which would add the X-Ray wildcard to the role's
  // default policy beside the table's grants.
  (fn.node.defaultChild as CfnFunction).tracingConfig = { mode: Tracing.ACTIVE };
  fn.node.addDependency(tracing);
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the version the project develops, tests and bundles for (see RUNTIME); Lambda supports it, and a runtime upgrade moves the toolchain with it.',
  });
  return fn;
}

export class Services extends Construct {
  readonly deployed: readonly DeployedService[];

  constructor(scope: Construct, id: string, props: ServicesProps) {
    super(scope, id);
    const specs = props.services ?? allServices;
    this.deployed = specs.map((spec) => {
      const fn = coreFunction(this, pascal(spec.name), {
        entry: spec.entry,
        coreLayer: props.coreLayer,
        table: props.table,
        serviceName: spec.name,
        timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      });
      // Only the actions and indexes this service's code uses (table-access.ts).
      grantTable(fn, props.table, TABLE_ACCESS[spec.name]);
      return { spec, fn };
    });
  }

  /** The function of one service (e.g. the schedules' target). */
  fn(name: ServiceName): NodejsFunction {
    const found = this.deployed.find((d) => d.spec.name === name);
    if (!found) throw new Error(`service "${name}" is not deployed in ${this.node.path}`);
    return found.fn;
  }
}

/** enrollment-windows → EnrollmentWindows: readable construct ids and logical ids. */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
