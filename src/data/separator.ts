// Which character separates the cells of a file, told from its first line: commas (CSV), or tabs (the UCR
// archive's .tsv files) or semicolons (spreadsheets set to a decimal comma) when the first line has more of
// those than commas. A file that is comma-separated by this rule is read as it always was. Cells separated by
// runs of spaces (the UCR archive's older .txt files) cannot be split by a single character, so they are told
// apart only to say so. Pure.

export type Separator = ',' | '\t' | ';';

const COMMA = 0x2c;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const SPACE = 0x20;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The separator of the file whose first bytes are `head` (a UTF-8 byte-order mark and blank lines skipped;
 * separators inside double quotes not counted): ',' unless the first line has more tabs or semicolons than
 * commas, then the more frequent of those two (tabs on a tie). 'spaces' when the first line has none of the
 * three but spaces between non-blank text.
 */
export function sniffSeparator(head: Uint8Array): Separator | 'spaces' {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (;;) { // skip blank lines
    let j = i;
    while (j < head.length && (head[j] === SPACE || head[j] === TAB || head[j] === CR)) j++;
    if (j < head.length && head[j] === LF) i = j + 1;
    else break;
  }
  let commas = 0, tabs = 0, semicolons = 0, spacesBetween = 0;
  let quoted = false, seenText = false, pendingSpace = false;
  for (; i < head.length; i++) {
    const b = head[i];
    if (b === QUOTE) quoted = !quoted;
    if (quoted) { seenText = true; continue; }
    if (b === LF) break;
    if (b === COMMA) commas++;
    else if (b === TAB) tabs++;
    else if (b === SEMICOLON) semicolons++;
    else if (b === SPACE) { pendingSpace = seenText; continue; }
    else if (b !== CR) {
      if (pendingSpace) spacesBetween++;
      seenText = true;
    }
    pendingSpace = false;
  }
  if (tabs === 0 && semicolons === 0) return commas === 0 && spacesBetween > 0 ? 'spaces' : ',';
  if (commas > Math.max(tabs, semicolons)) return ',';
  return tabs >= semicolons ? '\t' : ';';
}
