// The shared core as a Lambda layer: `@huiminbao/core` bundled once, with every
// third-party dependency inside. Functions mark the core external, so each
// function zip holds only its handler. Plans are not in it: services read the
// published versions from the plan store, one at a time, when first needed.
//
// Layout on Lambda (layers are unpacked under /opt):
//   /opt/nodejs/node_modules/@huiminbao/core/{package.json,index.mjs,index.mjs.map}
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AssetHashType, DockerImage, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import { Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { coreDir, repoRoot } from '../paths.ts';

/** Where Node finds the package inside the layer (relative to the layer root). */
const PACKAGE_DIR = 'nodejs/node_modules/@huiminbao/core';

// esbuild turns `require()` in bundled CommonJS dependencies into a shim that
// throws in an ES module unless a real `require` exists: provide one.
export const REQUIRE_BANNER = "import { createRequire as __hmbCreateRequire } from 'node:module'; const require = __hmbCreateRequire(import.meta.url);";

/** Builds the layer folder with esbuild's JS API, in-process: no Docker. */
class CoreLayerBundling implements ILocalBundling {
  readonly entry: string;

  constructor(entry: string) {
    this.entry = entry;
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
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: '@huiminbao/core', type: 'module', exports: './index.mjs' }, null, 2) + '\n');
    return true;
  }
}

export class CoreLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      description: '@huiminbao/core, bundled with its dependencies',
      code: Code.fromAsset(coreDir, {
        // Hash what is shipped: the bundle depends on node_modules, not only on functions/core.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never used: local bundling always succeeds or throws. CDK requires an image.
          image: DockerImage.fromRegistry('none'),
          local: new CoreLayerBundling(join(coreDir, 'index.ts')),
        },
      }),
      compatibleRuntimes: [Runtime.NODEJS_22_X],
    });
  }
}
