// The import order of src/ (docs/code.md): every import points down the layers
//   cli → train, eval → engine → data, io → model → errors
// (src/index.ts, the public API, stands beside cli at the top). Folders on one layer may import each other in
// one direction only: a cycle between two folders is refused, as is any import upward. model/ imports nothing
// but errors: no Node module, no package. Read from the TypeScript sources, so a type-only import counts too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './helpers/cli.js';

const SRC = join(ROOT, 'src');
const RANK: Record<string, number> = { index: 6, cli: 6, train: 5, eval: 5, engine: 4, data: 3, io: 3, model: 2, errors: 1 };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** The unit a file belongs to: its top folder under src/, or its name for src/index.ts and src/errors.ts. */
function unitOf(file: string): string {
  return relative(SRC, file).split(/[\\/]/)[0].replace(/\.ts$/, '');
}

/** Every module specifier a file imports or re-exports from (static and dynamic). */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

interface Edge { from: string; to: string; file: string; spec: string }

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sources(SRC)) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const from = unitOf(file);
      if (!spec.startsWith('.')) {
        out.push({ from, to: spec.startsWith('node:') ? 'node' : 'package', file, spec });
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!target.startsWith(SRC)) assert.fail(`${relative(ROOT, file)} imports ${spec}, outside src/`);
      out.push({ from, to: unitOf(target), file, spec });
    }
  }
  return out;
}

test('the import reader sees every form of import', () => {
  const text = "import { a } from './a.js';\nimport type { B } from '../b/b.js';\nexport { c } from './c.js';\n" +
    "import {\n  d,\n  e,\n} from '../d.js';\nimport './side.js';\nconst m = await import('./lazy.js');\nimport x from 'node:fs';";
  assert.deepEqual(specifiers(text), ['./a.js', '../b/b.js', './c.js', '../d.js', './side.js', './lazy.js', 'node:fs']);
});

test('every folder of src/ has a layer', () => {
  for (const file of sources(SRC)) assert.ok(unitOf(file) in RANK, `${relative(ROOT, file)}: ${unitOf(file)} has no layer in this test`);
});

test('src/ imports point down the layers, with no cycle between folders', () => {
  const all = edges();
  const between = all.filter((e) => e.to in RANK && e.from !== e.to);
  const bad: string[] = [];
  for (const e of between) {
    if (RANK[e.to] > RANK[e.from]) bad.push(`${relative(ROOT, e.file)} imports ${e.spec}: ${e.from} may not import ${e.to} (upward)`);
    if (RANK[e.to] === RANK[e.from] && between.some((b) => b.from === e.to && b.to === e.from)) {
      bad.push(`${relative(ROOT, e.file)} imports ${e.spec}: ${e.from} and ${e.to} import each other`);
    }
  }
  for (const e of all.filter((x) => x.from === 'model' && x.to !== 'model' && x.to !== 'errors')) {
    bad.push(`${relative(ROOT, e.file)} imports ${e.spec}: model/ imports nothing but errors`);
  }
  assert.deepEqual(bad, []);
});

test('no two files of src/ load each other, however far round (a cycle of files is one module split in two)', () => {
  const next = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    // A type-only import loads nothing: a module's types may name its caller's.
    const loaded = readFileSync(file, 'utf8').replace(/(?:^|\n)\s*import type\s[^;]*;/g, '\n');
    const local = specifiers(loaded).filter((s) => s.startsWith('.'));
    next.set(file, local.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))));
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === 'open') cycles.push([...path.slice(path.indexOf(to)), to].map((f) => relative(SRC, f)).join(' → '));
      else if (state.get(to) === undefined) visit(to);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of next.keys()) if (state.get(file) === undefined) visit(file);
  assert.deepEqual(cycles, []);
});

test('workers/ import only the engine and what a selection task runs (train/select), never the command line', () => {
  const bad: string[] = [];
  for (const file of sources(join(ROOT, 'workers'))) {
    for (const spec of specifiers(readFileSync(file, 'utf8')).filter((s) => s.startsWith('.'))) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      const unit = target.startsWith(SRC) ? unitOf(target) : 'outside src/';
      if (!(unit in RANK) || RANK[unit] > RANK.train || unit === 'eval') bad.push(`${relative(ROOT, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});
