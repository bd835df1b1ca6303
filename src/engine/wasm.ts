// The WebAssembly side of the fast kernel: loading the module that `npm run build` compiles from
// assembly/rnn.ts (with the GRU cell of assembly/gru.ts), and the plan of the one shared linear memory that the
// coordinator and every worker instantiate it over. Owns byte offsets and instantiation; the arithmetic is in
// assembly/rnn.ts, assembly/gru.ts and assembly/simd.ts, and its
// driving in fast.ts, update.ts and predict.ts.
//
// What lives in the shared memory (a WebAssembly.Memory with shared: true, whose buffer is a
// SharedArrayBuffer, created once per engine and handed to each worker once in workerData):
//   params  [P]           the weights; only the coordinator writes them, between steps
//   slots   [K][Pa]       one gradient per chunk of the batch (Pa = P rounded up to 16 floats, 64 bytes)
//   sum     [P] f64       the coordinator's fixed-order sum of the slots, then the step's gradient
//   m, v    [P] each      the optimizer's moments (f32), which the coordinator's update reads and writes
//   scratch [R][...]      one region per computing thread (workspace, packed weights, padded gradients)
// What does not: the data set. It stays in the SharedArrayBuffers the loader filled (handed to each worker
// once, like the memory); a task streams its chunk's steps from there into its scratch, time-major, block by
// block. Copying the data set into wasm memory would double the process's largest allocation.
//
// Legend: P parameters, K chunks per batch, R computing threads, Mc rows per chunk (multiple of 4), D inputs
// per step (channels × stride), H hidden units, Hp = H rounded up to 8, Wc the longest stored window, NB steps
// per weight-gradient block, XB steps per streamed input block, G gates per cell (1 tanh, 3 GRU), E columns per
// unit of a step's gate buffers (1 tanh; 4 GRU: r, z, hn, n, see assembly/gru.ts).

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { type Shape, directionsOf, gatesOf, layerInputs, layersOf } from '../model/layout.js';
import { UserError, tooManyOpenFiles } from '../errors.js';
import { addressSpaceCap, capTooLow } from './address-space.js';
import { memoryTooLow } from './memory-limit.js';

export interface KernelExports {
  readonly maddLane: (acc: number, a: number, b: number) => number;
  readonly tanhInPlace: (p: number, n: number) => void;
  readonly pack: (H: number, D: number, Hp: number, wxh: number, whh: number, bh: number, fwd: number, bwd: number, wxt: number, bias: number) => void;
  readonly forward: (
    Mc: number, D: number, Hp: number, fwd: number, wxt: number, bias: number,
    xs: number, tau0: number, nsteps: number, starts: number, hs: number, store: number, hsum: number, amax: number, ap: number,
  ) => void;
  readonly backward: (
    Mc: number, D: number, Hp: number, bwd: number, xs: number, tau0: number, W: number, starts: number, hs: number,
    dh: number, dzT: number, amax: number, da: number, NB: number, pa: number, pb: number, ghh: number, gxt: number, gb: number,
    inj: number, wxt: number, dx: number,
  ) => void;
  readonly scatter: (H: number, D: number, Hp: number, ghh: number, gxt: number, gb: number, wxh: number, whh: number, bh: number) => void;
  readonly gruPack: (
    H: number, D: number, Hp: number, wxh: number, whh: number, bh: number, bhn: number, fwd: number, bwd: number, wxt: number, bias: number,
  ) => void;
  readonly gruForward: (
    Mc: number, D: number, Hp: number, fwd: number, wxt: number, bias: number,
    xs: number, tau0: number, nsteps: number, starts: number, hs: number, gates: number, store: number, hsum: number, amax: number, ap: number,
  ) => void;
  readonly gruBackward: (
    Mc: number, D: number, Hp: number, bwd: number, xs: number, tau0: number, W: number, starts: number, hs: number, gates: number,
    dh: number, dzT: number, amax: number, da: number, NB: number, pa: number, pb: number, ghh: number, gxt: number, gb: number,
    inj: number, wxt: number, dx: number,
  ) => void;
  readonly gruScatter: (
    H: number, D: number, Hp: number, ghh: number, gxt: number, gb: number, wxh: number, whh: number, bh: number, bhn: number,
  ) => void;
  readonly setBlock: (b: number) => void;
  readonly accumulate: (acc: number, slot: number, n: number) => void;
  readonly zero: (p: number, bytes: number) => void;
  readonly scaleInPlace: (a: number, n: number, s: number) => void;
  readonly sumSquares: (a: number, n: number) => number;
  readonly optimizerUpdate: (
    kind: number, p: number, g: number, m: number, v: number, n: number, gs: number, keep: number, lr: number,
    c1: number, c2: number, c3: number, c4: number, a: number, b: number, eps: number,
  ) => number;
}

const WASM_DIR = new URL('../../kernel/', import.meta.url);
const PAGE = 65536;
export const RESERVED = PAGE; // bytes kept free at address 0 (the compiler's static area: tanh's constants)
export const NB = 16; // steps per weight-gradient block in backward
export const XB = 512; // steps per streamed input block in the untracked prefix

/**
 * The two builds of assembly/rnn.ts: `fma` fuses each multiply-add of the products (relaxed SIMD, faster where
 * the CPU has FMA: docs/performance.md), `plain` is SIMD only, for engines without relaxed SIMD or CPUs without FMA.
 */
export type KernelBuild = 'fma' | 'plain';

const cached = new Map<KernelBuild, WebAssembly.Module>();

function compile(build: KernelBuild): WebAssembly.Module {
  const code = kernelBytes(build);
  // Node 20's V8 has relaxed SIMD behind this flag; Node 22's has it on and no longer knows the flag (setting
  // it there prints an error line, also where no SIMD validates at all), so it is set only where the plain build
  // validates and the fused one does not. Flags are per process, so workers, which instantiate the module
  // posted to them, see it too.
  if (build === 'fma' && !WebAssembly.validate(code) && WebAssembly.validate(kernelBytes('plain'))) {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  }
  try {
    return new WebAssembly.Module(code);
  } catch (e) {
    // The fused build's failure is the loader's cue to take the plain one; the plain one's is the end.
    if (build === 'fma' || !(e instanceof WebAssembly.CompileError)) throw e;
    throw new UserError(`this Node cannot compile WebAssembly SIMD, which the kernel needs (${e.message.replace(/^WebAssembly\.Module\(\): /, '')}); on x86-64, V8 needs a CPU with SSE4.1 (a virtual machine's CPU model may hide it: give the machine the host's), and no V8 flag turning it off (--no-enable-sse4-1 or an older SSE in NODE_OPTIONS)`, { cause: e });
  }
}

/** The bytes of a build's module, as installed. */
function kernelBytes(build: KernelBuild): Uint8Array<ArrayBuffer> {
  const url = new URL(build === 'fma' ? 'rnn-fma.wasm' : 'rnn.wasm', WASM_DIR);
  try {
    return new Uint8Array(readFileSync(url));
  } catch (e) {
    const crowded = tooManyOpenFiles((e as NodeJS.ErrnoException).code);
    if (crowded !== null) throw new UserError(crowded, { file: url.pathname, cause: e });
    throw new Error(`the WebAssembly kernel ${url.pathname} is missing: reinstall train-signals (in a clone of its repository: \`npm run build\`)`, { cause: e });
  }
}

/**
 * The compiled kernel module (compiled once per thread; a Module can also be posted to workers): the `fma`
 * build where this engine compiles it and fuses its multiply-add, else `plain`. TRAIN_SIGNALS_KERNEL=plain
 * forces the plain build.
 */
export function kernelModule(build: KernelBuild = defaultBuild()): WebAssembly.Module {
  let m = cached.get(build);
  if (m === undefined) {
    m = compile(build);
    cached.set(build, m);
  }
  return m;
}

let chosen: KernelBuild | null = null;

/**
 * Refuses a TRAIN_SIGNALS_KERNEL other than `plain` (or empty): checked where a run starts (a worker thread's
 * failure would read as a bug) and again where the build is chosen.
 */
function checkKernelEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const forced = env.TRAIN_SIGNALS_KERNEL;
  if (forced !== undefined && forced !== '' && forced !== 'plain') {
    throw new UserError(`TRAIN_SIGNALS_KERNEL is ${JSON.stringify(forced)}; it can only be plain (the plain-SIMD kernel), or unset`);
  }
}

/** Whether TRAIN_SIGNALS_KERNEL=plain chose the build (rather than the CPU). */
let forcedPlain = false;

/**
 * Which build kernelModule() gives by default here, compiled: a Node that cannot compile either is refused. The
 * choice is made once per thread, so that every run of a process computes alike (a run checks the environment
 * against it as it starts: buildForRun).
 */
export function defaultBuild(): KernelBuild {
  if (chosen !== null) return chosen;
  checkKernelEnvironment();
  checkWebAssembly();
  forcedPlain = process.env.TRAIN_SIGNALS_KERNEL === 'plain';
  const build = forcedPlain ? 'plain' : cpuBuild();
  kernelModule(build);
  chosen = build;
  return chosen;
}

/** The build this CPU runs when nothing forces one: the fused one where its multiply-add fuses (asked once). */
function cpuBuild(): KernelBuild {
  if (cpuChoice === null) {
    try {
      cpuChoice = fusesMultiplyAdd(kernelModule('fma')) ? 'fma' : 'plain';
    } catch (e) {
      if (!(e instanceof WebAssembly.CompileError)) throw e;
      cpuChoice = 'plain';
    }
  }
  return cpuChoice;
}

let cpuChoice: KernelBuild | null = null;

/**
 * defaultBuild() as a run starts (train, evaluate, predict, tune): TRAIN_SIGNALS_KERNEL changed since the
 * process chose its build, to ask for the other build or to a value it cannot be, is refused rather than
 * ignored. Not mid-run: a run goes on with the build it started with.
 */
export function buildForRun(): KernelBuild {
  checkCapFloor();
  if (chosen === null || adopted) return defaultBuild();
  checkKernelEnvironment();
  const plainNow = process.env.TRAIN_SIGNALS_KERNEL === 'plain';
  const asked = plainNow ? 'plain' : forcedPlain ? cpuBuild() : chosen;
  if (asked !== chosen) {
    throw new UserError(`TRAIN_SIGNALS_KERNEL is ${plainNow ? 'plain' : 'unset (or empty)'} now and was ${forcedPlain ? 'plain' : 'unset (or empty)'} when this process chose its kernel build (${chosen}) for its first run; every run of a process computes alike: set it before the first run, or run in a new process`);
  }
  return chosen;
}

/**
 * Whether the kernel's multiply-add rounds once: (1 + 2⁻¹²)² − 1 is 2⁻¹¹ + 2⁻²⁴ fused, and 2⁻¹¹ where the product
 * is rounded first (its last bit is a tie, to even). A relaxed multiply-add that the CPU cannot fuse (x86-64
 * without FMA3) gives the plain build's bits, so that build runs there and the model records it.
 */
export function fusesMultiplyAdd(module: WebAssembly.Module): boolean {
  const a = 1 + 2 ** -12;
  const ex = instantiate(module, sharedMemory(PAGE)); // refused in one line where the address space is capped, as every kernel memory
  return ex.maddLane(-1, a, a) === 2 ** -11 + 2 ** -24;
}

/**
 * In a worker thread: the build its parent chose, whatever the worker's copy of the environment says (a program
 * may set TRAIN_SIGNALS_KERNEL after its first run), so that one run's threads compute alike.
 */
export function adoptBuild(build: KernelBuild): void {
  chosen = build;
  adopted = true;
}

/** Whether this thread took its build from its parent (adoptBuild): its own environment then says nothing. */
let adopted = false;

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

/**
 * Refuses a kernel memory of `bytes` bytes past what WebAssembly can address (4 GiB), or past what this
 * process's memory limit leaves room for (memory-limit.ts). What a run can choose among (isAddressable) does not
 * depend on the limit, so that a run gives the same bits wherever it is not refused.
 */
export function checkAddressable(bytes: number, remedy = 'lower --hidden, --threads or --batch-size, or truncate BPTT (--bptt)'): void {
  if (!isAddressable(bytes)) throw new UserError(`this model and data need ${(bytes / 2 ** 30).toFixed(1)} GiB of kernel memory, more than the 4 GiB WebAssembly can address; ${remedy}`);
  const low = memoryTooLow(bytes, remedy);
  if (low !== null) throw new UserError(low);
}

/** Whether WebAssembly can address a memory of `bytes` bytes. */
export function isAddressable(bytes: number): boolean {
  return Math.ceil(bytes / PAGE) <= 65536;
}

/** Refuses a Node without WebAssembly (--jitless), where the first use of it would be a TypeError. */
function checkWebAssembly(): void {
  if (typeof WebAssembly === 'undefined') throw new UserError('this Node runs without WebAssembly (--jitless in NODE_OPTIONS?), which the kernel needs; run it without that');
}

/** A shared memory of at least `bytes` bytes (fixed size: it never grows, so views never go stale). */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  checkAddressable(bytes);
  checkWebAssembly();
  const pages = Math.ceil(bytes / PAGE);
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UserError(memoryRefused(bytes), { cause: e });
  }
}

/**
 * Why a kernel memory could not be had. V8 reserves (not uses) about 10 GiB of address space for each
 * WebAssembly memory, so that its bounds need no checks; a cap on address space (ulimit -v, common on compute
 * clusters) refuses that long before memory runs out.
 */
function memoryRefused(bytes: number): string {
  const size = `${(bytes / 2 ** 20).toFixed(1)} MiB of kernel memory`;
  const cap = addressSpaceCap();
  if (cap === null) return `could not allocate ${size}; free memory, or lower --hidden, --threads or --batch-size`;
  const limit = `this process may use ${(Math.floor((cap / 2 ** 30) * 100) / 100).toFixed(2)} GiB of address space (ulimit -v)`;
  if (!trapHandlerOn()) return `could not reserve ${size}: ${limit}; raise the limit (ulimit -v unlimited)`;
  return `could not reserve ${size}: ${limit}, and WebAssembly reserves about 10 GiB for each kernel memory; ` +
    `raise the limit (ulimit -v unlimited), or run with NODE_OPTIONS=${NO_TRAP_HANDLER} (the same results)`;
}

const NO_TRAP_HANDLER = '--disable-wasm-trap-handler';

/**
 * Refuses a cap on address space below what this Node needs to run the kernel on one thread: under it, V8
 * ends the process itself (std::bad_alloc, exit 134) where it cannot reserve what it needs.
 */
function checkCapFloor(): void {
  const refusal = capTooLow('the kernel');
  if (refusal !== null) throw new UserError(refusal);
}

/** Whether this Node runs WebAssembly with its trap handler (the default): not where started with NO_TRAP_HANDLER. */
export function trapHandlerOn(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const flags = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].map((f) => f.replace(/^["']|["']$/g, '').replace(/_/g, '-'));
  return !flags.includes(NO_TRAP_HANDLER);
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** Byte offsets of one direction's part of a workspace, relative to its region's start. */
export interface DirectionPlan {
  readonly fwd: number; // packed W_hh panels for the forward product ([G·Hp][Hp])
  readonly bwd: number; // packed W_hh^T panels for the backward product
  readonly wxt: number; // W_xh^T [D][Hp] (GRU: [D][3Hp] then [D][Hp])
  readonly bias: number; // b_h [Hp] (GRU: [3Hp] then [Hp])
  readonly hs: number; // [Wc + 1] state slabs
  readonly gates: number; // GRU: [Wc][Mc][4Hp] each stored step's gates (one step's without a backward pass; empty for the tanh cell)
  readonly xs: number; // [XS][Mc][D] the inputs of the streamed block or the stored window
  readonly hsum: number; // running sum (mean readout) or maximum (max readout) of the states
  readonly amax: number; // i32: the step each maximum came from (max readout)
  readonly dh: number; // gradient into the final state (last readout); the recurrence's dh after
  readonly dzT: number; // dL/dz / T per row (mean readout), dL/dz (max readout)
  readonly du: number; // the top of two layers: [Wc][Mc][D] the gradient of its inputs (else empty)
  readonly inj: number; // the first of two layers: [Wc][Mc][Hp] the gradient the layer above gives its states (else empty)
}

/** Byte offsets of one thread's workspace, relative to its region's start. */
export interface ScratchPlan {
  readonly Mc: number;
  readonly Hp: number;
  readonly E: number; // columns per unit of a step's gate buffers: 1 tanh, 4 GRU
  readonly Wc: number; // slabs 0..Wc of hs
  readonly backward: boolean; // whether a backward pass runs over it: each stored step's gates, the gradients between layers
  readonly XS: number; // steps xs holds
  readonly dirs: readonly DirectionPlan[]; // [directions] the top layer's (the only one's, or the second of two)
  readonly dirs0: readonly DirectionPlan[]; // [directions] the first of two layers' (else none)
  readonly ap: number; // one slab packed in 4-row tiles (the recurrent product's left operand)
  readonly da: number; // [NB][Mc][E·Hp] a block's gradients of the pre-activations
  readonly pa: number; // packed da^T tiles of a weight-gradient block
  readonly pb: number; // packed state panels of a weight-gradient block
  readonly ghh: number; // one direction's weight gradients, scattered into the slot before the next's
  readonly gxt: number;
  readonly gb: number; // [E·Hp]: db_h (GRU: then db_hn)
  readonly starts: number;
  readonly size: number;
}

/**
 * One thread's workspace for chunks of `rows` sequences and stored windows of `window` steps. Two layers store
 * the whole sequence (full BPTT): the first layer's directions, then the top layer's, which reads the first
 * one's states as inputs (D = directions·H). Without `backward` (scoring), a stored window keeps the states
 * alone: no step's gates, no gradients between the layers.
 */
export function scratchPlan(shape: Shape, rows: number, window: number, backward = true): ScratchPlan {
  const { H } = shape;
  const two = layersOf(shape) === 2;
  const D = Math.max(layerInputs(shape, 0), layerInputs(shape, layersOf(shape) - 1)); // the widest layer input
  const G = gatesOf(shape);
  const E = G === 3 ? 4 : 1;
  const Mc = align(Math.max(1, rows), 4);
  const Hp = align(H, 8);
  const Wc = Math.max(1, window);
  const XS = Math.max(Wc, XB);
  const slab = Mc * Hp * 4;
  let at = 0;
  const take = (bytes: number) => {
    const o = at;
    at += align(bytes, 64);
    return o;
  };
  const direction = (layer: number): DirectionPlan => {
    const Dl = layerInputs(shape, layer);
    const top = layer === layersOf(shape) - 1;
    return {
      fwd: take(G * Hp * Hp * 4),
      bwd: take(G * Hp * Hp * 4),
      wxt: take(Dl * E * Hp * 4),
      bias: take(E * Hp * 4),
      hs: take((Wc + 1) * slab),
      gates: take(G === 3 ? (backward ? Wc : 1) * E * slab : 0),
      xs: take(XS * Mc * Dl * 4),
      hsum: take(top ? slab : 0),
      amax: take(top ? slab : 0),
      dh: take(slab),
      dzT: take(top ? slab : 0),
      du: take(backward && two && top ? Wc * Mc * Dl * 4 : 0),
      inj: take(backward && two && !top ? Wc * slab : 0),
    };
  };
  const dirs0 = two ? Array.from({ length: directionsOf(shape) }, () => direction(0)) : [];
  const dirs = Array.from({ length: directionsOf(shape) }, () => direction(layersOf(shape) - 1));
  const plan = {
    Mc, Hp, E, Wc, backward, XS, dirs, dirs0,
    ap: take(slab),
    da: take(NB * E * slab),
    pa: take(NB * G * slab),
    pb: take(NB * slab),
    ghh: take(G * Hp * Hp * 4),
    gxt: take(D * G * Hp * 4),
    gb: take(E * Hp * 4),
    starts: take(Mc * 4),
    size: 0,
  };
  return { ...plan, size: at };
}

/**
 * The engine's memory: params, K gradient slots, the coordinator's float64 sum, the optimizer's moments and R
 * scratch regions.
 */
export interface MemoryPlan {
  readonly params: number; // byte offset of params [P]
  readonly slots: number; // byte offset of slot 0
  readonly slotStride: number; // bytes between slots
  readonly sum: number; // byte offset of the sum of the slots [P] (f64)
  readonly m: number; // byte offsets of the optimizer's moments [P] (f32) each
  readonly v: number;
  readonly scratch: number; // byte offset of region 0
  readonly scratchPlan: ScratchPlan;
  readonly regions: number;
  readonly bytes: number;
}

export function memoryPlan(P: number, K: number, regions: number, sp: ScratchPlan): MemoryPlan {
  const slotStride = align(P * 4, 64);
  const params = RESERVED;
  const slots = params + slotStride;
  const sum = slots + K * slotStride;
  const m = sum + align(P * 8, 64);
  const v = m + slotStride;
  const scratch = v + slotStride;
  return { params, slots, slotStride, sum, m, v, scratch, scratchPlan: sp, regions, bytes: scratch + regions * sp.size };
}
