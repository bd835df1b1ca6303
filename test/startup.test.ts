// What a command loads before it runs: --help, --version and a usage error load the command line alone, and
// each command the library it runs only once it runs, so that they answer in a fraction of the time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, cli } from './helpers/cli.js';

const HOOK = new URL('./fixtures/loaded-modules-hook.js', import.meta.url).href;

/** The modules of dist/src that `train-signals <args>` loads, relative to dist/src. */
function loaded(args: string[]): string[] {
  const r = cli(args, { env: { NODE_OPTIONS: `--import ${HOOK}` } });
  const urls = [...r.stderr.matchAll(/^loaded .*\/dist\/src\/(.+)$/gm)].map((m) => m[1]!);
  assert.ok(urls.includes('cli/main.js'), r.stderr);
  return urls;
}

const LIBRARY = ['train/train.js', 'train/tune.js', 'eval/evaluate.js', 'eval/predict.js', 'eval/report.js', 'engine/engine.js', 'io/onnx.js', 'io/safetensors.js', 'io/load-model.js', 'io/formats.js', 'data/csv.js'];

test('--help, --version, usage errors and flags out of range load none of the library the commands run; a command loads what it runs', () => {
  for (const args of [['--help'], ['--version'], ['train', '--help'], ['train', 'datasets/cbf/train.csv', '--hiden', '3'], ['train', 'datasets/cbf/train.csv', '--hidden', '0'], ['tune', 'datasets/cbf/train.csv', '--lr', '-1'], ['evalute', 'x.csv']]) {
    const modules = loaded(args);
    assert.deepEqual(LIBRARY.filter((m) => modules.includes(m)), [], args.join(' '));
  }
  // The hook sees what a command loads once it runs.
  const info = loaded(['info', 'no-such-model.json']);
  assert.ok(info.includes('io/load-model.js') && info.includes('io/formats.js') && !info.includes('train/train.js'), info.join(' '));
});

test('on a terminal, FORCE_COLOR beside NO_COLOR (or NODE_DISABLE_COLORS) leaves a refusal one line: no warning of Node\'s that it ignores NO_COLOR', { skip: process.platform !== 'linux' }, () => {
  const { CI: _ci, ...env } = process.env;
  for (const off of [{ NO_COLOR: '1' }, { NODE_DISABLE_COLORS: '1' }]) {
    // script(1) gives the command a pseudo-terminal, where the warning came (from a module yargs loads).
    const command = [process.execPath, BIN, 'info', 'no-such-model.json'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...env, TERM: 'xterm', FORCE_COLOR: '1', ...off } });
    assert.equal(r.status, 2, r.stdout);
    assert.deepEqual(r.stdout.split(/\r?\n/).filter((l) => l !== ''), ['train-signals: no-such-model.json: model file not found; check the path given to info'], JSON.stringify(off));
  }
});
