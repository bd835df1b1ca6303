// Text whose cells are separated by runs of blanks (spaces or tabs), as the UCR archive's older .txt files are
// (`  1.0000000e+00  -6.4788e-01 …`), turned into comma-separated text as it streams: each run of blanks
// between two cells of a line becomes one comma (blanks inside a double-quoted cell stay), blanks at a line's
// start or end go, and line breaks stay where they were, so lines and cell numbers are the file's own. Works on
// bytes: a blank, a quote or a line break is never part of a multi-byte UTF-8 character.

import { Transform, type TransformCallback } from 'node:stream';
import { COMMA, CR, LF, QUOTE, SPACE, TAB } from './bytes.js';
import { UserError } from '../errors.js';

export class BlanksToCommas extends Transform {
  private blanks = false; // blanks since the last cell's text on this line
  private lineStart = true; // no cell text yet on this line
  private quoted = false; // inside a double-quoted cell
  private line = 1;

  /** `file`: how errors name the file. */
  constructor(private readonly file: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // A comma replaces a run that may have begun in the chunk before: at most one byte more than came in.
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) this.quoted = !this.quoted; // a quoted cell keeps its blanks ("a b")
      if (this.quoted && b !== QUOTE) {
        out[o++] = b;
        continue;
      }
      if (b === COMMA) {
        // Unquoted, it would split a cell in two: a decimal comma (5,25) read as two values, silently.
        done(new UserError('a comma in a file whose cells are separated by blanks (a decimal comma?); write numbers with a decimal point (5.25), or separate every cell with commas', { file: this.file, line: this.line }));
        return;
      }
      if (b === SPACE || b === TAB) {
        this.blanks = !this.lineStart;
        continue;
      }
      if (b === LF || b === CR) {
        if (b === LF) this.line++;
        this.blanks = false;
        this.lineStart = true;
      } else {
        if (this.blanks) out[o++] = COMMA;
        this.blanks = false;
        this.lineStart = false;
      }
      out[o++] = b;
    }
    done(null, out.subarray(0, o));
  }
}
