// Text from the user's data (class names, file names, ids) shown in a terminal table or the HTML report: control
// characters and the bidirectional-formatting ones are shown as escapes, so a label can neither break a table's
// lines nor reverse the text around it.

const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** s with every control and bidirectional-formatting character written as \n, \t, \r or \u{…}. */
export function visible(s: string): string {
  return s.replace(HIDDEN, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
