// The project's documentation stands alone: every relative link in the README
// and docs/ leads to a file of the project (a link written from the root inside
// docs/, e.g. docs/api.md, once led nowhere).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

test.each(pages)('%s: every relative link leads to a file of the project', (page) => {
  const text = readFileSync(join(root, page), 'utf8');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^(https?:|mailto:|#)/.test(t));
  const broken = targets.filter((t) => !existsSync(resolve(root, dirname(page), t.split('#')[0])));
  expect(broken).toEqual([]);
});
