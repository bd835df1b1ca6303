// This package's own version, from its package.json (found relative to this file, so it is ours also when the
// package is installed as a dependency).

import { readFileSync } from 'node:fs';

let version: string | null = null;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
