// Shared by the infra tests: an App configured like `cdk synth` (cdk.json's
// feature flags), and a throwaway copy of plans/ with one more city.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const realPlansDir = join(repoRoot, 'plans');

const tempDirs: string[] = [];

/** A fresh folder under the OS temp dir, removed by removeTempDirs() (call it in afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A synth without bundling takes ~2 s alone, far more beside the bundling test on a small machine. */
export const SYNTH_TIMEOUT = 90_000;

/** Skips asset bundling: for tests about the template, not the bundles. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/**
 * For tests about the template's shape: no asset bundling and no built-in
 * CloudFormation validation (~5 s of WebAssembly per synth). bundle.test.ts
 * and `cdk synth` still run that validation on the full app.
 */
export function shapeApp(): App {
  return newApp(SKIP_BUNDLING, { builtinCloudFormationValidation: false });
}

/** An App with the same context (feature flags) as `npx cdk synth`, plus `context`. */
export function newApp(context: Record<string, unknown> = {}, props: AppProps = {}): App {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return new App({ ...props, context: { ...cdkJson.context, ...context } });
}

/**
 * A temp copy of plans/ with `testcity-2027.yaml`: jiangxi-2023 under a new id
 * and new dates (window 2027-03-01 → 2027-04-01 Beijing time, cover after it).
 */
export function plansWithTestCity(): { plansDir: string; planId: string } {
  const plansDir = join(tempDir('hmb-plans-'), 'plans');
  cpSync(realPlansDir, plansDir, { recursive: true });
  const source = readFileSync(join(realPlansDir, 'jiangxi-2023.yaml'), 'utf8');
  const edited = replaceOnce(
    replaceOnce(
      replaceOnce(source, /^id: jiangxi-2023$/m, 'id: testcity-2027'),
      /window: \{[^}]*\}/,
      'window: { opens: "2027-03-01T00:00:00+08:00", closes: "2027-04-01T00:00:00+08:00" }',
    ),
    /cover: \{ kind: fixed[^}]*\}/,
    'cover: { kind: fixed, start: "2027-04-01", end: "2028-03-31" }',
  );
  writeFileSync(join(plansDir, 'testcity-2027.yaml'), edited);
  return { plansDir, planId: 'testcity-2027' };
}

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`jiangxi-2023.yaml no longer matches ${pattern}: update plansWithTestCity()`);
  return text.replace(pattern, replacement);
}
