import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// The bits of helpers/pinned-runs.ts's trainings, as computed by each build of the kernel (and by the reference
// kernel, which is the same under both), computed on an AMD Zen 5 and the same there on Node 20, 22, 24 and 26.
// A change that alters the arithmetic on purpose updates them (the failure prints the new ones) and says so in
// its commit; a machine that gives other bits for the same code breaks the promise that a run, a checkpoint and
// a resume are the same bits on any machine with the same build (docs/model.md).
const PINNED: Record<string, { defaults: string; everyPath: string }> = {
  'wasm-fma': { defaults: '3792cb3e620019e1', everyPath: 'afab6205c659aad7' },
  'wasm-plain': { defaults: '7ba42dea0306f62d', everyPath: 'f8869e8a8b9f4f1e' },
};
const PINNED_REFERENCE = '3e11a6c441817497';

const runs = fileURLToPath(new URL('./helpers/pinned-runs.js', import.meta.url));

async function fingerprints(v8Flags: string[], env: Record<string, string>): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)(process.execPath, [...v8Flags, runs], { env: { ...process.env, ...env } });
  return JSON.parse(stdout) as Record<string, string>;
}

test('small trainings give the bits pinned for their kernel build: fused, plain, and on a CPU without AVX; the reference kernel the same under each', async () => {
  const [unset, plain, noAvx] = await Promise.all([
    fingerprints([], { TRAIN_SIGNALS_KERNEL: '' }),
    fingerprints([], { TRAIN_SIGNALS_KERNEL: 'plain' }),
    // V8's code for a CPU with SSE4.1 but neither AVX nor FMA3: the plain build, compiled to other instructions.
    fingerprints(['--no-enable-avx', '--no-enable-avx2', '--no-enable-fma3'], { TRAIN_SIGNALS_KERNEL: '' }),
  ]);
  assert.equal(plain['kernel'], 'wasm-plain');
  assert.equal(noAvx['kernel'], 'wasm-plain', 'without FMA3 the fused build is not used');
  for (const got of [unset, plain, noAvx]) {
    const { kernel, everyPathReference, ...bits } = got;
    const pinned = PINNED[kernel!];
    assert.ok(pinned, `kernel ${kernel}`);
    assert.deepEqual(bits, pinned, `${kernel}: these bits differ from the pinned ones (${JSON.stringify(got)})`);
    assert.equal(everyPathReference, PINNED_REFERENCE, `the reference kernel under ${kernel}`);
  }
});
