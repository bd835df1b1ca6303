// Text from the user's data (class names, file names, ids) shown in a terminal line, a table or the HTML report:
// control characters, the bidirectional-formatting ones and the invisible ones (zero-width space, soft hyphen,
// byte-order mark, line and paragraph separators) are shown as escapes, so a label can neither break a table's
// lines, act on the terminal, reverse the text around it, nor pass for another.

/** The characters visible() writes as escapes: controls, bidirectional formatting, and the invisible ones. */
export const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const ANY_HIDDEN = new RegExp(HIDDEN.source); // without the global flag's state between calls

/** Whether s holds a character visible() escapes. */
export function hasHidden(s: string): boolean {
  return ANY_HIDDEN.test(s);
}

/** s with every HIDDEN character written as \n, \t, \r or \u{…}. */
export function visible(s: string): string {
  return s.replace(HIDDEN, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Lines of text with visible() applied to each: what a model file or data put in them cannot act on the terminal. */
export function visibleLines(text: string): string {
  return text.split('\n').map(visible).join('\n');
}
