// Whether a headerless wide file holds each row's label as its last cell rather than its first, told from the
// cells as they are read (a row at a time, nothing kept but counts and running sums): the wide reader refuses
// such a training file rather than train on a sample as its class. Pure.

/**
 * What tells a headerless training file whose label is each row's last cell (MATLAB's `writematrix([X y])`) from
 * one whose label is first, as read. Where the values are fractions (numpy's `savetxt` of `[X, y]`, Kaggle's
 * MIT-BIH beats): the last cells take a few whole values while the first cells, read as the labels, are fractions
 * nine times in ten, as no classes are. Where both are whole numbers: the last cells take a few values (at most
 * FEW), fewer than the first cells (the labels as read) and under half as many as the other cells, all whole;
 * each of those values ends at least half its share of the rows, as classes do (a signal that ends near rest
 * ends on its resting value far more often); and the last cells lie apart from the cells before them
 * (Spread.distance ≥ 1), a step larger, against the step before it, than the first cells' step to the cells
 * after them, against the step after that: a label first makes the first step the odd one.
 */
export class LabelLast {
  static readonly ROWS = 10; // the fewest rows to tell by
  static readonly FEW = 10;
  static readonly MANY = 1000;
  private whole = true;
  private rows = 0;
  private lastsWhole = true;
  private labelRows = 0;
  private fractionLabels = 0; // labels that read as numbers with a fraction
  private readonly fractions = new Set<number>(); // their values, up to MANY
  private readonly lasts = new Map<number, number>(); // last cell → rows
  private readonly others = new Set<number>();
  private readonly labels = new Set<string>();
  // The columns at either end, over the rows of five values or more: the labels as read, the first two values, the last three.
  private readonly ends = Array.from({ length: 6 }, () => new Spread());
  private readonly row = [0, 0, 0, 0, 0, 0]; // this row's label as a number, first two values and last three
  private count = 0; // this row's values so far

  value(x: number, first: boolean, last: boolean): void {
    if (last && this.lastsWhole) {
      if (!Number.isInteger(x)) this.lastsWhole = false;
      else {
        this.rows++;
        if (this.lasts.size <= LabelLast.FEW) this.lasts.set(x, (this.lasts.get(x) ?? 0) + 1);
      }
    }
    if (!this.whole) return;
    if (!Number.isInteger(x)) this.whole = false;
    else if (!last && this.others.size <= 2 * LabelLast.FEW + 1) this.others.add(x);
    const r = this.row;
    if (first) this.count = 0;
    if (this.count < 2) r[1 + this.count] = x;
    r[3] = r[4]; // the last three so far, without an array a value (this runs for every value read)
    r[4] = r[5];
    r[5] = x;
    this.count++;
  }

  label(label: string): void {
    this.labelRows++;
    const y = Number(label);
    if (Number.isFinite(y) && !Number.isInteger(y)) {
      this.fractionLabels++;
      if (this.fractions.size < LabelLast.MANY) this.fractions.add(y);
    }
    if (!this.whole) return;
    if (this.labels.size <= LabelLast.FEW + 1) this.labels.add(label);
    this.row[0] = Number(label);
    if (this.count >= 5) this.row.forEach((x, k) => this.ends[k].add(x));
  }

  /** What the cells show, for the refusal; undefined where they show no label last. */
  why(): string | undefined {
    const k = this.lasts.size;
    if (!this.lastsWhole || k < 1 || k > LabelLast.FEW) return undefined;
    const lasts = [...this.lasts.keys()].sort((p, q) => p - q).join(', ');
    if (!this.whole) {
      // Fractions as the labels in a quarter of the rows or more, nearly all apart, as values are and classes are
      // not (beats normalized to start on 1.0 most of the time: Kaggle's PTB and MIT-BIH); or, where the last
      // cells take two whole values or more (no zero padding), in nine rows of ten.
      const f = this.fractionLabels;
      const apart = f >= 0.25 * this.labelRows && this.fractions.size >= Math.min(LabelLast.MANY, 0.8 * f);
      if (!(apart || (k >= 2 && f >= 0.9 * this.labelRows))) return undefined;
      return `the last cell of every row is ${k === 1 ? lasts : `one of ${k} whole numbers (${lasts})`}, while the first cells, read as the labels, are fractions like values (${f} of ${this.labelRows} rows)`;
    }
    if (k < 2) return undefined;
    const counted = this.labels.size > k && this.others.size > 2 * k;
    // A signal of few values (a binary one) leaves nothing to count: then the last cells hold a value no other cell
    // does, while every first cell's value is one the other cells take, as a sample's is.
    const complete = this.others.size <= 2 * LabelLast.FEW && this.labels.size <= LabelLast.FEW;
    const alone = [...this.lasts.keys()].filter((x) => !this.others.has(x));
    const apart = complete && alone.length > 0 && [...this.labels].every((l) => this.others.has(Number(l)));
    if (!counted && !apart) return undefined;
    if (Math.min(...this.lasts.values()) < this.rows / (2 * k)) return undefined;
    const [label, a, b, y, z, last] = this.ends;
    const step = (from: Spread, to: Spread, next: Spread, then: Spread) => from.distance(to) / (next.distance(then) + 0.1);
    if (!(last.distance(z) >= 1 && step(last, z, z, y) > step(label, a, a, b))) return undefined;
    const count = (n: number, most: number) => (n > most ? `more than ${most}` : String(n));
    if (!counted) {
      return `the last cell of every row is one of ${k} whole numbers (${lasts}), each as often as classes are, ${alone.join(', ')} in no other cell, ` +
        'while the first cells, read as the labels, hold values the other cells hold';
    }
    return `the last cell of every row is one of ${k} whole numbers (${lasts}), each as often as classes are, while the other cells take ${count(this.others.size, 2 * LabelLast.FEW)} values ` +
      `and the first cells, read as the labels, ${count(this.labels.size, LabelLast.FEW)}`;
  }
}

/** A column's mean and spread, summed a cell at a time. */
class Spread {
  private n = 0;
  private sum = 0;
  private squares = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.n++;
    this.sum += x;
    this.squares += x * x;
  }

  private get mean(): number { return this.sum / this.n; }
  private get sd(): number { return Math.sqrt(Math.max(0, this.squares / this.n - this.mean ** 2)); }

  /** How far apart two columns' values lie: their means' difference over the spread, plus their spreads' log ratio. */
  distance(o: Spread): number {
    if (this.n === 0 || o.n === 0) return 0;
    const eps = 1e-9;
    return Math.abs(this.mean - o.mean) / Math.sqrt((this.sd ** 2 + o.sd ** 2) / 2 + eps) + Math.abs(Math.log((this.sd + eps) / (o.sd + eps)));
  }
}
