// Decimal commas in semicolon- and tab-separated files. A spreadsheet set to a decimal comma saves its rows
// separated by semicolons (or tabs) and writes every number with a comma (`-0,5`, `1,5e-3`); such a file is read
// as its twin with decimal points. Every cell that is a number with a decimal comma becomes that number with a
// point, labels included, so a class written `1,0` is the class `1.0` of a file written with points.
//
// One file keeps to one mark. Where a decimal comma is the mark, a point may separate thousands (`1.234` for
// 1234), so a number with a point after numbers with a comma (or the reverse) is refused, naming the line
// that set the mark, rather than read as either. In a comma-separated file a decimal comma can only be quoted,
// and stays refused (cells.ts). Pure but for the state it keeps of one file.

import { UserError } from '../errors.js';
import { isDecimalComma, show, toNumber } from './cells.js';

/** The decimal mark of one semicolon- or tab-separated file, learned from its first number that has one. */
export class DecimalMarks {
  private mark: '' | '.' | ',' = '';
  private markLine = 0;
  private markCell = '';

  constructor(private readonly file: string) {}

  /** Rewrites the record's decimal-comma numbers (in place) with a point; refuses a number of the other mark. */
  read(cells: string[], line: number): void {
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c.indexOf(',') >= 0 && isDecimalComma(c)) {
        if (this.mark === '.') this.refuse(c, line, i, 'a decimal comma', 'decimal points');
        this.note(',', c, line);
        cells[i] = c.replace(',', '.');
      } else if (this.mark !== '.' && c.indexOf('.') >= 0 && toNumber(c) === toNumber(c)) {
        if (this.mark === ',') this.refuse(c, line, i, 'a decimal point', 'decimal commas');
        this.note('.', c, line);
      }
    }
  }

  private note(mark: '.' | ',', cell: string, line: number): void {
    if (this.mark !== '') return;
    this.mark = mark;
    this.markLine = line;
    this.markCell = cell.trim();
  }

  private refuse(cell: string, line: number, i: number, has: string, set: string): never {
    throw new UserError(
      `value ${show(cell.trim())} has ${has}, but this file writes ${set} (line ${this.markLine}: ${show(this.markCell)}); ` +
        'write every number with the same decimal mark and no thousands separator',
      { file: this.file, line, column: i + 1 },
    );
  }
}
