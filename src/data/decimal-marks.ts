// Decimal commas in semicolon- and tab-separated files. A spreadsheet set to a decimal comma saves its rows
// separated by semicolons (or tabs) and writes every number with a comma (`-0,5`, `1,5e-3`); such a file is read
// as its twin with decimal points. Every cell that is a number with a decimal comma becomes that number with a
// point, labels included, so a class written `1,0` is the class `1.0` of a file written with points.
//
// One file keeps to one mark: that of most numbers with a mark in its first record that has any (a label such
// as `1,5` among values with points does not decide it). Where it is the comma, a point may separate
// thousands (`1.234` for 1234), so a number with a point is refused, naming the line that set the mark, rather
// than read as either. Where it is the point, the file's cells are read as a comma-separated file's are: a
// decimal comma in a value is refused as there (cells.ts), and a label such as `1,5` stays as it is. Pure but
// for the state it keeps of one file.

import { UserError } from '../errors.js';
import { isDecimalComma, show, toNumber } from './cells.js';

/** The decimal mark of one semicolon- or tab-separated file, learned from its first row with numbers that have one. */
export class DecimalMarks {
  private mark: '' | '.' | ',' = '';
  private commaLine = 0; // where the comma became the mark, and the cell that made it
  private commaCell = '';

  constructor(private readonly file: string) {}

  /** Rewrites the record's decimal-comma numbers (in place) with a point while the comma is the file's mark. */
  read(cells: string[], line: number): void {
    if (this.mark === '') this.learn(cells, line);
    if (this.mark !== ',') return;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c.indexOf(',') >= 0 && isDecimalComma(c)) cells[i] = c.replace(',', '.');
      else if (isPointNumber(c)) throw this.pointError(c, line, i);
    }
  }

  /** The mark of the first record with numbers that have one: the more of them (the point on a tie, as before). */
  private learn(cells: readonly string[], line: number): void {
    let commas = 0, points = 0, first = '';
    for (const c of cells) {
      if (c.indexOf(',') >= 0 && isDecimalComma(c)) {
        if (commas++ === 0) first = c.trim();
      } else if (isPointNumber(c)) points++;
    }
    if (commas > points) [this.mark, this.commaLine, this.commaCell] = [',', line, first];
    else if (points > 0) this.mark = '.';
  }

  private pointError(cell: string, line: number, i: number): UserError {
    return new UserError(
      `value ${show(cell.trim())} has a decimal point, but this file writes decimal commas (line ${this.commaLine}: ${show(this.commaCell)}); ` +
        'write every number with the same decimal mark and no thousands separator',
      { file: this.file, line, column: i + 1 },
    );
  }
}

function isPointNumber(cell: string): boolean {
  return cell.indexOf('.') >= 0 && toNumber(cell) === toNumber(cell);
}
