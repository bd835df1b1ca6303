// What a command has written to disk so far, for a message that ends it afterwards (stdout on a full disk after
// train wrote its model): the user is told the file is there, not left to think nothing was written.

const written: string[] = [];

export function noteWritten(what: string): void {
  written.push(what);
}

/** "; the model m.json was written all the same" for what was noted, or an empty string. */
export function writtenSoFar(): string {
  return written.length === 0 ? '' : `; ${written.join(' and ')} ${written.length === 1 ? 'was' : 'were'} written all the same`;
}
