// Errors a user can cause. They carry where (file, line, column) and what to do, and print as one line:
// `<file>:<line>[:<column>]: <message>`. Anything else that escapes is a bug and is reported loudly.

export class UserError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly detail: string;

  constructor(detail: string, where: { file?: string; line?: number; column?: number } = {}) {
    super(formatWhere(where) + detail);
    this.name = 'UserError';
    this.detail = detail;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

function formatWhere(w: { file?: string; line?: number; column?: number }): string {
  if (w.file === undefined) return '';
  let s = w.file;
  if (w.line !== undefined) s += `:${w.line}`;
  if (w.line !== undefined && w.column !== undefined) s += `:${w.column}`;
  return s + ': ';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
