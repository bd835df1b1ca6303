// Tests of src/data/spaces.ts: cells separated by runs of blanks become comma-separated, however the text is
// cut into chunks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlanksToCommas } from '../src/data/spaces.js';

async function convert(chunks: ReadonlyArray<string | Buffer>): Promise<string> {
  const t = new BlanksToCommas('test.txt');
  const out: Buffer[] = [];
  t.on('data', (b: Buffer) => out.push(b));
  const ended = new Promise((resolve) => t.on('end', resolve));
  for (const c of chunks) t.write(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  t.end();
  await ended;
  return Buffer.concat(out).toString('utf8');
}

test('each run of blanks between cells is one comma; blanks at a line’s ends go; line breaks stay', async () => {
  const text = '  1.0e+00  -6.4e-01\t 2  \r\n\n   café \t x\n"a  b" 3 "c ""d"""  4';
  const want = '1.0e+00,-6.4e-01,2\r\n\ncafé,x\n"a  b",3,"c ""d""",4'; // a quoted cell keeps its blanks
  assert.equal(await convert([text]), want);
  const bytes = Buffer.from(text, 'utf8');
  for (let cut = 1; cut < bytes.length; cut++) { // a run of blanks, a CRLF or a UTF-8 character split between chunks
    assert.equal(await convert([bytes.subarray(0, cut), bytes.subarray(cut)]), want, `cut at byte ${cut}`);
  }
});
