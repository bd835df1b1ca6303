// The file name that reads standard input: a module of its own, so that the command line knows it without
// loading the CSV reader.

/** The file name that reads standard input, as Unix tools take it (a file called `-` is `./-`); errors and results name it `stdin`. */
export const STDIN = '-';

/** How messages and results name the file at `path`. */
export function fileName(path: string): string {
  return path === STDIN ? 'stdin' : path;
}
