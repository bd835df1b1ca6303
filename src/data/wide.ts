// The wide layout: one sequence per row, D = 1. With a header (a first row with a non-numeric cell after the
// first, or a cell equal to the label column's name), the label is the column so named and every other cell
// is a value; without one, the label is the first cell. Rows may be ragged: trailing empty or NaN cells are
// ignored (NaN: the archive's padding), an empty or NaN cell before the last value is an error. Ids are the
// 1-based data row numbers (or, when the layout is forced to wide and the header has an id column, that column).
//
// Owns the row rules of this layout; cell parsing is cells.ts', storage is builder.ts'.

import { UserError } from '../errors.js';
import type { DataSetBuilder, StepStore } from './builder.js';
import { columnName, isBlank, isDecimalComma, isNaNCell, toName, toValue, valueError } from './cells.js';
import { columnList, otherCaseFlags } from './names.js';

export interface WideOptions {
  readonly labelColumn: string;
  readonly idColumn: string;
  readonly timeColumn?: string; // only to name it in a message: a wide file has none
  readonly requireLabels: boolean;
  readonly modelClasses?: readonly string[]; // read for a model with these classes
}

const WHAT = 'every value cell of a wide row must be a number';

/**
 * Whether the first row of a wide file is a header rather than data: it names the label column, or most of its
 * cells after the first are not numbers. A row of numbers with a bad one among them (a typo, `1e`) is data, whose
 * value error then names its line and column, rather than a header that would silently drop it; NaN, which pads
 * a shorter row (the archive's .tsv files), counts as a number.
 */
export function isWideHeader(cells: readonly string[], labelColumn: string): boolean {
  let names = 0;
  let numbers = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c.trim() === labelColumn) return true;
    if (i === 0 || isBlank(c)) continue;
    if (Number.isNaN(toValue(c)) && !isDecimalComma(c) && !isNaNCell(c)) names++;
    else numbers++;
  }
  return names > numbers;
}

/**
 * Refuses a headerless file read for a model whose first cell, read as the label, is a fractional number that
 * is none of the model's classes: a signal value, so the file has no label column, and reading on would drop
 * every row's first sample and score the rest.
 */
function checkLabelFirst(cell: string, classes: readonly string[], file: string, line: number): void {
  const label = cell.trim();
  if (!Number.isFinite(toValue(label)) || /^[+-]?[0-9]+$/.test(label) || classes.includes(label)) return;
  throw new UserError(
    `the first cell, ${label}, would be the label (a file without a header has its label first), but it is a number ` +
      `and none of the model's classes; put each row's label first, or give the file a header row naming its ` +
      `columns (predict needs no label column then)`,
    { file, line, column: 1 },
  );
}

export class WideReader {
  private readonly file: string;
  private readonly opts: WideOptions;
  private readonly builder: DataSetBuilder;
  private readonly steps: StepStore;
  private readonly header: string[] | null;
  private readonly labelAt: number; // cell index of the label, −1 for none
  private readonly idAt: number; // cell index of the id, −1: ids are row numbers
  private dataRows = 0;

  /** Takes the file's first row, which is either its header or its first sequence. */
  constructor(file: string, first: readonly string[], line: number, opts: WideOptions, builder: DataSetBuilder) {
    this.file = file;
    this.opts = opts;
    this.builder = builder;
    this.steps = builder.begin(['value'], file, line);
    if (isWideHeader(first, opts.labelColumn)) {
      const header = first.map((c, i) => toName(c, { file, line, column: i + 1 }));
      while (header.length > 0 && header[header.length - 1] === '') header.pop(); // trailing commas
      this.header = header;
      this.labelAt = header.indexOf(opts.labelColumn);
      this.idAt = header.indexOf(opts.idColumn);
      for (const name of [opts.labelColumn, opts.idColumn]) {
        const [a, b] = [header.indexOf(name), header.lastIndexOf(name)];
        if (a !== b) throw new UserError(`the header names column ${JSON.stringify(name)} twice (columns ${a + 1} and ${b + 1}); name each column once`, { file, line });
      }
      if (this.labelAt < 0 && opts.requireLabels) {
        const example = header.find((c, i) => i > 0 && Number.isNaN(toValue(c))) ?? header[0];
        throw new UserError(
          `the first row looks like a header (it has non-numeric cells such as ${JSON.stringify(example)}) ` +
            `but no column named ${JSON.stringify(opts.labelColumn)} (${columnList(header)}); name the label column ` +
            `${JSON.stringify(opts.labelColumn)}, pass the label column's name (--label-column), or remove the header` +
            otherCaseFlags(header, [['--id-column', opts.idColumn], ['--time-column', opts.timeColumn ?? 't'], ['--label-column', opts.labelColumn]]),
          { file, line },
        );
      }
    } else {
      this.header = null;
      this.labelAt = 0;
      this.idAt = -1;
      if (opts.modelClasses) checkLabelFirst(first[0] ?? '', opts.modelClasses, file, line);
      this.row(first, line);
    }
  }

  row(cells: readonly string[], line: number): void {
    const { file, header, labelAt, idAt } = this;
    let end = cells.length;
    while (end > 0 && (isBlank(cells[end - 1]) || isNaNCell(cells[end - 1]))) end--; // ragged rows: trailing empty or NaN cells
    if (header !== null && end > header.length) {
      throw new UserError(
        `row has ${end} cells but the header has ${header.length}; add the missing column names to the header ` +
          'or remove the extra cells',
        { file, line, column: header.length + 1 },
      );
    }

    let label: string | null = null;
    if (labelAt >= 0) {
      label = labelAt < end ? toName(cells[labelAt], { file, line, column: labelAt + 1 }) : '';
      if (label === '') {
        if (this.opts.requireLabels) {
          throw new UserError(
            `missing label in ${columnName(header, labelAt)}; every sequence needs a class name`,
            { file, line, column: labelAt + 1 },
          );
        }
        label = null;
      }
    }

    let count = 0;
    for (let i = 0; i < end; i++) {
      if (i === labelAt || i === idAt) continue;
      const x = toValue(cells[i]);
      if (x !== x) {
        const where = { file, line, column: i + 1 };
        if (isBlank(cells[i])) {
          throw new UserError(
            `empty cell in ${columnName(header, i)} before the last value of the row; only trailing cells ` +
              'may be empty (ragged rows), fill in the value or remove the row',
            where,
          );
        }
        // Text in a named column: most likely a long-layout file whose id column has another name.
        const hint = header !== null ? `; if each row is one time step (the long layout), name the id column: --id-column ${header[i]}` : '';
        throw valueError(cells[i], where, columnName(header, i), WHAT, hint);
      }
      this.steps.push(x);
      count++;
    }
    if (count === 0) {
      throw new UserError('row has no values; a sequence needs at least one time step', { file, line });
    }

    this.dataRows++;
    let id = String(this.dataRows);
    if (idAt >= 0) {
      id = idAt < end ? toName(cells[idAt], { file, line, column: idAt + 1 }) : '';
      if (id === '') {
        throw new UserError(`empty id in ${columnName(header, idAt)}; every row needs an id`, {
          file,
          line,
          column: idAt + 1,
        });
      }
    }
    this.builder.addSequence(id, label, count, file, line);
  }

  /** `lastLine`: the file's last line, for the message when the header has no rows under it. */
  end(lastLine: number): void {
    if (this.dataRows === 0) {
      throw new UserError('no sequences: the file has a header but no data rows; add one row per sequence', {
        file: this.file,
        line: lastLine,
      });
    }
  }
}

