// The project stands alone: its readers have only this repository, so no file may
// point at material outside it (a sibling folder of briefs or source copies).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
// Written in pieces so that this file does not match itself.
const outside = new RegExp(['\\.\\./', 'shared', '|', 'shared', '/(seeds|domain)', '|', 'domain', '\\.md'].join(''));

test('no tracked file refers to a folder outside the project', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.startsWith('node_modules/') && f !== 'package-lock.json');
  const offenders = files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(resolve(root, file), 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').flatMap((line, i) => (outside.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
  });
  expect(offenders).toEqual([]);
});
