// The console's files: built by esbuild into a small entry, a stylesheet and
// chunks for the signed-in roles' pages; served by the local gateway at / and
// /console/… before any route (with its content security policy, validators and
// HEAD), the API's routes untouched beside them.
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildConsole, writeConsole } from '../../console/build.ts';
import { CONSOLE_CSP, createGateway } from '../../local/gateway.ts';

const files = buildConsole({ config: { auth: 'none' } });
const server = createGateway(
  [
    {
      name: 'plans',
      routes: ['GET /plans', 'GET /{any+}'],
      handler: async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: event.routeKey }) }),
    },
  ],
  { files },
);
let base = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('the build', () => {
  test("the page, its entry and stylesheet, a chunk per role's pages; the entry stays small", () => {
    const paths = [...files.keys()];
    expect(paths).toEqual(expect.arrayContaining(['/', '/index.html', '/console/main.js', '/console/console.css', '/console/config.json']));
    const chunks = paths.filter((p) => p.startsWith('/console/chunks/'));
    // bureau, insurer, sponsor, the CSV parser, the shared pieces…: each loaded when a page needs it.
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(files.get('/console/main.js')!.body.length).toBeLessThan(40_000);
    const page = files.get('/')!.body.toString();
    expect(page).toContain('<script type="module" src="/console/main.js"></script>');
    expect(page).not.toMatch(/<script>|\sstyle=|\son[a-z]+=/); // nothing inline: the CSP allows none
  });

  test('written out for the bucket: index.html at the top, the rest under console/, no config (the deployment writes its own)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmb-console-'));
    try {
      writeConsole(buildConsole(), dir);
      expect(readdirSync(dir).sort()).toEqual(['console', 'index.html']);
      expect(readdirSync(join(dir, 'console'))).toEqual(expect.arrayContaining(['main.js', 'console.css', 'chunks']));
      expect(readdirSync(join(dir, 'console'))).not.toContain('config.json');
      expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(files.get('/')!.body.toString());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('served by the local gateway', () => {
  test('GET / is the console, with its content security policy; the config says nobody signs in here', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('惠民保');
    expect(await (await fetch(`${base}/console/config.json`)).json()).toEqual({ auth: 'none' });
  });

  test('files revalidate by ETag (304), answer HEAD without a body, and chunks are kept for good', async () => {
    const first = await fetch(`${base}/console/main.js`);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${base}/console/main.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const head = await fetch(`${base}/console/console.css`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(files.get('/console/console.css')!.body.length);
    const chunk = [...files.keys()].find((p) => p.startsWith('/console/chunks/'))!;
    expect((await fetch(`${base}${chunk}`)).headers.get('cache-control')).toContain('immutable');
  });

  test("the API is untouched: its routes answer, other methods on / go to the routes, an unknown file is the routes' too", async () => {
    expect(await (await fetch(`${base}/plans`)).json()).toEqual({ route: 'GET /plans' });
    expect(await (await fetch(`${base}/console/nothing.js`)).json()).toEqual({ route: 'GET /{any+}' });
    expect((await fetch(`${base}/`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
