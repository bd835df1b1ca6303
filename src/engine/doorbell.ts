// The step doorbell: an Int32Array over a SharedArrayBuffer through which the coordinator hands the workers
// every step without a message. Owns the field layout and the handshake; what a step computes is task.ts's.
//
// Each worker runs one long piscina task (task.ts serve) that sleeps in Atomics.wait on GEN. The coordinator
// writes the step's task fields and resets NEXT and DONE, then bumps GEN and notifies; every thread (the
// coordinator too) then claims chunks one at a time with Atomics.add on NEXT until the batch's are all taken,
// so a thread that is slower (descheduled by the OS, or given longer sequences) simply takes fewer: which
// thread computes a chunk never changes its slot or its bits. Each worker then increments DONE (the last one
// notifies). All of these are sequentially consistent Atomics operations, so a worker's slot writes are
// visible to the coordinator once it has seen DONE reach the worker count, and the coordinator's weight update
// (and the reset of NEXT) is visible to the workers once they have seen GEN move; a worker claims nothing
// after its DONE. STOP ends the serve loops.

/** The doorbell's fields (indices into its Int32Array). */
export const GEN = 0; // generation: bumped once per step, and once more to stop
export const DONE = 1; // workers finished with the current step
export const STOP = 2; // 1: the serve loops return
const NEXT = 3; // the next chunk of the step to claim
const BATCH_START = 4; // the step's task: chunks of order[BATCH_START, BATCH_END) …
const BATCH_END = 5;
const CHUNKS = 6; // … of which there are CHUNKS
const EPOCH = 7; // whose noise the inputs get
export const DOORBELL_SIZE = 8;

/** One step's work: the batch order[batchStart, batchEnd), its chunk count and its epoch. */
export interface StepTask {
  readonly batchStart: number;
  readonly batchEnd: number;
  readonly chunks: number;
  readonly epoch: number;
}

/** The coordinator hands out a step: returns its generation. */
export function ring(bell: Int32Array, task: StepTask): number {
  bell[BATCH_START] = task.batchStart;
  bell[BATCH_END] = task.batchEnd;
  bell[CHUNKS] = task.chunks;
  bell[EPOCH] = task.epoch;
  Atomics.store(bell, NEXT, 0);
  Atomics.store(bell, DONE, 0);
  const gen = Atomics.add(bell, GEN, 1) + 1;
  Atomics.notify(bell, GEN);
  return gen;
}

/** The task of the step the doorbell last rang for. */
export function taskOf(bell: Int32Array): StepTask {
  return { batchStart: bell[BATCH_START], batchEnd: bell[BATCH_END], chunks: bell[CHUNKS], epoch: bell[EPOCH] };
}

/** Claims the step's next chunk (≥ CHUNKS when none is left). */
export function claim(bell: Int32Array): number {
  return Atomics.add(bell, NEXT, 1);
}

/** A worker is done with the step; the last of `workers` wakes the coordinator. */
export function report(bell: Int32Array, workers: number): void {
  if (Atomics.add(bell, DONE, 1) + 1 === workers) Atomics.notify(bell, DONE);
}

/** Ends the serve loops. */
export function stop(bell: Int32Array): void {
  Atomics.store(bell, STOP, 1);
  Atomics.add(bell, GEN, 1);
  Atomics.notify(bell, GEN);
}

/**
 * A worker sleeps until the generation moves past `gen`, after spinning `spinMs` (spinUntil: the next step usually
 * rings within the coordinator's serial part, a fraction of a millisecond, and waking from Atomics.wait costs tens
 * of microseconds). Returns the new generation, or −1 once STOP is set.
 *
 * A wake-up is not a ring: ring() bumps GEN before it notifies, so a worker can see the bump, compute, report
 * and sleep on the same generation before that notify arrives (a coordinator descheduled between the two, as
 * with more threads than cores), and the notify then wakes it with GEN unchanged. Taken as a ring, the worker
 * would serve the step again and report twice, and the coordinator sum a chunk another thread has not finished.
 */
export function awaitRing(bell: Int32Array, gen: number, spinMs: number): number {
  const rung = () => Atomics.load(bell, GEN) !== gen;
  if (!spinUntil(rung, spinMs, { bell, field: GEN })) {
    while (!rung()) Atomics.wait(bell, GEN, gen);
  }
  return Atomics.load(bell, STOP) !== 0 ? -1 : Atomics.load(bell, GEN);
}

// Atomics.waitAsync (Node ≥ 16) is in TypeScript's es2024 lib; this project targets es2022.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/**
 * The coordinator waits until `workers` have reported, spinning `spinMs` first (spinUntil), then sleeping without
 * blocking the event loop; throws what failed() returns once it is not null (checked at least every 50 ms).
 */
export async function awaitDone(bell: Int32Array, workers: number, spinMs: number, failed: () => Error | null): Promise<void> {
  spinUntil(() => Atomics.load(bell, DONE) >= workers, spinMs, { bell, field: DONE });
  for (;;) {
    const done = Atomics.load(bell, DONE);
    if (done >= workers) return;
    const failure = failed();
    if (failure !== null) throw failure;
    const r = waitAsync(bell, DONE, done, 100);
    if (!r.async) continue;
    // A waitAsync promise does not keep Node's event loop alive; this timer does (and bounds the sleep, so a
    // failed worker's rejection is seen).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([r.value, new Promise((resolve) => { timer = setTimeout(resolve, 50); })]);
    clearTimeout(timer);
  }
}

/** A cell of the doorbell that whatever ends a wait notifies (GEN for a ring, DONE for the last report). */
export interface Nap {
  readonly bell: Int32Array;
  readonly field: number;
}

/** How long a spin checks without a pause before it naps (ms): most hand-offs come sooner. */
const SPIN_OUTRIGHT_MS = 0.5;
/** How long a nap asks to sleep (ms; Linux sleeps about 0.1 ms for it, with its default timer slack). */
const NAP_MS = 0.02;

/**
 * Spins until done() or `ms` have passed, reading the clock once every 256 checks: performance.now() allocates a
 * heap number per call, and that garbage, made while waiting, had both threads stop for young-generation
 * collections every few dozen steps. Past its first 0.5 ms it naps on `nap`'s cell after every 256 checks: a
 * thread that only spun kept its core from a thread with work wherever threads outnumber cores (two runs at once,
 * `--threads` past the cores). A notify of the cell ends the nap, so a ring or the last report is seen at once;
 * anything else the wait is for, such as a chunk finishing, within a nap. The nap is a blocking Atomics.wait of
 * about 0.1 ms, on the coordinator's thread too (Node allows it there; a browser's main thread would not).
 * Returns done().
 */
export function spinUntil(done: () => boolean, ms: number, nap: Nap): boolean {
  const start = performance.now();
  for (let i = 1; ; i++) {
    if (done()) return true;
    if ((i & 255) === 0) {
      const waited = performance.now() - start;
      if (waited >= ms) return done();
      if (waited >= SPIN_OUTRIGHT_MS) {
        // The cell read before the last check: a notify between the check and the wait leaves the value changed,
        // so the wait returns at once rather than sleeping through it.
        const seen = Atomics.load(nap.bell, nap.field);
        if (done()) return true;
        Atomics.wait(nap.bell, nap.field, seen, NAP_MS);
      }
    }
  }
}
