// "Did you mean": the known word closest to a mistyped one, for unknown commands, flags and library options,
// and the file beside a missing one whose name is a slip away.

import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Edit distance with adjacent transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word` when it is close enough to be a slip (at most 2 edits, and fewer than half
 * its letters), or one that `word` begins (an abbreviation such as --epoch for --epochs); undefined otherwise.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = c.startsWith(word) && word.length >= 3 ? 1 : distance(word, c);
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return bestD <= 2 && bestD < word.length / 2 ? best : undefined;
}

/**
 * A file beside the missing `path` whose name is a slip away from its name (`trian.csv` for `train.csv`), spelled
 * with the folder as given; undefined when there is none or the folder cannot be listed.
 */
function nearbyFile(path: string): string | undefined {
  const folder = dirname(path);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return undefined; // no folder there, or none to list: the message says what is missing
  }
  // Never the tool's own lock and temp files: a checkpoint's lock is a slip away from the checkpoint's name.
  const near = closest(basename(path), names.filter((n) => !n.endsWith('.lock') && !/^\..*\.tmp$/.test(n)));
  return near === undefined ? undefined : folder === '.' && !path.startsWith('./') ? near : join(folder, near);
}

/** A path that starts with ~ as typed: the shell expands it only at a word's start, unquoted (not in --out=~/m.json). */
const unexpanded = (path: string) => /^~[^/]*(\/|$)/.test(path);
const TILDE = 'the ~ was not expanded (a shell expands it only at the start of a word and unquoted, so not after = nor in quotes): write the full path';

/** What to do about a path not found (a file, or an output's folder) that starts with an unexpanded ~; undefined for any other. */
export function tildeFix(path: string): string | undefined {
  return unexpanded(path) ? TILDE : undefined;
}

/** "; did you mean X?" for a missing file with a near name beside it (or the ~ note), else ''. */
export function didYouMeanFile(path: string): string {
  if (unexpanded(path)) return `; ${TILDE}`;
  const near = nearbyFile(path);
  if (near === undefined) return '';
  // Looks the same, is not: accents composed otherwise (macOS writes names decomposed, NFD; a keyboard, NFC).
  if (basename(near).normalize('NFC') === basename(path).normalize('NFC')) {
    return `; ${near} is there, its name the same letters written otherwise in Unicode (composed or decomposed accents), which cannot be typed apart: complete the name with the Tab key, or rename the file`;
  }
  return `; did you mean ${near}?`;
}
