// Data on scales the normalization and the warnings must not misjudge: one value far out of its channel (a "no
// reading" marker), a signal on the scale of 1e-13, and a small signal that rises and falls (no time column).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataWarnings, farOutValues } from '../src/index.js';
import { channelStatistics } from '../src/data/normalize.js';
import { timeLikeChannels } from '../src/data/time-like.js';
import type { DataSet } from '../src/data/dataset.js';
import { UserError } from '../src/errors.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A data set of one channel per entry of `channels`, N sequences of T steps, value f(channel, n, t). */
function dataSet(channels: string[], N: number, T: number, f: (d: number, n: number, t: number) => number): DataSet {
  const D = channels.length;
  const values = new Float32Array(new SharedArrayBuffer(N * T * D * 4));
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) values[(n * T + t) * D + d] = f(d, n, t);
  return {
    D, values, channels, classes: ['a', 'b'],
    offsets: Float64Array.from({ length: N }, (_, n) => n * T),
    lengths: new Int32Array(N).fill(T),
    labels: Int32Array.from({ length: N }, (_, n) => n % 2),
    ids: Array.from({ length: N }, (_, n) => `s${n}`),
  } as unknown as DataSet;
}

test('a value thousands of typical spreads out is named with its sequence; spikes and rare events are not', () => {
  const marked = dataSet(['x', 'spiky', 'events'], 40, 30, (d, n, t) =>
    d === 0 ? (n === 7 && t === 12 ? 9999 : Math.sin(t / 3 + n)) : d === 1 ? Math.sin(t) * (t % 10 === 0 ? 50 : 1) : n === 3 && t === 4 ? 1 : 0);
  const far = farOutValues(marked);
  assert.equal(far.length, 1);
  assert.deepEqual({ channel: far[0].channel, value: far[0].value, id: far[0].id }, { channel: 'x', value: 9999, id: 's7' });
  assert.ok(far[0].ratio > 1000);
});

test('far values in many sequences are the signal (an appliance\'s bursts of power); a marker\'s value, the farthest value most of them, or spikes in few are named', () => {
  // Every sequence standby at about 2 W with a burst of 1200–2000 W (an audit's find: the warning said the burst
  // flattened every other sequence, and to remove it).
  const burst = (n: number, t: number) => (t >= 20 + (n % 7) && t < 24 + (n % 5) ? 1200 + 17 * n + 31 * t : 2 + 0.3 * Math.sin(t + n));
  assert.deepEqual(farOutValues(dataSet(['power'], 40, 60, (_, n, t) => burst(n, t))), []);
  // A "no reading" marker in half the sequences is one value, however often: named.
  const marker = farOutValues(dataSet(['x'], 40, 60, (_, n, t) => (n % 2 === 0 && t === 30 ? -999 : Math.sin(t / 3 + n))));
  assert.deepEqual(marker.map((f) => [f.channel, f.value]), [['x', -999]]);
  // Bursts in whole watts, of two appliances far apart, in a tenth of the sequences: the signal too (a second
  // review's finds: each was warned of by the rules in between).
  const watts = (n: number, t: number) => Math.round(burst(n, t) / 40) * 40;
  assert.deepEqual(farOutValues(dataSet(['power'], 40, 60, (_, n, t) => watts(n, t))), []);
  assert.deepEqual(farOutValues(dataSet(['power'], 40, 60, (_, n, t) => (n % 2 ? burst(n, t) : burst(n, t) * (t >= 20 && t < 24 ? 8 : 1)))), []);
  assert.deepEqual(farOutValues(dataSet(['power'], 40, 60, (_, n, t) => (n % 10 === 0 && t >= 20 && t < 26 ? 1200 + 17 * n + 31 * t : 2 + 0.3 * Math.sin(t + n)))), []);
  // A marker beside the bursts, in two sequences or in ten, far beyond them or among them, is named (a review's
  // find: the bursts silenced it); so are three markers in a third of the sequences.
  // As float32 holds them too (a third review's find: -999.9 and -1e30 were read back as -999.9000244… and missed).
  for (const [every, marker] of [[20, 65535], [4, 65535], [20, 9999], [4, -9999], [20, 6553.5], [4, -9999.9], [20, -1e30]]) {
    const beside = farOutValues(dataSet(['power'], 40, 60, (_, n, t) => (n % every === 1 && t === 50 ? marker : burst(n, t) * (marker === 9999 ? 2 : 1))));
    assert.deepEqual(beside.map((f) => [f.channel, f.value]), [['power', Math.fround(marker)]], `${marker} every ${every}`);
  }
  const markers = farOutValues(dataSet(['x'], 40, 60, (_, n, t) => (n % 3 === 0 && t === 30 ? [9999, -9999, 99999][n % 9 / 3] : Math.sin(t / 3 + n))));
  assert.deepEqual(markers.map((f) => f.value), [99999]);
  // Glitches of different values in two sequences of forty: named.
  const glitch = farOutValues(dataSet(['x'], 40, 60, (_, n, t) => (n % 20 === 3 && t === 9 ? 5000 + n : Math.sin(t / 3 + n))));
  assert.deepEqual(glitch.map((f) => [f.channel, f.value, f.id]), [['x', 5023, 's23']]);
});

test('equal lengths do not fool the sample: a first step unlike the others is not taken for the channel (1000 channels, 2000 sequences of 10)', () => {
  const firsts = dataSet(Array.from({ length: 1000 }, (_, d) => `c${d}`), 2000, 10, (d, n, t) => (t === 0 ? 1e-3 : 1 + ((d + n + t) % 7) / 7));
  assert.deepEqual(farOutValues(firsts), []);
});

test('a signal on the scale of 1e-13 keeps its deviation (it is no constant channel), and rising and falling it is no time column', () => {
  const pico = dataSet(['current'], 20, 50, (_d, n, t) => 1e-13 * Math.sin(t / 4 + (n % 2) * 1.5));
  const { std } = channelStatistics(pico);
  assert.ok(std[0] > 1e-14 && std[0] < 1e-12, `std ${std[0]}`);
  assert.deepEqual(timeLikeChannels(pico), []);
  const zigzag = dataSet(['pos'], 6, 40, (_d, n, t) => 5e7 + 16 * ((t + n) % 2)); // within float32's rounding of 5e7
  assert.deepEqual(timeLikeChannels(zigzag), []);
  const countdown = dataSet(['left'], 6, 40, (_d, _n, t) => 100 - 2 * t);
  assert.deepEqual(timeLikeChannels(countdown), ['left']);
  const constant = dataSet(['level'], 4, 5, () => 0.1);
  assert.deepEqual(channelStatistics(constant).std, [1], 'a channel that never varies is divided by 1');
});

test('channelStatistics is each channel\'s mean and population standard deviation over every step, in float32 (PyTorch\'s pipelines divide by N too)', () => {
  // A mutation audit's find: the sample deviation (÷ N − 1) passed every test.
  const ds = dataSet(['x', 'y'], 2, 2, (d, n, t) => (d === 0 ? 1 + 2 * n + t : 10 * (n + 1)));
  const { mean, std } = channelStatistics(ds); // x: 1, 2, 3, 4; y: 10, 10, 20, 20
  assert.deepEqual(mean, [2.5, 15]);
  assert.deepEqual(std, [Math.fround(Math.sqrt(1.25)), 5]);
});

test('dataWarnings gives a program the lines train prints: a far-out value, a time column, a class of one, letter-case twins', () => {
  const ds = dataSet(['x', 'time'], 40, 30, (d, n, t) => (d === 1 ? t : n === 7 && t === 12 ? 9999 : Math.sin(t / 3 + n)));
  const [far, time, ...rest] = dataWarnings(ds);
  assert.match(far, /^channel "x" holds 9999 \(sequence s7\), \d+ times its values' typical distance from their median; /);
  assert.match(time, /^channel "time" runs like a time column in every sequence/);
  assert.deepEqual(rest, []);
  const odd = { ...ds, classes: ['Walk', 'run', 'walk'], labels: Int32Array.from({ length: 40 }, (_, n) => (n === 0 ? 1 : n % 2 === 0 ? 0 : 2)) } as DataSet;
  const lines = dataWarnings(odd);
  assert.ok(lines.includes('class "run" has a single training sequence; little can be learned of a class from one (a header row, or a line of another kind, read as data?)'), lines.join('\n'));
  assert.ok(lines.includes('classes "Walk", "walk" differ only in letter case; they are trained as different classes'), lines.join('\n'));
  // R's write.csv writes a missing label NA, which read as a class trained silently (a writers audit's find).
  const na = dataWarnings({ ...odd, classes: ['Walk', 'NA', 'walk'] } as DataSet);
  assert.ok(na.includes('class "NA" (one sequence) is how R, pandas (na_rep) and spreadsheets write a missing label; it is trained as a class of its own: if those sequences are unlabelled, leave them out, or give them their class'), na.join('\n'));
  assert.ok(!na.some((w) => w.startsWith('class "NA" has a single')), 'not also a class of one read from a header row');
  assert.ok(!dataWarnings({ ...odd, classes: ['Walk', 'Na', 'walk'] } as DataSet).some((w) => w.includes('missing label')), 'sodium is no missing label');
  // Names alike for their first 40 characters are shown around where they differ, not cut alike.
  const long = 'participant_07_session_2_condition_walking_';
  const apart = dataWarnings({ ...odd, classes: [`${long}Slow_trial`, 'run', `${long}slow_trial`] } as DataSet);
  assert.ok(apart.includes('classes …"7_session_2_condition_walking_Slow_trial", …"7_session_2_condition_walking_slow_trial" differ only in letter case; they are trained as different classes'), apart.join('\n'));
  const numbered = dataWarnings({ ...odd, classes: ['1', '1.5', '+1.50', '10', 'x1', '1e1'] } as DataSet);
  assert.ok(numbered.includes('classes "1.5", "+1.50", "10", "1e1" name the same number; they are trained as different classes (write each label one way)'), numbered.join('\n'));
  const flat = dataSet(['x', 'y'], 4, 5, (d) => d);
  assert.deepEqual(dataWarnings(flat), ['no channel varies: every step of every sequence holds the same values, so no class can be told from another']);
  // A newcomer's find: WISDM's user column, one value through each recording, trained on as a channel silently.
  const user = dataSet(['user', 'x'], 12, 20, (d, n, t) => (d === 0 ? n % 3 : Math.sin(t / 3 + n)));
  assert.deepEqual(dataWarnings(user), ['channel "user" holds one value through each sequence and another in others: a column naming who or what was recorded (a subject, a device, a session), or a reading too coarse to change within one? the model may tell the classes apart by it rather than by the signal; if it is no signal, leave it out with --channels x']);
  // Sequences too short for holding still to tell (a slow reading over a few steps): nothing said.
  assert.deepEqual(dataWarnings(dataSet(['temp', 'x'], 12, 6, (d, n, t) => (d === 0 ? 20 + (n % 3) / 2 : Math.sin(t / 3 + n)))), []);
  // One channel, or the same value in every sequence (the flat line above), is not such a column.
  assert.deepEqual(dataWarnings(dataSet(['v'], 12, 20, (_d, n) => n % 3)), []);
  assert.deepEqual(dataWarnings(dataSet(['bias', 'x'], 12, 20, (d, n, t) => (d === 0 ? 1 : Math.sin(t / 3 + n)))), []);
});

test('labels name the same number only as exact decimals: 20-digit ids a digit apart are two numbers; 1e0 and 1E0 are warned of once', async () => {
  const { sameNumber } = await import('../src/data/names.js');
  assert.notEqual(sameNumber('12345678901234567890'), sameNumber('12345678901234567891'));
  assert.notEqual(sameNumber('0.1'), sameNumber('0.10000000000000001'));
  for (const [a, b] of [['1', '1.0'], ['1', '01'], ['1', '+1'], ['1', '1e0'], ['10', '1e1'], ['0.1', '.1'], ['0', '-0.0'], ['1.5', '15e-1']]) assert.equal(sameNumber(a), sameNumber(b), `${a} ${b}`);
  for (const x of ['abc', '1e', 'e1', '', '1.2.3', '0x10']) assert.equal(sameNumber(x), undefined, x);
  const ds = dataSet(['x'], 4, 5, (_d, n, t) => n + t);
  const lines = dataWarnings({ ...ds, classes: ['1e0', '1E0'], labels: Int32Array.from([0, 1, 0, 1]) } as DataSet);
  assert.deepEqual(lines.filter((l) => l.startsWith('classes')), ['classes "1e0", "1E0" name the same number; they are trained as different classes (write each label one way)']);
});

test('the warning functions refuse what is not a data set in one line naming themselves (they were TypeErrors)', async () => {
  const { widelyScaledChannels } = await import('../src/index.js');
  const ds = dataSet(['x'], 4, 5, (_d, n, t) => n + t);
  const calls: Array<[string, (x: unknown) => unknown]> = [
    ['timeLikeChannels', (x) => timeLikeChannels(x as DataSet)], ['farOutValues', (x) => farOutValues(x as DataSet)],
    ['dataWarnings', (x) => dataWarnings(x as DataSet)], ['widelyScaledChannels', (x) => widelyScaledChannels(x as DataSet)],
  ];
  for (const [name, call] of calls) {
    for (const bad of [null, {}, { ...ds, lengths: Int32Array.from([5, 5, 5, 9]) }]) {
      assert.throws(() => call(bad), (e: unknown) => e instanceof UserError && e.message.startsWith(`${name}() data: `) && !e.message.includes('\n'), `${name} ${JSON.stringify(bad)}`);
    }
    call(ds); // a data set passes
  }
  assert.throws(() => dataWarnings(ds, 7 as unknown as string), (e: unknown) => e instanceof UserError && /^dataWarnings\(\) idColumn must be a column's name/.test(e.message));
});

test('a channel that varies little about a large level: loading measures what float32 rounds away, and train warns with what to subtract', async () => {
  const { loadDataSet } = await import('../src/data/csv.js');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tempDir } = await import('./helpers/temp.js');
  const dir = tempDir('precision');
  const file = (name: string, level: number, scale: number) => {
    const rows = Array.from({ length: 12 }, (_, n) => `${n % 2 ? 'up' : 'down'},${Array.from({ length: 10 }, (_, t) => level + scale * (n % 2 ? t : -t) + scale * 0.37 * Math.sin(n + t)).join(',')}`);
    writeFileSync(join(dir, name), `label,${Array.from({ length: 10 }, (_, t) => `t${t}`).join(',')}\n${rows.join('\n')}\n`);
    return join(dir, name);
  };
  const pressure = await loadDataSet([file('pressure.csv', 101325, 0.002)]);
  const [p] = pressure.precision!;
  assert.ok(Math.abs(p.level - 101325) < 0.01 && p.spread > 0.005 && p.spread < 0.02, JSON.stringify(p));
  assert.ok(p.lost > 0.05 * p.spread, 'float32 keeps steps of 1/128 near 101325');
  const lines = dataWarnings(pressure);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /^channel "value" varies by 0\.0\d+ \(a standard deviation( within a sequence)?\) about 101325, and rounding to float32, which values are stored in, moves its values by \d+ % of that: subtract 101325 from the channel in the file, so that what varies is kept$/);
  // Every value rounds to one float32: the file varies, so this is no "no channel varies".
  const flat = await loadDataSet([file('clock.csv', 3e8, 0.5)]);
  assert.ok(flat.values.every((x) => x === 3e8));
  const flatLines = dataWarnings(flat);
  assert.deepEqual(flatLines.map((l) => l.slice(0, 40)), ['channel "value" varies by 1.44 (a standa']);
  assert.match(flatLines[0], /subtract 300000000 from the channel/);
  // The same signal without the level: stored as read, nothing to say.
  const plain = await loadDataSet([file('plain.csv', 0, 0.002)]);
  assert.ok(plain.precision![0].lost < 1e-3 * plain.precision![0].spread);
  assert.deepEqual(dataWarnings(plain), []);
  // Each sequence on its own level: the levels' spread hides what rounding takes within a sequence.
  const levels = join(dir, 'levels.csv');
  writeFileSync(levels, `label,${Array.from({ length: 10 }, (_, t) => `t${t}`).join(',')}\n` + Array.from({ length: 12 }, (_, n) =>
    `${n % 2 ? 'up' : 'down'},${Array.from({ length: 10 }, (_, t) => 100000 + 250 * n + 0.004 * (n % 2 ? t : -t)).join(',')}`).join('\n') + '\n');
  const perSequence = await loadDataSet([levels]);
  assert.ok(perSequence.precision![0].within < 0.05 * perSequence.precision![0].spread);
  assert.match(dataWarnings(perSequence).join('\n'), /^channel "value" varies by 0\.0\d+ \(a standard deviation within a sequence\) about 1013\d\d(\.\d+)?, and rounding to float32, which values are stored in, moves its values by \d+ % of that: subtract 1013\d\d/);
  // Levels 1e6 apart: one level subtracted would leave them rounded as much; each sequence's own is the advice.
  const apart = join(dir, 'apart.csv');
  writeFileSync(apart, `label,${Array.from({ length: 10 }, (_, t) => `t${t}`).join(',')}\n` + Array.from({ length: 12 }, (_, n) =>
    `${n % 2 ? 'up' : 'down'},${Array.from({ length: 10 }, (_, t) => (1e6 * (n + 1) + 0.01 * (n % 2 ? t : -t)).toFixed(4)).join(',')}`).join('\n') + '\n');
  assert.match(dataWarnings(await loadDataSet([apart])).join('\n'), /^channel "value" varies by 0\.0\d+ \(a standard deviation within a sequence\) about a level of each sequence's own, and rounding to float32, which values are stored in, moves its values by \d+ % of that: subtract each sequence's own level \(its first value, say\) in the file/);
  // Each sequence flattened to one float32 value: nothing varies within a sequence as stored, but it did as read.
  const flattened = join(dir, 'flattened.csv');
  writeFileSync(flattened, `label,${Array.from({ length: 10 }, (_, t) => `t${t}`).join(',')}\n` + Array.from({ length: 12 }, (_, n) =>
    `${n % 2 ? 'up' : 'down'},${Array.from({ length: 10 }, (_, t) => (1e6 + 1000 * n + 0.001 * (n % 2 ? t : -t)).toFixed(6)).join(',')}`).join('\n') + '\n');
  const flatWithin = await loadDataSet([flattened]);
  assert.equal(flatWithin.precision![0].within, 0);
  assert.match(dataWarnings(flatWithin).join('\n'), /^channel "value" varies by 0\.00\d+ \(a standard deviation within a sequence\) about a level of each sequence's own, .*subtract each sequence's own level/);
  // Windows of a meter reading, each 3000 above the last, each a slow ramp: one level subtracted mends them.
  const ramps = join(dir, 'ramps.csv');
  writeFileSync(ramps, Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'a' : 'b'},${Array.from({ length: 100 }, (_, t) => 1e8 + i * 3000 + (i % 2 ? 1 : -1) * t * 0.01).join(',')}`).join('\n') + '\n');
  const rampLines = dataWarnings(await loadDataSet([ramps]));
  assert.match(rampLines.join('\n'), /^channel "value" varies by 0\.289 \(a standard deviation within a sequence\) about 1000\d+, .*: subtract 1000\d+ from the channel in the file/);
  // Below float32's normal numbers: kept exactly, but no normalization scales it.
  const tiny = await loadDataSet([file('tiny.csv', 0, 1e-40)]);
  assert.deepEqual(dataWarnings(tiny).map((l) => l.replace(/by as little as [^ ]+ /, 'by as little as X ')), [
    'channel "value" varies by as little as X (a standard deviation), too little for float32, which values are stored in (its normal numbers end at 1.2e-38): multiply the channel by a power of ten in the file (give it in smaller units)',
  ]);
  // Many such channels: one line naming them.
  const wide = join(dir, 'many.csv');
  writeFileSync(wide, `id,label,${Array.from({ length: 30 }, (_, c) => `c${c}`).join(',')}\n` + Array.from({ length: 40 }, (_, r) =>
    `s${r >> 2},${(r >> 2) % 2 ? 'up' : 'down'},${Array.from({ length: 30 }, (_, c) => 101325 + 0.001 * ((r * 7 + c * 3) % 11)).join(',')}`).join('\n') + '\n');
  const many = dataWarnings(await loadDataSet([wide]));
  assert.equal(many.length, 1, many.join('\n'));
  assert.match(many[0], /^channels "c0", "c1", .*, … 10 more vary little about large levels \("c0" by .*\), and rounding to float32, which values are stored in, moves their values by up to \d+ % of that: subtract each one's level from it in the file/);
  // A data set a program built, with something else where the loader puts the precision: no TypeError.
  assert.deepEqual(dataWarnings({ ...plain, precision: 5 } as unknown as DataSet), []);
});

test('clocks and counters as devices name and write them are time-like: a counter that starts over (OpenBCI), a quoted name (WFDB), a clock named inside a longer name; a sawtooth signal is not', async () => {
  // A device audit's finds: each trained as a signal without a word.
  const wrap = dataSet(['Sample Index', 'EXG Channel 0'], 6, 300, (d, n, t) => (d === 0 ? (t + 40 * n) % 256 : Math.sin(t / 5 + n)));
  assert.deepEqual(timeLikeChannels(wrap), ['Sample Index']);
  // a packet dropped in every sequence (index 100 skipped): still the counter (the review's find)
  const dropped = dataSet(['Sample Index', 'EXG Channel 0'], 6, 300, (d, n, t) => (d === 0 ? (t + (t >= 100 ? 1 : 0) + 40 * n) % 256 : Math.sin(t / 5 + n)));
  assert.deepEqual(timeLikeChannels(dropped), ['Sample Index']);
  const wfdb = dataSet(["'Elapsed time'", "'MLII'"], 6, 150, (d, n, t) => (d === 0 ? Math.round((t / 360) * 1000) / 1000 : Math.sin(t / 5 + n)));
  assert.deepEqual(timeLikeChannels(wfdb), ["'Elapsed time'"], 'rounded to three decimals: uneven steps, but it rises');
  const polar = dataSet(['sensor timestamp [ns]', 'X [mg]'], 6, 120, (d, n, t) => (d === 0 ? 3.6e12 * n + 5e6 * t + (t % 3) * 1e5 : Math.sin(t / 5 + n)));
  assert.deepEqual(timeLikeChannels(polar), ['sensor timestamp [ns]']);
  // A temperature named T with its unit, rising unevenly at every step (a heating run; Jena's `T (degC)`): no clock
  // (an audit's find: it was told to be left out); a clock named with a time's unit still is.
  const heating = (name: string) => dataSet([name, 'p'], 6, 40, (d, n, t) => (d === 0 ? 20 + 0.5 * t + 0.1 * Math.sin(t * n) : Math.sin(t / 5 + n)));
  assert.deepEqual(timeLikeChannels(heating('T (degC)')), []);
  assert.deepEqual(timeLikeChannels(heating('t [K]')), []);
  assert.deepEqual(timeLikeChannels(heating('t [s]')), ['t [s]']);
  // The same sawtooth named as a signal, and a counter that steps unevenly: no clock.
  assert.deepEqual(timeLikeChannels(dataSet(['ramp', 'x'], 6, 300, (d, n, t) => (d === 0 ? (t + 40 * n) % 256 : Math.sin(t / 5 + n)))), []);
  assert.deepEqual(timeLikeChannels(dataSet(['step count', 'x'], 6, 50, (d, n, t) => (d === 0 ? Math.floor(t / 3) : Math.sin(t / 5 + n)))), []);
  // A clock since 1970 in ns, which float32 rounds flat (Polar's): the rounding warning names it as a clock.
  const { loadDataSet } = await import('../src/data/csv.js');
  const { tempDir } = await import('./helpers/temp.js');
  const file = join(tempDir('clock'), 'polar.csv');
  const rows = Array.from({ length: 8 * 40 }, (_, k) => `r${Math.floor(k / 40)};${'ab'[Math.floor(k / 40) % 2]};${599694882166000000n + 3600000000000n * BigInt(Math.floor(k / 40)) + 5000000n * BigInt(k % 40)};${Math.round(300 * Math.sin(k / 5))}`);
  writeFileSync(file, `id;label;sensor timestamp [ns];X [mg]\n${rows.join('\n')}\n`);
  assert.match(dataWarnings(await loadDataSet([file])).join('\n'), /subtract \d+ from the channel in the file, so that what varies is kept; if "sensor timestamp \[ns\]" is a clock, as its name says, it holds no sample: name the time column with --time-column, and leave the others out with --channels/);
});
