// ARFF (Weka's format, the UCR/UEA archive's other download): `@relation`, then `@attribute name type` lines up to
// `@data`, comment lines starting with %, then one sequence per line. Two shapes are read, those the archive
// writes:
// - univariate: numeric attributes (numeric, real or integer), one per time step, then the class; a line holds
//   the values then the label;
// - multivariate: one relational attribute (numeric attributes inside it, up to `@end`), then the class; a line
//   holds the quoted channels, separated by \n, each channel's values by commas, then the label.
// The class is the last attribute and nominal ({a,b,…}); without one, the file has no labels. Trailing ? (or NaN) values
// pad a channel to the longest (as in the archive's unequal-length sets); a ? before a value is a gap, as in the
// .ts format; refused are sparse lines ({…}), string and date attributes, and anything but these two shapes.
//
// Channels are named as the .ts reader names them (`value`, or dim_0, dim_1, …), so a model trained on one of a
// set's files reads the others; a sequence's id is its 1-based data line number. The loader hands over each
// line whole; quotes (' or ") and backslash escapes are this reader's.
//
// Owns the rules of this format; cell parsing is cells.ts', storage is builder.ts'.

import { UserError } from '../errors.js';
import type { DataSetBuilder } from './builder.js';
import { show, toName } from './cells.js';
import { ArchiveChannels, type Declared } from './ts-file.js';
import { quantityColumns } from './quantity-columns.js';
import { oddEnds, oddEndsText } from './series-names.js';

export interface ArffOptions {
  readonly requireLabels: boolean;
  readonly modelClasses?: readonly string[] | undefined; // read for a model: its training said what its names were
}

const NUMERIC = /^(numeric|real|integer)$/i;

type Attribute = { name: string; kind: 'numeric' | 'nominal' | 'relational'; line: number; values?: Set<string>; inner?: number };

export class ArffReader {
  private readonly file: string;
  private readonly opts: ArffOptions;
  private readonly builder: DataSetBuilder;
  private readonly attributes: Attribute[] = [];
  private inRelational: Attribute | null = null; // the relational attribute whose inner attributes are being read
  private inData = false;
  private labels: Set<string> | null = null; // the class attribute's values; null: no class attribute
  private relational = false; // the multivariate shape
  private declared: Declared | undefined; // with it, how many values a channel holds
  private readonly channels: ArchiveChannels;
  private dataRows = 0;
  private attributeLine = 0; // the first @attribute line's, for messages about them all

  /** Takes the file's first line that is not blank (the loader told the format from it). */
  constructor(file: string, first: readonly string[], line: number, opts: ArffOptions, builder: DataSetBuilder) {
    this.file = file;
    this.opts = opts;
    this.builder = builder;
    this.channels = new ArchiveChannels(builder, file, '\\n');
    this.row(first, line);
  }

  row(cells: readonly string[], line: number): void {
    const text = withoutComment(cells.join('\u0000')).trim();
    if (text === '') return;
    if (this.inData) this.sequence(text, line);
    else this.header(text, line);
  }

  private header(text: string, line: number): void {
    const { file } = this;
    if (!text.startsWith('@')) {
      throw new UserError("a line before @data that is neither a header line (@…) nor a comment (%…); an ARFF file's sequences follow its @data line", { file, line });
    }
    const key = /^@(\w*)/.exec(text)![1].toLowerCase();
    const rest = text.slice(key.length + 1).trim();
    if (key === 'relation') return;
    if (key === 'end') {
      if (this.inRelational === null) throw new UserError('@end without a relational attribute before it; delete this line, or put the @attribute … relational line it closes before it', { file, line });
      this.inRelational = null;
      return;
    }
    if (key === 'data') {
      if (rest !== '') throw new UserError('a sequence on the @data line itself; put @data on a line of its own, each sequence on a line after it', { file, line });
      this.startData(line);
      return;
    }
    if (key !== 'attribute') throw new UserError(`unknown header line ${show(text.split(/\s/)[0])}; an ARFF header has @relation, @attribute and @data lines`, { file, line });
    const [name, type] = splitName(rest, file, line);
    if (this.attributeLine === 0) this.attributeLine = line;
    if (this.inRelational !== null) {
      if (!NUMERIC.test(type)) throw new UserError(`attribute ${show(name)} inside a relational attribute is ${show(type)}; its values must be numeric`, { file, line });
      this.inRelational.inner = (this.inRelational.inner ?? 0) + 1;
      return;
    }
    if (NUMERIC.test(type)) this.attributes.push({ name, kind: 'numeric', line });
    else if (type.startsWith('{')) this.attributes.push({ name, kind: 'nominal', line, values: new Set(nominalValues(type, file, line)) });
    else if (/^relational$/i.test(type)) {
      const a: Attribute = { name, kind: 'relational', line };
      this.attributes.push(a);
      this.inRelational = a;
    } else {
      throw new UserError(`attribute ${show(name)} is ${show(type)}; only numeric values, a relational attribute of them and a nominal class are read; remove this attribute (its @attribute line and its value in every row), or make it numeric`, { file, line });
    }
  }

  /** Checks the attributes against the two shapes this reader takes, at @data. */
  private startData(line: number): void {
    const { file, attributes } = this;
    if (this.inRelational !== null) throw new UserError(`@data inside relational attribute ${show(this.inRelational.name)}; close it with @end`, { file, line });
    const last = attributes[attributes.length - 1];
    const inputs = last?.kind === 'nominal' ? attributes.slice(0, -1) : attributes;
    this.labels = last?.kind === 'nominal' ? last.values! : null;
    const shape = `the attributes must be numeric ones, one per time step, or one relational attribute of them, then the class`;
    if (inputs.length === 0) throw new UserError(`no value attributes before @data; ${shape}`, { file, line });
    const nominal = inputs.find((a) => a.kind === 'nominal');
    if (nominal !== undefined) throw new UserError(`nominal attribute ${show(nominal.name)} before the last; ${shape} (the last attribute)`, { file, line });
    this.relational = inputs.some((a) => a.kind === 'relational');
    if (this.relational && inputs.length > 1) throw new UserError(`a relational attribute beside other value attributes; ${shape}`, { file, line });
    // Without a class attribute where labels are needed, the rows are refused for that (a numeric class, Weka's
    // CSVLoader's, would be named an odd attribute here).
    if (!this.relational && (this.labels !== null || !this.opts.requireLabels)) checkOddAttributes(inputs, file);
    if (!this.relational && this.opts.modelClasses === undefined) {
      // One attribute a time step: named as quantities (an EEG montage, a table's features), a row is no series.
      const quantities = quantityColumns(inputs.map((a) => a.name.trim()));
      if (quantities !== null) this.builder.noteQuantities({ file, line: this.attributeLine, format: 'arff', ...quantities });
    }
    if (this.relational) {
      // Weka reads one value (or ?) per attribute inside the relational one, in every channel.
      const { name, inner = 0 } = inputs[0];
      this.declared = {
        count: inner,
        refusal: (d, n) => `channel ${d + 1} has ${n} value(s) but the relational attribute ${show(name)} declares ${inner}; give one per attribute inside it (pad a shorter channel with ?)`,
      };
    }
    this.inData = true;
  }

  private sequence(text: string, line: number): void {
    const { file } = this;
    if (text.startsWith('{')) throw new UserError('a sparse data line ({index value, …}); give every value, in order', { file, line });
    const cells = splitCells(text, file, line);
    const want = this.attributes.length;
    if (cells.length === want + 1 && /^\s*\{.*\}\s*$/.test(cells[want])) {
      throw new UserError(`an instance weight ${show(cells[want].trim())} after the last value; train-signals weighs every sequence alike: remove the weights`, { file, line });
    }
    if (cells.length !== want) {
      throw new UserError(`line has ${cells.length} value(s) but the header declares ${want} attribute(s); give one per attribute, the class last`, { file, line });
    }
    const label = this.labelOf(cells[want - 1], line);
    const inputs = this.labels === null ? cells : cells.slice(0, -1);
    const T = this.relational ? this.channels.store(inputs[0].split('\n'), line, this.declared) : this.channels.store([inputs.join(',')], line);
    this.dataRows++;
    this.builder.addSequence(String(this.dataRows), label, T, file, line);
  }

  /** The line's label (its last cell) when the file has a class attribute; null when none is required. */
  private labelOf(cell: string, line: number): string | null {
    const { file } = this;
    if (this.labels === null || cell.trim() === '?') {
      if (!this.opts.requireLabels) return null;
      throw new UserError(
        this.labels === null
          ? 'the file has no class attribute (a nominal {…} attribute last); training and evaluation need one'
          : 'missing label "?"; every sequence needs a class name',
        { file, line },
      );
    }
    const label = toName(cell, { file, line });
    if (!this.labels.has(label)) {
      throw new UserError(`label ${show(label)} is not one of the classes the class attribute lists (${[...this.labels].slice(0, 20).join(', ')}); correct the label, or add it to that attribute's {…} list`, { file, line });
    }
    return label;
  }

  end(lastLine: number): void {
    if (this.dataRows === 0) {
      throw new UserError(this.inData ? 'no sequences after @data; add one line per sequence' : 'no @data line: an ARFF file lists its sequences after one', { file: this.file, line: lastLine });
    }
  }
}

/** An @attribute line's name (quoted or not) and the type after it. */
function splitName(rest: string, file: string, line: number): [string, string] {
  const q = rest[0];
  let name: string;
  let after: string;
  if (q === "'" || q === '"') {
    let end = 1;
    name = '';
    for (; end < rest.length && rest[end] !== q; end++) name += rest[end] === '\\' && end + 1 < rest.length ? unescape(rest[++end]) : rest[end];
    if (end >= rest.length) throw new UserError('unterminated quote in an @attribute name; close the quote', { file, line });
    after = rest.slice(end + 1);
  } else {
    const m = /^(\S+)(.*)$/.exec(rest);
    [name, after] = m === null ? ['', ''] : [m[1], m[2]];
  }
  const type = after.trim();
  if (name === '' || type === '') throw new UserError('an @attribute line needs a name and a type (@attribute name numeric)', { file, line });
  return [name, type];
}

/** The values of a nominal type {a, b, 'c d'}. */
function nominalValues(type: string, file: string, line: number): string[] {
  if (!type.endsWith('}')) throw new UserError('a nominal type without its closing brace; list the classes as {a,b,…}', { file, line });
  return splitCells(type.slice(1, -1), file, line).map((v) => toName(v, { file, line })).filter((v) => v !== '');
}

/** A line without its comment: from a % outside quotes (' or ", with \\ escapes) to its end, as Weka reads it. */
function withoutComment(text: string): string {
  const at = text.indexOf('%');
  if (at < 0) return text;
  if (!text.includes("'") && !text.includes('"')) return text.slice(0, at);
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '%') return text.slice(0, i);
  }
  return text;
}

/**
 * A line's comma-separated cells, with quotes (' or ") removed and the escapes inside them (\n, \t, \\, \', \")
 * resolved. A line without quotes, every numeric line, is split as it is.
 */
function splitCells(text: string, file: string, line: number): string[] {
  if (!text.includes("'") && !text.includes('"')) return text.split(',');
  const cells: string[] = [];
  let cell = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== '') {
      if (c === '\\' && i + 1 < text.length) cell += unescape(text[++i]);
      else if (c === quote) quote = '';
      else cell += c;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if ((c === "'" || c === '"') && cell.trim() === '') {
      quote = c;
      cell = '';
    } else cell += c;
  }
  if (quote !== '') throw new UserError('unterminated quote: a quoted value on this line is never closed; close the quote', { file, line });
  cells.push(cell);
  return cells;
}

/** The character a backslash escape inside quotes stands for: \n and \t, else the character itself (\', \", \\, \%). */
function unescape(e: string): string {
  return e === 'n' ? '\n' : e === 't' ? '\t' : e;
}

/**
 * Refuses numeric attributes, one a time step, that are a series (t0, t1, …; Jan … Dec) but for one or two at
 * either end (Year before Jan … Dec): an attribute of another kind, which would be read as a sample of every
 * sequence, as the wide reader refuses such a column.
 */
function checkOddAttributes(inputs: readonly Attribute[], file: string): void {
  const odd = oddEnds(inputs.map((a) => a.name.trim()));
  if (odd.length === 0) return;
  const series = inputs.filter((_, k) => !odd.includes(k)).map((a) => a.name.trim());
  const names = odd.map((k) => inputs[k].name);
  const removal = names.length > 1 ? ' (their @attribute lines and their values in every row)' : ' (its @attribute line and its value in every row)';
  throw new UserError(oddEndsText('attribute', names, series, 'attributes', "a year, a subject's age, a session", removal), { file, line: inputs[odd[0]].line });
}
