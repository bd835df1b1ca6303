// What is at a path, asked without failing: a stat whose failure (nothing there, no way there) is a no.

import { type Stats, statSync } from 'node:fs';

/** Whether something is at path (links followed) and `kind` says yes of it; false where nothing is. */
export function pathIs(path: string, kind: (st: Stats) => boolean): boolean {
  try {
    return kind(statSync(path));
  } catch {
    return false;
  }
}
