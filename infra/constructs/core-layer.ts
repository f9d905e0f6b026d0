// The shared core as a Lambda layer: `@huiminbao/core` bundled once, with every
// third-party dependency inside, plus the plan files. Functions mark the core
// external, so each function zip holds only its handler.
//
// Layout on Lambda (layers are unpacked under /opt):
//   /opt/nodejs/node_modules/@huiminbao/core/{package.json,index.mjs,index.mjs.map}
//   /opt/plans/*.yaml, /opt/plans/lists/<planId>/*.yaml   (HMB_PLANS_DIR)
import { cpSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AssetHashType, DockerImage, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import { Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { coreDir, repoRoot } from '../paths.ts';

/** Where the layer puts the plan files; functions get it as HMB_PLANS_DIR. */
export const LAYER_PLANS_DIR = '/opt/plans';

/** Where Node finds the package inside the layer (relative to the layer root). */
const PACKAGE_DIR = 'nodejs/node_modules/@huiminbao/core';

// esbuild turns `require()` in bundled CommonJS dependencies into a shim that
// throws in an ES module unless a real `require` exists: provide one.
export const REQUIRE_BANNER =
  "import { createRequire as __hmbCreateRequire } from 'node:module'; const require = __hmbCreateRequire(import.meta.url);";

/**
 * Builds the layer folder with esbuild's JS API, in-process: no Docker.
 *
 * A class with plain fields rather than an object literal on purpose: CDK keys
 * its in-process bundling cache on the JSON of the bundling options, and the
 * fields (the plans folder in particular) are what make two stacks built from
 * different plans folders produce two different layers.
 */
class CoreLayerBundling implements ILocalBundling {
  readonly entry: string;
  readonly plansDir: string;

  constructor(entry: string, plansDir: string) {
    this.entry = entry;
    this.plansDir = plansDir;
  }

  tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    const pkgDir = join(outputDir, PACKAGE_DIR);
    mkdirSync(pkgDir, { recursive: true });

    // Build in memory against a fixed virtual location that mirrors /opt, so the
    // source map's relative paths (and so the asset hash) do not depend on where
    // the cloud assembly lives, and stack traces on Lambda read /functions/core/….
    const virtualOut = join(repoRoot, 'opt', PACKAGE_DIR, 'index.mjs');
    const result = buildSync({
      entryPoints: [this.entry],
      outfile: virtualOut,
      write: false,
      absWorkingDir: repoRoot,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      // Prefer packages' ES module builds; CommonJS ones still work through the banner.
      mainFields: ['module', 'main'],
      // The Node.js 22 runtime ships AWS SDK v3; everything else goes in.
      external: ['@aws-sdk/*'],
      banner: { js: REQUIRE_BANNER },
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'none',
      logLevel: 'warning',
    });
    for (const file of result.outputFiles) {
      const target = join(pkgDir, relative(dirname(virtualOut), file.path));
      writeFileSync(target, file.contents);
    }
    writeFileSync(
      join(pkgDir, 'package.json'),
      JSON.stringify({ name: '@huiminbao/core', type: 'module', exports: './index.mjs' }, null, 2) + '\n',
    );

    // Plans are data the services read at run time; only YAML goes (plan files and lists/).
    cpSync(this.plansDir, join(outputDir, 'plans'), {
      recursive: true,
      filter: (src) => statSync(src).isDirectory() || /\.ya?ml$/.test(src),
    });
    return true;
  }
}

export interface CoreLayerProps {
  /** The plans folder copied into the layer at /opt/plans. */
  plansDir: string;
}

export class CoreLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string, props: CoreLayerProps) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      description: '@huiminbao/core (bundled with its dependencies) and the plan files under /opt/plans',
      code: Code.fromAsset(coreDir, {
        // Hash what is shipped: the bundle depends on node_modules and plans/, not only on functions/core.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never used: local bundling always succeeds or throws. CDK requires an image.
          image: DockerImage.fromRegistry('none'),
          local: new CoreLayerBundling(join(coreDir, 'index.ts'), props.plansDir),
        },
      }),
      compatibleRuntimes: [Runtime.NODEJS_22_X],
    });
  }
}
