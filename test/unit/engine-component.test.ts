// The engine as a component: the example an embedder starts from runs and gives the fen worked out by hand, and
// the entry point `@huiminbao/core/engine` reaches nothing beyond pure computation and local files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/embed-engine.ts');

describe('examples/embed-engine.ts', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hmb-embed-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  // Run from elsewhere, as a host would: the example finds its files from its own place.
  const run = (...args: string[]) => spawnSync(process.execPath, [example, ...args], { cwd: tmp, encoding: 'utf8' });

  test('loads the Jiangxi plan file and adjudicates the example settlement', () => {
    const out = run();
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    // In-catalogue 100,000 + class-B 15,000 = 115,000, less the 15,000 deductible = 100,000 in the first band:
    // (30 % + 5 points no-claim bonus) × 0.9 in-province referral = 31.5 % → 31,500.00. Out-of-catalogue
    // 24,000 + over-limit 1,000 − the 600 meal Jiangxi excludes = 24,400, under its 25,000 deductible.
    expect(out.stdout).toContain('100000.00 × 31.5%');
    expect(out.stdout).toContain('BELOW_DEDUCTIBLE');
    expect(out.stdout).toContain('合计 total 31500.00  (payable)');
    expect(out.stdout).toContain('accumulators after: {"inpatient-in-catalog":"15000.00","inpatient-out-of-catalog":"24400.00"}');
  });

  test('a settlement that does not add up is refused by field', () => {
    const claim = JSON.parse(readFileSync(join(root, 'examples/jiangxi-claim.json'), 'utf8'));
    claim.settlement.classBCopay = '15000.001';
    const file = join(tmp, 'claim.json');
    writeFileSync(file, JSON.stringify(claim));
    const out = run(join(root, 'plans/jiangxi-2023.yaml'), file, join(root, 'examples/jiangxi-policy.json'));
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(`${file}: settlement.classBCopay: must be a non-negative yuan amount with at most two decimals`);
  });
});

describe('@huiminbao/core/engine', () => {
  const core = join(root, 'functions/core');
  const entry = join(core, JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')).exports['./engine']);

  /** Every module the entry loads at run time (type-only imports vanish), and the packages they import. */
  function runtimeImports(file: string, seen = new Set<string>(), packages = new Set<string>()) {
    if (seen.has(file)) return { seen, packages };
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)) {
      if (specifier.startsWith('.')) runtimeImports(resolve(dirname(file), specifier), seen, packages);
      else packages.add(specifier);
    }
    return { seen, packages };
  }

  test('imports only zod, decimal.js, yaml, date-fns and the local file system', () => {
    const { packages } = runtimeImports(entry);
    expect([...packages].sort()).toEqual(['@date-fns/utc', 'date-fns', 'decimal.js', 'node:fs', 'node:path', 'yaml', 'zod']);
  });

  test('loads none of the store, the HTTP kit, the services or the runtime', () => {
    const modules = [...runtimeImports(entry).seen].map((f) => f.slice(core.length + 1));
    expect(modules).toContain('engine/adjudicate.ts');
    expect(modules).toContain('settlement/national.ts');
    expect(modules.filter((m) => /^(store|http|api|runtime|adjudication|enrollment|eligibility|charity|work)\b/.test(m))).toEqual([]);
  });
});
