// Classification metrics from a confusion matrix: accuracy, balanced accuracy, macro-F1, per-class precision /
// recall / F1 / support, and log-loss from a running sum. Pure: numbers in, numbers out; no model, no files.
//
// The classes of a tally are the model's classes followed by any label the model never saw ("unknown" labels,
// in the order first met). An unknown label gets a row like any class (its support counts), and a column that
// stays zero, because the model can never predict it: every such sequence is an error, and its class has
// recall 0. The matrix is therefore square, rows = true class, columns = predicted class, on the same names.
//
// Definitions (as scikit-learn's, with zero_division = 0):
//   precision_c = M[c][c] / Σ_r M[r][c]     recall_c = M[c][c] / Σ_j M[c][j]     F1 = 2 P R / (P + R)
//   accuracy = Σ_c M[c][c] / Σ M;  balanced accuracy = mean recall over classes with support > 0;
//   macro-F1 = mean F1 over classes that occur in the truth or in the predictions;
//   log-loss = mean over sequences with a known label of −log max(p[label], 1e-15).
//
// Legend: C classes (model + unknown), N sequences.

const LOG_LOSS_EPS = 1e-15;

/** The most classes whose confusion matrix is shown (a table, a heat map); beyond, it is C² cells no one reads. */
export const MAX_MATRIX_CLASSES = 60;

/** The most classes whose confusion matrix Metrics holds whole ([C][C]); beyond, only its non-zero cells (C² would not fit in memory). */
const MAX_DENSE_CLASSES = 1000;

const ROW = 2 ** 26; // a cell's key: row · ROW + column (classes past 2^26 are no signal tool's)

export interface Tally {
  /** [C] model classes, then unknown labels */
  readonly classes: string[];
  /** how many of `classes` are the model's */
  readonly known: number;
  /** class name → its index in `classes` */
  readonly rows: Map<string, number>;
  /** the confusion counts that are not zero, by row · ROW + column (rows true, columns predicted) */
  readonly cells: Map<number, number>;
  /** Σ −log max(p[label], eps) over sequences with a known label */
  logLossSum: number;
  logLossCount: number;
  /** sequences without a label (not in the matrix) */
  unlabelled: number;
}

export interface ClassMetrics {
  readonly class: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** Accuracy, log-loss, per-class precision, recall and F1, and the confusion matrix. */
export interface Metrics {
  /** labelled + unlabelled */
  readonly sequences: number;
  readonly labelled: number;
  /** labelled sequences predicted right */
  readonly correct: number;
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  readonly macroF1: number;
  readonly logLoss: number;
  readonly classes: string[];
  /** [C][C] rows true, columns predicted; null past MAX_DENSE_CLASSES classes … */
  readonly confusion: number[][] | null;
  /** … and then its non-zero cells as [true, predicted, count] */
  readonly confusionCells?: Array<[number, number, number]>;
  readonly perClass: ClassMetrics[];
  readonly unknownLabels: { readonly count: number; readonly labels: string[] };
}

export function createTally(modelClasses: readonly string[]): Tally {
  return {
    classes: [...modelClasses], known: modelClasses.length, rows: new Map(modelClasses.map((c, i) => [c, i])), cells: new Map(),
    logLossSum: 0, logLossCount: 0, unlabelled: 0,
  };
}

/** The row of class `name`, adding an unknown class (a row, and a column that stays zero) when it is new. */
function rowOf(t: Tally, name: string): number {
  const i = t.rows.get(name);
  if (i !== undefined) return i;
  t.classes.push(name);
  t.rows.set(name, t.classes.length - 1);
  return t.classes.length - 1;
}

function count(t: Tally, r: number, c: number, n: number): void {
  const key = r * ROW + c;
  t.cells.set(key, (t.cells.get(key) ?? 0) + n);
}

/**
 * Counts one sequence: its true label by name (null: unlabelled), the predicted model class index, and p[label]
 * (ignored unless the label is one of the model's).
 */
export function addPrediction(t: Tally, label: string | null, predicted: number, pLabel: number): void {
  if (label === null) {
    t.unlabelled++;
    return;
  }
  const r = rowOf(t, label);
  count(t, r, predicted, 1);
  if (r < t.known) {
    t.logLossSum -= Math.log(Math.max(pLabel, LOG_LOSS_EPS));
    t.logLossCount++;
  }
}

/** A new tally holding the counts of both (the model classes must agree). */
export function mergeTallies(a: Tally, b: Tally): Tally {
  const t = createTally(a.classes.slice(0, a.known));
  for (const src of [a, b]) {
    const map = src.classes.map((name) => rowOf(t, name));
    for (const [key, n] of src.cells) count(t, map[Math.floor(key / ROW)], map[key % ROW], n);
    t.logLossSum += src.logLossSum;
    t.logLossCount += src.logLossCount;
    t.unlabelled += src.unlabelled;
  }
  return t;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Every metric of a tally. With no labelled sequence, the rates are NaN. */
export function metricsOf(t: Tally): Metrics {
  const C = t.classes.length;
  let total = 0;
  let diag = 0;
  const rowSum = new Array<number>(C).fill(0);
  const colSum = new Array<number>(C).fill(0);
  const cells: Array<[number, number, number]> = [];
  for (const [key, n] of t.cells) {
    const [r, c] = [Math.floor(key / ROW), key % ROW];
    cells.push([r, c, n]);
    total += n;
    rowSum[r] += n;
    colSum[c] += n;
    if (r === c) diag += n;
  }
  const onDiagonal = (c: number) => t.cells.get(c * ROW + c) ?? 0;
  const perClass: ClassMetrics[] = t.classes.map((name, c) => {
    const precision = ratio(onDiagonal(c), colSum[c]);
    const recall = ratio(onDiagonal(c), rowSum[c]);
    return { class: name, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: rowSum[c] };
  });
  const present = perClass.filter((_, c) => rowSum[c] > 0);
  const occurring = perClass.filter((_, c) => rowSum[c] > 0 || colSum[c] > 0);
  const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const unknown = t.classes.slice(t.known).map((name, i) => ({ name, n: rowSum[t.known + i] }));
  let confusion: number[][] | null = null;
  if (C <= MAX_DENSE_CLASSES) {
    confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    for (const [r, c, n] of cells) confusion[r][c] = n;
  }
  return {
    sequences: total + t.unlabelled,
    labelled: total,
    correct: diag,
    accuracy: total > 0 ? diag / total : NaN,
    balancedAccuracy: mean(present.map((m) => m.recall)),
    macroF1: mean(occurring.map((m) => m.f1)),
    logLoss: t.logLossCount > 0 ? t.logLossSum / t.logLossCount : NaN,
    classes: [...t.classes],
    confusion,
    ...(confusion === null ? { confusionCells: cells.sort((x, y) => x[0] - y[0] || x[1] - y[1]) } : {}),
    perClass,
    unknownLabels: { count: unknown.reduce((a, u) => a + u.n, 0), labels: unknown.map((u) => u.name) },
  };
}
