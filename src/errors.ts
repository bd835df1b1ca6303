// Errors a user can cause. They carry where (file, line, column) and what to do, and print as one line:
// `<file>:<line>[:<column>]: <message>`. Anything else that escapes is a bug and is reported loudly.

/** A problem the input or the options cause (a file, a line, an option), said in one line; never a bug. */
export class UserError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly detail: string;

  constructor(detail: string, where: { file?: string; line?: number; column?: number; cause?: unknown } = {}) {
    super(formatWhere(where) + detail, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'UserError';
    this.detail = detail;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

function formatWhere(w: { file?: string; line?: number; column?: number }): string {
  if (w.file === undefined) return '';
  let s = w.file;
  if (w.line !== undefined) s += `:${w.line}`;
  if (w.line !== undefined && w.column !== undefined) s += `:${w.column}`;
  return s + ': ';
}

/** Whether e is a UserError: what the input or the options did, to be said in one line (the CLI's exit 2). */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * Training stopped on request (SIGINT / SIGTERM, or an AbortSignal) after finishing its current step. The CLI
 * prints where the checkpoint is and how to resume, and exits 130. Not a UserError: nothing is wrong.
 */
export class InterruptedError extends Error {
  /** The checkpoint written on the way out; undefined when interrupted before the first step. */
  checkpoint?: string;
  /** Said in place of a checkpoint where the stop came once training had ended: what was written, and what was not. */
  written?: string;
  readonly epoch: number; // the epoch in progress (1-based); 0 before training started
  readonly step: number; // optimizer steps done so far

  constructor(epoch: number, step: number, checkpoint?: string) {
    // Epoch 0: stopped before any training (loading, measuring threads, model selection, or a call that does not train).
    super(epoch === 0 ? 'interrupted' : `interrupted in epoch ${epoch} after step ${step}`);
    this.name = 'InterruptedError';
    this.epoch = epoch;
    this.step = step;
    this.checkpoint = checkpoint;
  }
}

/** Whether e is an InterruptedError: a run stopped by its signal, with the checkpoint to resume from. */
export function isInterrupted(e: unknown): e is InterruptedError {
  return e instanceof InterruptedError;
}

/**
 * A non-finite loss, gradient or parameter stopped training. Caused by the hyperparameters (learning rate,
 * clipping), so a UserError: one line, exit 2. The weights at the moment of detection are never saved.
 */
export class DivergedError extends UserError {
  readonly epoch: number; // the epoch in progress (1-based)
  /** optimizer steps done before the one that diverged, as InterruptedError counts them (the message names that one: step + 1) */
  readonly step: number;

  constructor(detail: string, epoch: number, step: number) {
    super(detail);
    this.name = 'DivergedError';
    this.epoch = epoch;
    this.step = step;
  }
}

/** What a module of the program or of its dependencies not found says: the installation is damaged (src/cli/bin.ts writes it too, importing nothing). */
export function incompleteInstallation(loaderMessage: string): string {
  return `the installation is incomplete (${loaderMessage}); reinstall train-signals (in a clone: npm ci && npm run build)`;
}

/** What a file that could not be opened because too many are open says (EMFILE, ENFILE); null for other codes. */
export function tooManyOpenFiles(code: string | undefined): string | null {
  if (code === 'EMFILE') return 'this process has as many files open as its limit allows (EMFILE); raise the limit (ulimit -n) or open fewer files at once';
  if (code === 'ENFILE') return "the system has as many files open as it allows (ENFILE); close programs that hold many, or raise the system's limit (fs.file-max)";
  return null;
}
