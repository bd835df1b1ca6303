// The package as a user gets it: `npm pack`, installed into a fresh folder, used from an ESM script (train,
// evaluate, predict, the model file) and from TypeScript checked by tsc, and its bin run by npx. Also what it
// ships: what a user runs, no compiled tests or benchmarks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const dir = tempDir('ts-pack-');
const run = (cmd: string, args: string[], cwd: string) => spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1', npm_config_cache: npmCache() } });

/** npm's cache, or one in the test's folder where that cannot be written (a CI job's user without a home). */
function npmCache(): string {
  const cache = process.env.npm_config_cache ?? join(homedir(), '.npm');
  let there = cache; // the cache, or the nearest folder above it that exists, in which npm would make it
  while (!existsSync(there) && dirname(there) !== there) there = dirname(there);
  try {
    accessSync(there, constants.W_OK);
    return cache;
  } catch {
    return join(dir, 'npm-cache');
  }
}

test('npm pack ships the library, its workers and kernel, the scripts the docs run, and no tests or benchmarks; installed, every documented export works', { timeout: 300_000 }, () => {
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info.files.map((f) => f.path);
  for (const need of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/workers/grad-worker.js', 'dist/workers/select-worker.js', 'dist/kernel/rnn.wasm', 'dist/kernel/rnn-fma.wasm', 'datasets/cbf/train.csv', 'README.md', 'docs/cli.md', 'docs/errors.md', 'examples/pytorch_ddp.py', 'tools/torch_predict.py']) {
    assert.ok(files.includes(need), `ships ${need}`);
  }
  assert.ok(!files.some((f) => /^dist\/(test|bench)\//.test(f)), 'no compiled tests or benchmarks');
  assert.ok(!files.some((f) => /^datasets\/.*\.ts$/.test(f)), 'no generator sources, whose imports the package does not hold');
  assert.ok(files.includes('datasets/motion/train.csv'), 'ships datasets/motion');

  const app = join(dir, 'app');
  spawnSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  const inst = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, info.filename)], app);
  assert.equal(inst.status, 0, inst.stderr);
  // (npm 11 lists the package's `prepare` script when it is installed from a local tarball, as here; from the
  // registry it does not run, and nothing else warns.)
  assert.doesNotMatch(inst.stderr.replace(/^npm warn install-scripts.*$/gm, ''), /npm warn/i, 'installing prints no other warning');

  writeFileSync(join(app, 'use.mjs'), `
    import { train, evaluate, predict, loadModel, TRAIN_DEFAULTS, score, exportOnnx, exportSafetensors } from 'train-signals';
    const data = 'node_modules/train-signals/datasets/cbf/';
    const r = await train({ files: [data + 'train.csv'], test: [data + 'test.csv'], out: 'm.json', epochs: 1, hidden: 4, select: 'off', threads: 1 });
    const m = loadModel('m.json');
    const e = await evaluate(m, { files: [data + 'test.csv'] });
    let n = 0;
    for await (const p of predict(m, { files: [data + 'test.csv'] })) if (p.probabilities.length === m.classes.length) n++;
    console.log(JSON.stringify({ acc: r.test[0].accuracy, evaluated: e[0].sequences, predicted: n, cell: TRAIN_DEFAULTS.cell,
      onnx: exportOnnx(m).length > 0, safetensors: exportSafetensors(m).length > 0, score: typeof score }));
  `);
  const use = run(process.execPath, ['use.mjs'], app);
  assert.equal(use.status, 0, use.stderr);
  const out = JSON.parse(use.stdout.trim().split('\n').at(-1)!);
  assert.equal(out.evaluated, 300);
  assert.equal(out.predicted, 300);
  assert.ok(out.onnx && out.safetensors && out.score === 'function');

  writeFileSync(join(app, 'use.ts'), `
    import { train, predict, loadModel, type TrainOptions, type Prediction, type Model, type Cell } from 'train-signals';
    const o: TrainOptions = { files: ['a.csv'], cell: 'gru' satisfies Cell, epochs: 1 };
    export async function go(): Promise<number> {
      const m: Model = (await train(o)).model;
      const again: Model = loadModel('m.json');
      let n = 0;
      for await (const p of predict(again, { files: ['b.csv'] })) { const q: Prediction = p; n += q.probabilities.length; }
      return n + m.classes.length;
    }
  `);
  const tsc = run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'use.ts'], app);
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr); // with the library's declarations checked, and no @types/node in the app
  // A Node program's usual settings: Node's types, no DOM library (whose WebAssembly namespace the public types reached).
  const nodeOnly = run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--lib', 'es2023', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), '--skipLibCheck', 'false', 'use.ts'], app);
  assert.equal(nodeOnly.status, 0, nodeOnly.stdout + nodeOnly.stderr);

  const bin = run('npx', ['--no-install', 'train-signals', '--version'], app);
  assert.equal(bin.status, 0, bin.stderr);
  assert.equal(bin.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  const version = run(process.execPath, ['--input-type=module', '-e', "import { createRequire } from 'node:module'; console.log(createRequire(import.meta.url)('train-signals/package.json').version)"], app);
  assert.equal(version.stdout.trim(), bin.stdout.trim(), version.stderr);

  // The unpacked package installed as a folder: its prepare script builds only in a clone, so it installs here.
  const unpacked = join(dir, 'unpacked');
  spawnSync('mkdir', ['-p', unpacked]);
  assert.equal(run('tar', ['xzf', join(dir, info.filename), '-C', unpacked], dir).status, 0);
  const other = join(dir, 'other');
  spawnSync('mkdir', ['-p', other]);
  writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'other', version: '1.0.0', private: true }));
  const folder = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', join(unpacked, 'package')], other);
  assert.equal(folder.status, 0, folder.stderr);
});
