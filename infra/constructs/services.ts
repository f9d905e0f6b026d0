// One Lambda per service of functions/services.ts. Each function zip holds only
// its handler: the core and its dependencies come from the layer, the AWS SDK
// from the runtime.
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, type ILayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { services as allServices, type ServiceSpec } from '../../functions/services.ts';
import { functionsDir, lockFile, repoRoot } from '../paths.ts';
import { REQUIRE_BANNER } from './core-layer.ts';

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
 * the runtime. The services, the worker and the plan publisher are all made this way.
 */
export function coreFunction(scope: Construct, id: string, props: CoreFunctionProps): NodejsFunction {
  const fn = new NodejsFunction(scope, id, {
    entry: join(functionsDir, props.entry),
    handler: 'handler',
    runtime: Runtime.NODEJS_22_X,
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
      ...(props.afterBundling ? {
        commandHooks: {
          beforeBundling: () => [], beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => props.afterBundling!(outputDir),
        },
      } : {}),
    },
    environment: {
      TABLE_NAME: props.table.tableName,
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      // Stack traces point into the TypeScript sources (function and layer ship .map files).
      NODE_OPTIONS: '--enable-source-maps',
    },
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
        entry: spec.entry, coreLayer: props.coreLayer, table: props.table, serviceName: spec.name,
        timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      });
      // Every service reads and writes its own items in the shared table; none needs table admin rights.
      props.table.grantReadWriteData(fn);
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
