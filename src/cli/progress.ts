// Training progress on stderr. On a terminal: a live bar for the running epoch (batches done, running loss and
// accuracy, seq/s, ETA of the epoch and of the run), redrawn at most ten times a second, and one line per
// finished epoch. Anywhere else (pipes, CI, files, TERM=dumb): the epoch line alone, for about MAX_LINES epochs evenly
// spaced (the first, every ⌈epochs / MAX_LINES⌉-th, and the last one run), so that a CI log stays readable,
// and a line whenever QUIET_MS pass without one (an epoch's steps so far, or the epoch that ended), so that a
// run on a large set under nohup or a batch system is never silent for minutes.
// Colour only on a terminal and only when
// NO_COLOR is unset or empty (no-color.org). `--quiet` means no progress object at all.
//
// Owns the wording of progress; train() knows nothing about it beyond the two callbacks.

import type { BatchProgress, EpochRecord } from '../train/fit.js';
import { visible } from '../data/visible.js';
import type { SelectionProgress } from '../train/train-options.js';
import type { Selection, StageProgress } from '../train/select.js';

export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Progress {
  onBatch(b: BatchProgress): void;
  onEpoch(e: EpochRecord): void;
  /** Clears a half-drawn bar (on success or failure). */
  end(): void;
}

const REDRAW_MS = 100;
const MAX_LINES = 20; // epoch lines without a terminal, besides the first and the last
const QUIET_MS = 60_000; // without a terminal, the longest a run goes without a line

/**
 * Whether progress redraws a line in place: on a terminal that moves its cursor (not TERM=dumb), and not under
 * CI, whose log keeps every redraw where a job is given a terminal (CI set, as CI services set it, and not "false" or "0").
 */
export function redraws(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && !['', 'false', '0'].includes(env.CI.trim().toLowerCase());
  return stream.isTTY === true && env.TERM !== 'dumb' && !ci;
}

function useColor(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

/** 75 → "1m15s", 4.2 → "4.2s". */
export function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

// A loss thrown out by too large steps runs to 1e28 and more, which toFixed would write with all its digits.
const f = (x: number | null, p = 4) => (x === null || !Number.isFinite(x) ? '-' : Math.abs(x) >= 1e6 ? x.toExponential(p) : x.toFixed(p));

/** An epoch's line; the validation columns only when there is a validation split. */
function epochLine(e: EpochRecord, epochs: number): string {
  const val = e.valLoss === null ? '' : `  val_loss ${f(e.valLoss)}  val_acc ${f(e.valAccuracy, 3)}`;
  return `epoch ${String(e.epoch).padStart(String(epochs).length)}/${epochs}  loss ${f(e.loss)}  acc ${f(e.accuracy, 3)}` +
    `${val}  ${Math.round(e.sequencesPerSecond)} seq/s  ${e.seconds.toFixed(1)}s`;
}

export function createProgress(stream: ProgressStream, epochs: number, env: NodeJS.ProcessEnv = process.env, now: () => number = () => performance.now()): Progress {
  const tty = redraws(stream, env); // else lines, as to a file
  const color = useColor(stream, env);
  const paint = (code: string, s: string) => (color && s !== '' ? `\x1b[${code}m${s}\x1b[0m` : s);
  let drawn = false;
  let last = 0;
  let doneSeconds = 0; // wall time of finished epochs
  let doneEpochs = 0;
  const every = Math.max(1, Math.ceil(epochs / MAX_LINES));
  let held: string | null = null; // the latest epoch line not printed (no terminal), printed at the end
  let written = now(); // when a line was last written (no terminal)

  /** The running epoch's figures; `graphic`: with the bar drawn (a terminal), else in words. */
  function bar(b: BatchProgress, graphic = true): string {
    const width = 24;
    const full = Math.round((width * b.batch) / b.batches);
    const rate = b.seconds > 0 ? b.seen / b.seconds : 0;
    const epochEta = b.batch > 0 ? (b.seconds * (b.batches - b.batch)) / b.batch : NaN;
    const perEpoch = b.batch > 0 ? (b.seconds * b.batches) / b.batch : NaN;
    const avgEpoch = doneEpochs > 0 ? doneSeconds / doneEpochs : perEpoch;
    const runEta = epochEta + avgEpoch * (b.epochs - b.epoch);
    const e = String(b.epochs);
    const steps = `${String(b.batch).padStart(String(b.batches).length)}/${b.batches}`;
    const figures = `  loss ${f(b.loss)}  acc ${f(b.accuracy, 3)}  ${Math.round(rate)} seq/s  ETA ${duration(epochEta)} (run ${duration(runEta)})`;
    if (!graphic) return `epoch ${String(b.epoch).padStart(e.length)}/${e}: step ${steps}${figures}`;
    const line = `epoch ${String(b.epoch).padStart(e.length)}/${e} ` +
      paint('36', '█'.repeat(full)) + paint('2', '░'.repeat(width - full)) + ` ${steps}${figures}`;
    return withinColumns(line, stream.columns);
  }

  return {
    onBatch(b) {
      const t = now();
      if (!tty) {
        if (b.batch < b.batches && t - written >= QUIET_MS) {
          stream.write(bar(b, false) + '\n');
          written = t;
        }
        return;
      }
      if (b.batch < b.batches && t - last < REDRAW_MS) return;
      last = t;
      stream.write(`\r\x1b[2K${bar(b)}`);
      drawn = true;
    },
    onEpoch(e) {
      doneSeconds += e.seconds;
      doneEpochs++;
      const line = epochLine(e, epochs);
      if (tty) {
        stream.write(`\r\x1b[2K${color ? line.replace(/(val_acc )(\S+)/, (_, a: string, v: string) => a + paint('1', v)) : line}\n`);
        drawn = false;
      } else if (e.epoch === 1 || e.epoch % every === 0 || e.epoch === epochs || now() - written >= QUIET_MS) {
        stream.write(line + '\n');
        held = null;
        written = now();
      } else {
        held = line;
      }
    },
    end() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
      if (held !== null) stream.write(held + '\n'); // the last epoch run (early stopping, an interrupt)
      held = null;
    },
  };
}

function visibleLength(s: string): number {
  return [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

/**
 * A live line cut to the terminal's width (less one column): one that wrapped could not be redrawn in place. The
 * colour codes do not count and are kept whole, and a line cut short ends with the code that resets the colour.
 */
export function withinColumns(line: string, columns = 0): string {
  if (!(columns > 0) || visibleLength(line) <= columns - 1) return line;
  let out = '';
  let room = columns - 1;
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
    } else if (room > 0) {
      const kept = [...part].slice(0, room);
      out += kept.join('');
      room -= kept.length;
    }
  }
  return out.includes('\x1b[') ? out + '\x1b[0m' : out;
}

/** How long a run without a terminal may go without a selection line before a progress line says how far it is (ms). */
const SELECTION_QUIET_MS = 30_000;

/**
 * Model selection's lines: one per finished (candidate, fold), then every candidate's score over the folds and
 * the choice. While a stage trains, how far it is: on a terminal a live line, elsewhere a line once
 * SELECTION_QUIET_MS have passed without one (a large set's first fits take minutes).
 */
export function selectionLines(stream: ProgressStream, now: () => number = () => performance.now(), env: NodeJS.ProcessEnv = process.env) {
  const tty = redraws(stream, env);
  let last = now(); // when a line was last written
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    onTask(p: SelectionProgress): void {
      clear();
      const score = p.score.diverged ? 'diverged (it loses)' : `held-out accuracy ${f(p.score.accuracy)}`;
      stream.write(`selecting, stage ${p.stage}: ${p.stageFinished}/${p.stageTotal}: ${p.key.replace(/\/(\d+)$/, ', fold $1')}: ${score}\n`);
      last = now();
    },
    onSteps(p: StageProgress): void {
      if (p.done <= 0 || p.done >= p.total) return; // nothing to go by yet, or the stage is over (its lines say so)
      const line = `selecting, stage ${p.stage}: ${Math.floor((100 * p.done) / p.total)} % of its training, ` +
        `${duration(p.seconds)} so far, about ${duration((p.seconds * (p.total - p.done)) / p.done)} left`;
      last = Math.max(last, now() - 1000 * p.seconds); // quiet since the later of the last line and the stage's start
      if (tty) {
        stream.write(`\r\x1b[2K${withinColumns(line, stream.columns)}`);
        drawn = true;
      } else if (now() - last >= SELECTION_QUIET_MS) {
        stream.write(line + '\n');
        last = now();
      }
    },
    /** Clears a live line (selection stopped: interrupted or failed). */
    end: clear,
    onSelected(s: Selection): void {
      clear();
      if (s.classWeighted) stream.write('  (held-out scores with each sequence weighed as its class is in the loss: --class-weights balanced)\n');
      for (const c of s.scores) {
        const how = c.diverged ? `diverged on ${c.folds.filter((x) => x.diverged).length} of ${c.folds.length}` : `accuracy ${f(c.accuracy)}, cross-entropy ${f(c.logLoss)}`;
        stream.write(`  ${c.name === s.chosen.name ? '*' : ' '} ${c.name}: ${how} (${s.folds === 1 ? 'held-out split' : `${s.folds}-fold`})\n`);
      }
      stream.write(`selected: ${s.chosen.name}\n`);
    },
  };
}

/**
 * Loading progress for files that take a while: nothing for the first second, then a line at most once a second
 * (`loading big.csv: 45 % (120 of 266 MiB)`), so that no long load is silent.
 */
export function loadingLines(stream: ProgressStream, now: () => number = () => performance.now()) {
  const start = now();
  let last = start;
  return (file: string, bytes: number, of: number): void => {
    const t = now();
    if (t - start < 1000 || t - last < 1000) return;
    last = t;
    // In the total's unit: KiB below a MiB (a small file on a busy machine), else MiB.
    const kib = (of > 0 ? of : bytes) < 2 ** 20;
    const size = (n: number) => (kib ? `${Math.round(n / 2 ** 10)} KiB` : `${Math.round(n / 2 ** 20)} MiB`);
    stream.write(`loading ${visible(file)}: ${of > 0 ? `${Math.floor((100 * bytes) / of)} % (${size(bytes)} of ${size(of)})` : size(bytes)}\n`);
  };
}
