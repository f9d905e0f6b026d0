// The real bundles (no skipping; esbuild runs in-process, ~10–30 s): each
// function zip (the services' and the worker's) is one small index.mjs importing the core from the layer; the
// layer holds the whole core with its dependencies (and no plans: services read
// them from the plan store); the plan publisher's zip carries the plans folder;
// and a handler using the core runs against the layer as laid out on Lambda.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { services } from '../../functions/services.ts';
import { HuiminbaoStack } from '../../infra/stack.ts';
import { Data } from '../../infra/constructs/data.ts';
import { CoreLayer } from '../../infra/constructs/core-layer.ts';
import { Services } from '../../infra/constructs/services.ts';
import { functionsDir } from '../../infra/paths.ts';
import { Publisher } from '../../infra/constructs/publisher.ts';
import { loadPlans } from '../../functions/core/plan/loader.ts';
import { newApp, plansWithTestCity, realPlansDir, removeTempDirs, repoRoot, tempDir } from './support.ts';

// A thin handler: everything it uses (core, Logger, middy, zod) comes from the layer or the runtime.
const MAX_FUNCTION_BUNDLE = 5 * 1024;
const PROBE_ENTRY = relative(functionsDir, join(import.meta.dirname, 'fixtures/core-probe.ts'));
const LAYER_INDEX = 'nodejs/node_modules/@huiminbao/core/index.mjs';
/** The functions with a handler of their own: the services, and the worker that consumes the queue. */
const functions = [...services.map((s) => ({ name: s.name, entry: s.entry })), { name: 'worker', entry: 'worker/handler.ts' }];

type Resources = Record<string, { Type: string; Properties: any }>;

let assemblyDir: string;
/** service name → asset folder of its function */
const functionAssets = new Map<string, string>();
let layerAsset: string;
let probeAsset: string;
let publisherAsset: string;
let testCityPublisherAsset: string;

/** The staged folder of a Lambda asset: the S3 key is `<hash>.zip`, the folder `asset.<hash>`. */
function assetDir(key: string): string {
  const dir = join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`);
  expect(existsSync(dir), dir).toBe(true);
  return dir;
}

/** The stack's template as written to the cloud assembly. */
function resourcesOf(stack: Stack): Resources {
  return JSON.parse(readFileSync(join(assemblyDir, stack.templateFile), 'utf8')).Resources;
}

const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as any);

/** Every `@aws-sdk` occurrence must be an import specifier (the runtime provides the SDK), and no SDK internals. */
function expectNoSdkCode(code: string): void {
  const withoutImports = code.replace(/(from|import)\s*["']@aws-sdk\/[^"']+["']/g, '');
  expect(withoutImports).not.toContain('@aws-sdk');
  expect(code).not.toContain('@smithy');
}

beforeAll(() => {
  const app = newApp({}, { outdir: tempDir('hmb-cdk-out-') });
  const main = new HuiminbaoStack(app, 'HuiminbaoStack');

  // A second stack: the function construct with a handler that does use the
  // core, and a publisher from a plans folder with one more city (same process:
  // must not reuse the first publisher's bundle).
  const probe = new Stack(app, 'ProbeStack');
  const { plansDir: testCityPlans } = plansWithTestCity();
  const probeLayer = new CoreLayer(probe, 'Core');
  const probeTable = new Data(probe, 'Data').table;
  const probeServices = new Services(probe, 'Services', {
    table: probeTable,
    coreLayer: probeLayer.layer,
    services: [{ name: 'adjudication', entry: PROBE_ENTRY, routes: [], access: {} }],
  });
  const probePublisher = new Publisher(probe, 'Publisher', { plansDir: testCityPlans, table: probeTable, coreLayer: probeLayer.layer });

  assemblyDir = app.synth().directory;
  const mainResources = resourcesOf(main);
  for (const { spec, fn } of main.services.deployed) {
    functionAssets.set(spec.name, assetDir(mainResources[logicalId(main, fn)].Properties.Code.S3Key));
  }
  functionAssets.set('worker', assetDir(mainResources[logicalId(main, main.fulfilment.worker)].Properties.Code.S3Key));
  layerAsset = assetDir(mainResources[logicalId(main, main.core.layer)].Properties.Content.S3Key);
  publisherAsset = assetDir(mainResources[logicalId(main, main.publisher.fn)].Properties.Code.S3Key);
  const probeResources = resourcesOf(probe);
  probeAsset = assetDir(probeResources[logicalId(probe, probeServices.deployed[0].fn)].Properties.Code.S3Key);
  testCityPublisherAsset = assetDir(probeResources[logicalId(probe, probePublisher.fn)].Properties.Code.S3Key);
}, 240_000);

afterAll(removeTempDirs);

describe('function bundles', () => {
  test.each(functions.map((f) => f.name))('%s: one small index.mjs (and its map), without the core or the SDK', (name) => {
    const dir = functionAssets.get(name)!;
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    const size = statSync(join(dir, 'index.mjs')).size;
    console.log(`${name}: index.mjs ${size} B`);
    expect(size).toBeLessThan(MAX_FUNCTION_BUNDLE);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(code).not.toContain('DecimalError'); // decimal.js
    expect(code).not.toMatch(/\$ZodType|ZodError/); // zod
    expect(code).not.toContain('YAMLParseError'); // yaml
    expectNoSdkCode(code);
    // Handlers still being written: once one imports the core, its bundle must import it, not inline it.
    const source = readFileSync(join(functionsDir, functions.find((f) => f.name === name)!.entry), 'utf8');
    if (/^import\s+(?!type\b)[^;]*from\s+['"]@huiminbao\/core['"]/m.test(source)) {
      expect(code).toMatch(/from\s*["']@huiminbao\/core["']/);
    }
  });

  test('a handler that uses the core imports @huiminbao/core and stays small', () => {
    const code = readFileSync(join(probeAsset, 'index.mjs'), 'utf8');
    console.log(`core-probe: index.mjs ${code.length} B`);
    expect(code).toMatch(/from\s*["']@huiminbao\/core["']/);
    expect(code.length).toBeLessThan(MAX_FUNCTION_BUNDLE);
    expect(code).not.toContain('DecimalError');
    expect(code).not.toMatch(/\$ZodType|ZodError/);
  });
});

describe('core layer', () => {
  test('nodejs/node_modules/@huiminbao/core: an ES module package with the core and its dependencies bundled', () => {
    expect(JSON.parse(readFileSync(join(layerAsset, 'nodejs/node_modules/@huiminbao/core/package.json'), 'utf8'))).toEqual({
      name: '@huiminbao/core',
      type: 'module',
      exports: './index.mjs',
    });
    const code = readFileSync(join(layerAsset, LAYER_INDEX), 'utf8');
    console.log(`layer: index.mjs ${code.length} B`);
    expect(code).toContain('DecimalError'); // decimal.js
    expect(code).toMatch(/ZodError/); // zod
    expect(code).toContain('YAMLParseError'); // yaml
    expect(code).toMatch(/^import\s*\{\s*createRequire as __hmbCreateRequire\s*\}\s*from\s*'node:module'/);
    // That nothing else is needed at run time is checked by running it (below).
    expectNoSdkCode(code);
  });

  test('holds no plans: services read the published versions from the plan store', () => {
    expect(existsSync(join(layerAsset, 'plans'))).toBe(false);
  });
});

describe('plan publisher', () => {
  test('its zip carries the plans folder (plan files and their lists) beside its small handler', () => {
    const files = (readdirSync(join(publisherAsset, 'plans'), { recursive: true }) as string[])
      .filter((f) => statSync(join(publisherAsset, 'plans', f)).isFile())
      .sort();
    const expected = (readdirSync(realPlansDir, { recursive: true }) as string[]).filter((f) => statSync(join(realPlansDir, f)).isFile()).sort();
    expect(files).toEqual(expected);
    expect(statSync(join(publisherAsset, 'index.mjs')).size).toBeLessThan(MAX_FUNCTION_BUNDLE);
  });

  test('a publisher built from another plans folder carries that folder, in another asset: the deploy runs it again', () => {
    expect(existsSync(join(testCityPublisherAsset, 'plans/testcity-2027.yaml'))).toBe(true);
    expect(existsSync(join(publisherAsset, 'plans/testcity-2027.yaml'))).toBe(false);
    expect(testCityPublisherAsset).not.toBe(publisherAsset);
  });
});

describe('function and layer together', () => {
  /**
   * A folder laid out like Lambda: <root>/opt is the layer, <root>/var/task a
   * function. <root>/node_modules stands in for the runtime's NODE_PATH (which
   * the Node.js 22 runtime also searches for ES module imports): the layer's
   * @huiminbao/core and the AWS SDK v3 the runtime ships, nothing else.
   */
  function lambdaLike(functionAsset: string): string {
    const root = tempDir('hmb-lambda-');
    cpSync(layerAsset, join(root, 'opt'), { recursive: true });
    cpSync(functionAsset, join(root, 'var/task'), { recursive: true });
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(root, 'opt/nodejs/node_modules/@huiminbao'), join(root, 'node_modules/@huiminbao'));
    symlinkSync(join(repoRoot, 'node_modules/@aws-sdk'), join(root, 'node_modules/@aws-sdk'));
    return root;
  }

  function runNode(root: string, script: string): string {
    return execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      cwd: join(root, 'var/task'),
      env: { PATH: process.env.PATH, TABLE_NAME: 'huiminbao-test', AWS_REGION: 'cn-north-1' },
      encoding: 'utf8',
    });
  }

  test('a handler using the core runs on Node 22 against the layer: the publisher reads the plans of its zip', () => {
    const root = lambdaLike(probeAsset);
    const out = runNode(
      root,
      `const { handler } = await import(${JSON.stringify(join(root, 'var/task/index.mjs'))}); console.log(JSON.stringify(await handler(${JSON.stringify({ plansDir: join(publisherAsset, 'plans') })})));`,
    );
    expect(JSON.parse(out)).toEqual({ plans: [...loadPlans(realPlansDir).plans.keys()].sort(), problems: 0 });
  });

  test.each(functions.map((f) => f.name))('%s: its bundle loads against the layer and exports a handler function', (name) => {
    const root = lambdaLike(functionAssets.get(name)!);
    const out = runNode(root, `const m = await import(${JSON.stringify(join(root, 'var/task/index.mjs'))}); console.log(typeof m.handler);`);
    expect(out.trim()).toBe('function');
  });
});
