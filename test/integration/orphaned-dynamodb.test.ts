// kill -9 of a process that started DynamoDB Local runs no exit hook, so its JVM
// keeps running; the next start ends it (and only JVMs whose parent is gone).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, test } from 'vitest';
import { endOrphans } from '../../local/dynamodb.ts';

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('DynamoDB Local left by a killed parent', () => {
  test('is ended by the next start', { timeout: 60_000 }, async () => {
    const parent = spawn(process.execPath, ['test/support/dynamo-process.ts'], {
      cwd: resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let jvm = 0;
    for await (const line of createInterface({ input: parent.stdout! })) {
      if (line.startsWith('{')) {
        jvm = (JSON.parse(line) as { jvm: number }).jvm;
        break;
      }
    }
    expect(running(jvm)).toBe(true);
    // While its parent runs, it is not an orphan.
    expect(endOrphans()).not.toContain(jvm);
    expect(running(jvm)).toBe(true);
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('exit', r));
    await new Promise((r) => setTimeout(r, 300));
    expect(running(jvm)).toBe(true); // orphaned: no exit hook ran
    expect(endOrphans()).toContain(jvm);
    for (let i = 0; i < 50 && running(jvm); i++) await new Promise((r) => setTimeout(r, 100));
    expect(running(jvm)).toBe(false);
  });
});
