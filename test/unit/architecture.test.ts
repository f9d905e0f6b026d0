// The core's wiring: the domain depends on Deps and the store's interface, never
// on the AWS SDK (only the adapters and the composition root import it), and
// no module imports itself back through others. Read from the sources' own
// import statements (type-only imports are erased at run time and ignored).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const core = resolve(import.meta.dirname, '../../functions/core');

/** Where the AWS SDK may be imported: the DynamoDB adapter and its parts (the local queue's journal too), the SQS queue, the composition root, the layer's index. */
const ADAPTERS = ['store/dynamo.ts', 'store/dynamo-ops.ts', 'store/provision.ts', 'store/work-journal.ts', 'work/sqs-queue.ts', 'wiring.ts', 'index.ts'];

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? modules(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** A module's run-time imports: relative ones resolved to files, packages by name. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of source.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    if (m[1]) continue; // import type … / export type …
    const spec = m[2];
    found.push(spec.startsWith('.') ? resolve(dirname(file), spec) : spec);
  }
  return found;
}

const graph = new Map(modules(core).map((file) => [file, importsOf(file)]));

function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    for (const next of graph.get(stack.pop()!) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      if (graph.has(next)) stack.push(next);
    }
  }
  return seen;
}

describe('the core', () => {
  test('no domain module reaches the AWS SDK, directly or through others', () => {
    const offenders = [...graph.keys()]
      .filter((file) => !ADAPTERS.includes(relative(core, file)))
      .filter((file) => [...reachable(file)].some((m) => m.startsWith('@aws-sdk/')))
      .map((file) => relative(core, file));
    expect(offenders).toEqual([]);
  });

  test('the SDK is imported where it is meant to be, so the check above has something to find', () => {
    expect([...reachable(join(core, 'wiring.ts'))].some((m) => m.startsWith('@aws-sdk/'))).toBe(true);
  });

  test('no import cycle', () => {
    const cycles: string[] = [];
    for (const file of graph.keys()) if (reachable(file).has(file)) cycles.push(relative(core, file));
    expect(cycles).toEqual([]);
  });
});
