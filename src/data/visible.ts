// Text from the user's data (class names, file names, ids) shown in a terminal line, a table or the HTML report:
// control characters, the bidirectional-formatting ones and the invisible ones (zero-width space, soft hyphen,
// byte-order mark, line and paragraph separators) are shown as escapes, so a label can neither break a table's
// lines, act on the terminal, reverse the text around it, nor pass for another. A path in a command to paste is
// quoted for a shell instead (shellQuote).

/** The characters visible() writes as escapes: controls, bidirectional formatting, and the invisible ones. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const ANY_HIDDEN = new RegExp(HIDDEN.source); // without the global flag's state between calls

/** Whether s holds a character visible() escapes. */
function hasHidden(s: string): boolean {
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

/**
 * s as one word for a POSIX shell: bare when every character is safe there, else in single quotes; a word with
 * control or bidirectional-formatting characters in $'…' (bash, zsh, ksh; not dash or fish), those written as
 * escapes, so that the line neither acts on the terminal nor loses them when pasted.
 */
export function shellQuote(s: string): string {
  if (/^[\w@%+:,./-][\w@%+=:,./-]*$/.test(s)) return s; // not a leading =, which zsh expands
  if (!hasHidden(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  // As UTF-8 bytes (\xHH each): bash reads \u… in a UTF-8 locale only.
  const escaped = s.replace(/[\\']/g, (c) => `\\${c}`).replace(HIDDEN, (c) => [...Buffer.from(c, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''));
  return `$'${escaped}'`;
}
