// A model file's or checkpoint's checksum: the SHA-256 of its text after the field, written as the first field, so
// that a flipped bit or a truncation anywhere is told apart from a file as train wrote it (a changed digit in a
// weight parses as well as the right one). Line ends count as \n and white space at the end not at all, so a
// checkout that turned them into \r\n, or an editor that adds or trims the last newline, still matches. A file
// without the field (an earlier version's, one whose line was deleted so that it can be edited by hand, or one
// reformatted) is read without the check.

import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';

const HEAD = /^\{\r?\n"checksum": "sha256:([0-9a-f]{64})",\r?\n/;

const LINE = /^\{\r?\n"checksum"/; // the field where withChecksum puts it, well formed or not

// Line ends as \n, and no white space at the end (which JSON ignores, and editors add or trim).
const digest = (body: string) => sha256(body.replace(/\r\n/g, '\n').trimEnd());
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** `json` (an object's text opening with a line "{") with its checksum, of the rest, as the first field. */
export function withChecksum(json: string): string {
  if (!json.startsWith('{\n')) throw new Error('bug: withChecksum() takes a JSON object whose text opens with a line "{"');
  const body = json.slice(2);
  return `{\n"checksum": "sha256:${digest(body)}",\n${body}`;
}

/** Refuses `text` whose checksum field does not match what follows it; `what`: 'model file', 'checkpoint'. */
export function checkChecksum(text: string, file: string, what: string): void {
  const m = HEAD.exec(text);
  if (m === null) {
    if (LINE.test(text)) throw new UserError(`its "checksum" line is damaged; the ${what} may be too (delete that line to read it as it is)`, { file });
    return;
  }
  const body = text.slice(m[0].length);
  // Files of the first builds with a checksum hashed the text with its last newline: read those too.
  if (digest(body) !== m[1] && sha256(body.replace(/\r\n/g, '\n')) !== m[1]) {
    throw new UserError(
      `its checksum does not match its contents: the ${what} changed after train wrote it (damaged in a copy or on disk; ` +
        'or edited by hand: delete its "checksum" line to read it as it is now)',
      { file },
    );
  }
}
