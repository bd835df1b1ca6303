// Flag definitions shared by commands, and the checks that turn out-of-range flags into one-line errors
// before any work starts.

import { UserError } from '../errors.js';

export const dataOptions = {
  format: { choices: ['auto', 'wide', 'long'] as const, describe: 'CSV layout [default: auto-detected; evaluate and predict: the model\'s training files\']' },
  'label-column': { type: 'string', describe: 'column holding the class label [default: label; evaluate and predict: the model\'s]' },
  'id-column': { type: 'string', describe: 'long layout: column holding the sequence id [default: id, or the model\'s; one given must be in the header]' },
  'time-column': { type: 'string', describe: 'long layout: column ordering the steps [default: t, optional in the file, or the model\'s; one given must be in the header]' },
  channels: { type: 'string', describe: 'long layout: comma-separated channel columns (default: all others)' },
} as const;

export interface DataArgs {
  format?: 'auto' | 'wide' | 'long';
  'label-column'?: string;
  'id-column'?: string;
  'time-column'?: string;
  channels?: string;
}

export function loadOptionsOf(a: DataArgs) {
  return {
    format: a.format,
    labelColumn: a['label-column'],
    idColumn: a['id-column'],
    timeColumn: a['time-column'],
    channels: a.channels ? a.channels.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : undefined,
  };
}

/** Throws a flag error unless `ok`. */
export function requireFlag(ok: boolean, message: string): void {
  if (!ok) throw new UserError(message);
}

export function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}
