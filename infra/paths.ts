// Where things live in the checkout. Resolved from this file rather than the
// working directory, so `cdk synth`, vitest and editors agree wherever they start.
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
/** Service handlers: `functions/<entry>` (see functions/services.ts). */
export const functionsDir = resolve(repoRoot, 'functions');
/** The shared core package `@huiminbao/core`, deployed as the layer. */
export const coreDir = resolve(functionsDir, 'core');
export const lockFile = resolve(repoRoot, 'package-lock.json');
