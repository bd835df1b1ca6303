// Property tests of the CSV loader (fast-check), in process: random valid data sets written as CSV in either
// layout (ragged wide rows, shuffled long rows, quoted names, BOM, CRLF, blank lines, padding spaces) load back
// exactly; one random corruption of such a file gives a UserError naming the corrupted line, never another
// error, a crash or a hang.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadDataSet, streamFile } from '../src/data/csv.js';
import type { StreamedSequence } from '../src/data/builder.js';
import { NotContiguousError } from '../src/data/long-stream.js';
import { createRng, randInt } from '../src/model/rng.js';
import { fillReference } from './helpers/fill-reference.js';
import { UserError } from '../src/errors.js';
import { tempDir } from './helpers/temp.js';

const dir = tempDir('ts-prop-');
let fileNo = 0;

interface Seq {
  id: string;
  label: string;
  steps: number[][]; // [T][D]
}
interface Spec {
  layout: 'wide' | 'long';
  channels: string[]; // long: D names; wide: ['value']
  seqs: Seq[];
  rowOrder: number[]; // long: the file order of all rows, as indices into the rows in sequence order
  crlf: boolean;
  bom: boolean;
  blankAfter: boolean[]; // a blank line after each data row
  pad: boolean; // spaces around numbers
  widePadding: number; // wide: extra empty trailing cells on each row
}

const nameArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,"_.-]{0,5}[A-Za-z0-9]$/);
const valueArb = fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Math.fround(x));

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    layout: fc.constantFrom('wide' as const, 'long' as const),
    D: fc.integer({ min: 1, max: 3 }),
    channelNames: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,4}$/).filter((s) => !['id', 't', 'label'].includes(s)), { minLength: 3, maxLength: 3 }),
    labels: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 3 }),
    ids: fc.uniqueArray(nameArb, { minLength: 6, maxLength: 6 }),
    N: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer(),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    pad: fc.boolean(),
    widePadding: fc.integer({ min: 0, max: 2 }),
  })
  .chain((r) => {
    const D = r.layout === 'wide' ? 1 : r.D;
    const seqArb = fc.record({
      label: fc.constantFrom(...r.labels),
      steps: fc.array(fc.array(valueArb, { minLength: D, maxLength: D }), { minLength: 1, maxLength: 5 }),
    });
    return fc.array(seqArb, { minLength: r.N, maxLength: r.N }).chain((seqs) => {
      const rows = seqs.reduce((n, s) => n + s.steps.length, 0);
      const nRows = r.layout === 'wide' ? seqs.length : rows;
      return fc.record({
        rowOrder: r.layout === 'long' ? fc.shuffledSubarray([...Array(rows).keys()], { minLength: rows, maxLength: rows }) : fc.constant([...Array(rows).keys()]),
        blankAfter: fc.array(fc.boolean(), { minLength: nRows, maxLength: nRows }),
      }).map(({ rowOrder, blankAfter }) => ({
        layout: r.layout,
        channels: r.layout === 'wide' ? ['value'] : r.channelNames.slice(0, D),
        seqs: seqs.map((s, i) => ({ id: r.ids[i], label: s.label, steps: s.steps })),
        rowOrder: [...rowOrder], crlf: r.crlf, bom: r.bom, blankAfter, pad: r.pad, widePadding: r.widePadding,
      }));
    });
  });

function cell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function num(x: number, pad: boolean): string {
  const s = Object.is(x, -0) ? '-0' : String(x);
  return pad ? ` ${s} ` : s;
}

/** The data rows of the spec as cell arrays, in file order. */
function dataRows(sp: Spec): string[][] {
  if (sp.layout === 'wide') {
    const width = Math.max(...sp.seqs.map((s) => s.steps.length)) + sp.widePadding;
    return sp.seqs.map((s) => {
      const cells = [cell(s.label), ...s.steps.map((v) => num(v[0], sp.pad))];
      while (cells.length < width + 1 && sp.widePadding > 0) cells.push('');
      return cells;
    });
  }
  const rows: string[][] = [];
  for (const s of sp.seqs) s.steps.forEach((v, t) => rows.push([cell(s.id), String(t), cell(s.label), ...v.map((x) => num(x, sp.pad))]));
  return sp.rowOrder.map((i) => rows[i]);
}

function header(sp: Spec): string[] {
  if (sp.layout === 'wide') {
    const width = Math.max(...sp.seqs.map((s) => s.steps.length)) + sp.widePadding;
    return ['label', ...Array.from({ length: width }, (_, i) => `t${i}`)];
  }
  return ['id', 't', 'label', ...sp.channels];
}

/** The file text and the line of each data row (1-based). */
function render(sp: Spec, rows: string[][]): { text: string; lines: number[] } {
  const nl = sp.crlf ? '\r\n' : '\n';
  const out = [header(sp).join(',')];
  const lines: number[] = [];
  rows.forEach((r, i) => {
    out.push(r.join(','));
    lines.push(out.length);
    if (sp.blankAfter[i]) out.push('');
  });
  return { text: (sp.bom ? '\ufeff' : '') + out.join(nl) + nl, lines };
}

function write(text: string): string {
  const f = join(dir, `p${fileNo++}.csv`);
  writeFileSync(f, text);
  return f;
}

/** Sequences in the order the loader gives them: wide in row order; long by first appearance in the file. */
function expected(sp: Spec): Seq[] {
  if (sp.layout === 'wide') return sp.seqs;
  const starts: number[] = [];
  let at = 0;
  for (const s of sp.seqs) {
    starts.push(at);
    at += s.steps.length;
  }
  const seqOfRow = (row: number) => starts.filter((st) => st <= row).length - 1;
  const firstSeen: number[] = [];
  for (const row of sp.rowOrder) {
    const s = seqOfRow(row);
    if (!firstSeen.includes(s)) firstSeen.push(s);
  }
  return firstSeen.map((s) => sp.seqs[s]);
}

test('random valid data sets, both layouts, load back exactly', async () => {
  await fc.assert(
    fc.asyncProperty(specArb, async (sp) => {
      const f = write(render(sp, dataRows(sp)).text);
      const ds = await loadDataSet([f]);
      const want = expected(sp);
      assert.deepEqual(ds.channels, sp.channels);
      assert.equal(ds.lengths.length, want.length);
      assert.deepEqual(ds.classes, [...new Set(sp.seqs.map((s) => s.label))].sort());
      want.forEach((s, n) => {
        assert.equal(ds.classes[ds.labels[n]], s.label);
        if (sp.layout === 'long') assert.equal(ds.ids[n], s.id);
        assert.equal(ds.lengths[n], s.steps.length);
        const got = Array.from(ds.values.subarray(ds.offsets[n] * ds.D, (ds.offsets[n] + ds.lengths[n]) * ds.D));
        const bits = (xs: number[]) => xs.map((x) => (Object.is(x, -0) ? '-0' : String(x)));
        assert.deepEqual(bits(got), bits(s.steps.flat()));
      });
    }),
    { numRuns: 200 },
  );
});

test('random gaps in both layouts are filled as the formula says, loaded whole and streamed alike', async () => {
  await fc.assert(
    fc.asyncProperty(specArb, fc.integer(), async (sp, seed) => {
      const rng = createRng(seed);
      const want = expected(sp);
      // Which cells are gaps: any value of a sequence but a wide row's last (that one ends the row) and one read
      // value left in every channel of a sequence (a channel with none is refused, gaps.test.ts).
      const gapped = new Map<Seq, boolean[][]>();
      for (const s of sp.seqs) {
        const T = s.steps.length;
        const D = sp.channels.length;
        const mask = s.steps.map((_, t) => Array.from({ length: D }, () => rng.next() < 0.3 && !(sp.layout === 'wide' && t === T - 1)));
        for (let d = 0; d < D; d++) if (mask.every((m) => m[d])) mask[randInt(rng, T)][d] = false;
        gapped.set(s, mask);
      }
      const tokens = ['', 'NaN', 'NA', ' ', '#N/A'];
      const rows = dataRows(sp);
      if (sp.layout === 'wide') {
        sp.seqs.forEach((s, n) => gapped.get(s)!.forEach((m, t) => { if (m[0]) rows[n][1 + t] = tokens[randInt(rng, tokens.length)]; }));
      } else {
        for (const row of rows) {
          const s = sp.seqs.find((q) => cell(q.id) === row[0])!;
          gapped.get(s)![Number(row[1])].forEach((m, d) => { if (m) row[3 + d] = tokens[randInt(rng, tokens.length)]; });
        }
      }
      const f = write(render(sp, rows).text);
      const ds = await loadDataSet([f]);
      const streamed: StreamedSequence[] = [];
      // A long file whose sequences' rows are not contiguous does not stream (predict then loads it whole).
      await streamFile(f, {}, (q) => streamed.push(q)).catch((e: unknown) => {
        if (!(e instanceof NotContiguousError)) throw e;
        streamed.length = 0;
      });
      let missing = 0;
      want.forEach((s, n) => {
        const D = sp.channels.length;
        const x = Float32Array.from(s.steps.flat());
        gapped.get(s)!.forEach((m, t) => m.forEach((g, d) => { if (g) x[t * D + d] = NaN; }));
        missing += fillReference(x, s.steps.length, D);
        const bits = (xs: ArrayLike<number>) => Array.from(xs, (v) => (Object.is(v, -0) ? '-0' : String(v)));
        assert.deepEqual(bits(ds.values.subarray(ds.offsets[n] * D, (ds.offsets[n] + ds.lengths[n]) * D)), bits(x));
        if (streamed.length > 0) assert.deepEqual(bits(streamed[n].values), bits(x));
      });
      assert.equal(ds.gaps?.values ?? 0, missing);
    }),
    { numRuns: 200 },
  );
});

type Corruption =
  | 'junk' | 'empty-mid' | 'empty-label' | 'nul' | 'extra' | 'quote' // both layouts
  | 'junk-time' | 'empty-id' | 'drop-cell' | 'dup-time' | 'label-change'; // long only

const JUNK = ['abc', 'NaN', 'Infinity', '-inf', '1e400', '0x10', '1.2.3', '--1', '3.5e+39', '1_000'];

test('one random corruption: a UserError naming the corrupted line, never anything else', async () => {
  const noQuotes = (sp: Spec) => sp.seqs.every((s) => !/"/.test(s.label + s.id));
  await fc.assert(
    fc.asyncProperty(
      // Each layout draws only the corruptions it can have, so no run is spent on a case it cannot make.
      specArb.filter(noQuotes).chain((sp) => fc.tuple(fc.constant(sp), fc.constantFrom<Corruption>(
        'junk', 'empty-mid', 'empty-label', 'nul', 'extra', 'quote',
        ...(sp.layout === 'long' ? (['junk-time', 'empty-id', 'drop-cell', 'dup-time', 'label-change'] as const) : []),
      ))),
      fc.nat(),
      fc.nat(),
      fc.constantFrom(...JUNK),
      async ([sp, kind], pickRow, pickCell, junk) => {
        const rows = dataRows(sp);
        const r = pickRow % rows.length;
        const row = rows[r];
        const D = sp.channels.length;
        const long = sp.layout === 'long';
        const values = long ? row.length - 3 : row.filter((c, i) => i > 0 && c !== '').length; // value cells
        const firstValue = long ? 3 : 1;
        let line: number | 'later-duplicate' = r;
        switch (kind) {
          case 'junk':
            // NaN as a wide row's last value (of two or more) is padding that ends the row early, not an error (csv.test.ts).
            fc.pre(long || junk !== 'NaN' || values < 2 || pickCell % values !== values - 1);
            row[firstValue + (pickCell % values)] = junk;
            break;
          case 'empty-mid':
            if (long) row[firstValue + (pickCell % D)] = '';
            else if (values >= 2) row[firstValue + (pickCell % (values - 1))] = ' ';
            else fc.pre(false); // a wide row may end early: no empty cell before its last value to make (fast-check draws another)
            break;
          case 'empty-label':
            row[long ? 2 : 0] = '';
            break;
          case 'nul':
            row[firstValue + (pickCell % values)] = '1\u0000';
            break;
          case 'extra':
            if (long) row.push('1');
            else while (row.length <= header(sp).length) row.push('7');
            break;
          case 'quote':
            // Only where no other quote could close it: an unclosed quote runs to the end of the file.
            fc.pre(!rows.some((o) => o.some((c) => c.includes('"'))));
            row[firstValue + (pickCell % values)] = '"' + row[firstValue + (pickCell % values)];
            break;
          case 'junk-time':
            row[1] = junk === '3.5e+39' ? 'soon' : junk; // times are float64: 3.5e+39 is a valid one
            break;
          case 'empty-id':
            row[0] = '';
            break;
          case 'drop-cell':
            row.pop();
            break;
          case 'dup-time': {
            // Another row of the same sequence takes this row's time: the later of the two lines is named.
            const other = rows.findIndex((o, i) => i !== r && o[0] === row[0]);
            fc.pre(other >= 0);
            rows[other][1] = row[1];
            line = Math.max(r, other);
            break;
          }
          case 'label-change': {
            const first = rows.findIndex((o) => o[0] === row[0]);
            fc.pre(first !== r); // the first row of a sequence sets its label
            row[2] = 'zz_other';
            break;
          }
        }
        const { text, lines } = render(sp, rows);
        const f = write(text);
        let err: unknown = null;
        try {
          await loadDataSet([f], { gaps: 'refuse' }); // a cell left empty or NaN is a gap: filled by default (gaps.test.ts)
        } catch (e) {
          err = e;
        }
        assert.ok(err instanceof UserError, `${kind}: expected a UserError, got ${err === null ? 'success' : String(err)}\n${text}`);
        assert.equal(err.file, f);
        assert.equal(err.line, lines[line as number], `${kind}: ${err.message}\n${text}`);
        assert.ok(err.message.startsWith(`${f}:${err.line}`), err.message);
        assert.ok(!err.message.includes('\n'), 'one line');
      },
    ),
    { numRuns: 400 },
  );
});
