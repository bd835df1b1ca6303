// README and docs/ as a reader follows them: every relative link resolves (a file, and a heading when one is
// named), and nothing in the repository points outside it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './helpers/cli.js';

const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

test('every relative link in README and docs/ names a file that exists, and a heading it has', () => {
  let links = 0;
  for (const page of pages) {
    const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      links++;
      const [file, hash] = target.split('#');
      const path = file === '' ? join(ROOT, page) : join(ROOT, dirname(page), file);
      assert.ok(existsSync(path), `${page}: the link ${target} names ${relative(ROOT, path)}, which does not exist`);
      if (hash !== undefined && path.endsWith('.md')) {
        const headings = [...readFileSync(path, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]));
        assert.ok(headings.includes(hash), `${page}: the link ${target} names a heading ${relative(ROOT, path)} does not have`);
      }
    }
  }
  assert.ok(links >= 10, `found ${links} links`);
});

test('nothing in the repository refers to files outside it', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n')
    .filter((f) => /\.(md|ts|js|py|json|sh)$|^\.ci\//.test(f) && f !== 'test/docs.test.ts' && existsSync(join(ROOT, f)));
  assert.ok(tracked.length > 50);
  for (const f of tracked) {
    assert.doesNotMatch(readFileSync(join(ROOT, f), 'utf8'), /\.\.\/shared\b|\/work\/|\.library\b/, f);
  }
});
