// The console's static files: console/src bundled by esbuild (ES modules, one
// small entry and a chunk per signed-in role, loaded only when that role's page
// opens), the stylesheet and index.html. The local stack serves them from memory
// at `/`; the CDK app writes them to a folder it uploads to the console's bucket.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';

const consoleDir = import.meta.dirname;

export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  /** The entry files and the page keep their names (revalidated); chunks are named by their content (kept). */
  cacheControl: string;
}

/** URL path → file. `/` is the page; everything else is under `/console/`. */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};
const REVALIDATE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';

const typeOf = (path: string) => TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';

/**
 * Builds the console in memory. `config` is what the console reads at `/console/config.json` (how it signs in);
 * left out, the file is not part of the build (the CDK app writes its own, with the deployment's ids).
 */
export function buildConsole(options: { config?: unknown } = {}): ConsoleFiles {
  // Synchronous: the CDK app bundles assets synchronously (a few hundred milliseconds here).
  const result = buildSync({
    entryPoints: { main: join(consoleDir, 'src/main.ts'), console: join(consoleDir, 'console.css') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2022', 'chrome100', 'safari15'],
    minify: true,
    write: false,
    outdir: '/console',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files = new Map<string, ConsoleFile>();
  for (const file of result.outputFiles) {
    const path = file.path.replace(/\\/g, '/').replace(/^.*?\/console\//, '/console/');
    files.set(path, { body: Buffer.from(file.contents), contentType: typeOf(path), cacheControl: path.includes('/chunks/') ? IMMUTABLE : REVALIDATE });
  }
  const page = { body: readFileSync(join(consoleDir, 'index.html')), contentType: TYPES['.html'], cacheControl: REVALIDATE };
  files.set('/', page);
  files.set('/index.html', page);
  if (options.config !== undefined)
    files.set('/console/config.json', { body: Buffer.from(JSON.stringify(options.config)), contentType: TYPES['.json'], cacheControl: REVALIDATE });
  return files;
}

/** Writes the files under `dir` as the bucket holds them (index.html at the top, the rest under console/). */
export function writeConsole(files: ConsoleFiles, dir: string): void {
  for (const [path, file] of files) {
    if (path === '/') continue;
    const target = join(dir, path.slice(1));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
}
