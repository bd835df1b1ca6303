// Tests of src/data/sniff.ts: what kind of text a data file is, and which character separates its cells.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sniffFormat, sniffable } from '../src/data/sniff.js';

const sniff = (text: string) => sniffFormat(Buffer.from(text, 'utf8'));

test('commas unless the first line has more tabs or semicolons than commas; then the more frequent, tabs on a tie', () => {
  assert.equal(sniff('label,t0,t1\n1\t2\t3\t4\n'), ','); // only the first line counts
  assert.equal(sniff('label\tt0\tt1\nx\t1\t2\n'), '\t');
  assert.equal(sniff('1\t0.25\t-0.5\n'), '\t'); // the UCR archive's .tsv files: no header
  assert.equal(sniff('label;t0;t1\r\n'), ';');
  assert.equal(sniff('x;0,5;-1,25;3\n'), ';'); // decimal commas: as many commas as semicolons at most
  assert.equal(sniff('a;1,5;2,5;3,5\n'), ';'); // every value with a decimal comma: a tie is semicolons
  assert.equal(sniff('a;b,c\n'), ';');
  assert.equal(sniff('x\t0,5\t1,5\t2\n'), '\t');
  assert.equal(sniff('2,0;0,25;0,5\r\n'), ';'); // more commas than semicolons, each in a number with a decimal comma
  assert.equal(sniff('2,0\t0,25\t-1,5e-3\n'), '\t');
  assert.equal(sniff('x\t0,5\t1,5\n'), '\t');
  assert.equal(sniff('1,2,3;4\n'), ','); // a comma that is no decimal comma: counted as before
  assert.equal(sniff('a,b;1,5\n'), ','); // one cell with a comma that is no number's: counted as before
  assert.equal(sniff('label,\tt0,\tt1\n'), ','); // a tie: commas with tabs after them, read as always
  assert.equal(sniff('a;b\tc;d\te\n'), '\t');
  assert.equal(sniff('id,t,label,note;x\n'), ','); // a semicolon in a name does not outvote the commas
  assert.equal(sniff('x'), ',');
  assert.equal(sniff(''), ',');
});

test('separators in quotes do not count; blank lines before the first line are skipped', () => {
  assert.equal(sniff('"a\tb\tc",1,2\n'), ',');
  assert.equal(sniff('"a,b,c"\t1\t2\n'), '\t');
  assert.equal(sniff('\n  \r\n\t\nlabel;t0\n'), ';');
});

test('spaces between cells and nothing else: told apart, to refuse with a message', () => {
  assert.equal(sniff('  1.0000000e+00  -6.4e-01   2.5e-01\n'), 'spaces');
  assert.equal(sniff('1 2\n'), 'spaces');
  assert.equal(sniff('label, t0, t1\n'), ','); // spaces after commas are CSV
  assert.equal(sniff('  1.0e+00  -6.4e-01  2,5e-01\n'), 'spaces'); // a decimal comma among blanks: refused as such
  assert.equal(sniff('a 1,5 2\r\n'), 'spaces');
  assert.equal(sniff('first name,last name\n'), ','); // a comma that is no decimal comma: CSV
  assert.equal(sniff('1,5 2,x\n'), ',');
  assert.equal(sniff('   x   \n'), ','); // one cell: the layout's own message says what is wrong
});

test('the archive’s .ts files (after # comments) and ARFF files (after % comments) are told apart by their first @ line', () => {
  assert.equal(sniff('#GunPoint\n# comment, with commas\n@problemName GunPoint\n@data\n1,2:1\n'), 'ts');
  assert.equal(sniff('\n@problemName x\n'), 'ts');
  assert.equal(sniff('\n  {\n"format": "train-signals/rnn",\n'), 'json'); // a model file given as data
  assert.equal(sniff('  @classLabel true 1 2\n'), 'ts');
  assert.equal(sniff('% comment\n%\n@RELATION GunPoint\n@attribute a numeric\n'), 'arff');
  assert.equal(sniff('@relation x\n'), 'arff');
  assert.equal(sniff('#x,t0,t1\nlabel,1,2\n'), ','); // a # line followed by no @ line: CSV
  assert.equal(sniff('label,@t0\n'), ',');
  assert.equal(sniff('@timestamp,id,label,x\n'), ','); // a CSV header may start with @
  assert.equal(sniff('@data\n1,2:a\n'), 'ts');
  assert.equal(sniff('@DIMENSION 3\n'), 'ts');
  // A first header line of a key the list does not know: a .ts file where its @data line follows (it was read as
  // a CSV separated by blanks, and its rows refused for their commas).
  assert.equal(sniff('@foo bar\n@problemName x\n@classLabel true a b\n@data\n1,2,3,4:a\n'), 'ts');
  assert.equal(sniff('@timestamp,id,label,x\n@data,1,a,2\n'), ','); // no @data line of its own
});

test('sniffable: a whole line that is neither blank nor a comment has arrived', () => {
  const ok = (text: string) => sniffable(Buffer.from(text, 'utf8'));
  assert.equal(ok(''), false);
  assert.equal(ok('label,t0,t1'), false); // the line may go on
  assert.equal(ok('label,t0,t1\n'), true);
  assert.equal(ok('\n \r\n# comment\n% comment\n'), false);
  assert.equal(ok('# comment\n@problemName x'), false);
  assert.equal(ok('# comment\n@problemName x\r\n'), true);
});

test('lines ended by a carriage return alone (old Mac programs): comments, blank lines and the first line end there too', () => {
  assert.equal(sniff('# c\r@problemName x\r@classLabel true 1 2\r@data\r1,2,3:1\r'), 'ts');
  assert.equal(sniff('# c\r@dims 2\r@data\r1,2:1\r'), 'ts'); // a key not among the known ones, an @data line after it
  assert.equal(sniff('% c\r@relation r\r@attribute t0 numeric\r'), 'arff');
  assert.equal(sniff('\r\rlabel;t0\rx;1,5\r'), ';');
  assert.equal(sniff('a\tb\r1,2,3,4,5\r'), '\t'); // only the first line counts
  assert.equal(sniff('"sep=;"\ra;1,5\r'), ';');
  assert.ok(sniffable(Buffer.from('# c\rlabel,t0\rx,1\r')));
  assert.ok(!sniffable(Buffer.from('# c\rlabel,t0'))); // the first line not ended yet
  assert.ok(!sniffable(Buffer.from('label,t0\r'))); // a CR last may be the first of a CR LF
});
