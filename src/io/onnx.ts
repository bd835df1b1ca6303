// ONNX export: a trained model as a standard ONNX graph that any onnxruntime (Python, C++, C#, Java, Node, web)
// can serve. The recurrence is the ONNX `RNN` operator (Tanh), or `GRU` for a GRU model, so runtimes use their
// fused kernels; everything else is plain opset-17 operators. Owns the graph and its encoding (via
// protobuf.ts); deliberately no decoder and no runtime: the tests check the file with onnxruntime-node.
//
// Legend: N batch, T samples (the longest in the batch), D channels, s stride, F = ⌈T/s⌉ frames, E = s·D
// inputs per step, K directions (1, or 2 when bidirectional), H hidden units per direction, C classes.
//
//   signals [N][T][D] float32, lengths [N] int32 (each in 1..T; samples past a sequence's length are ignored)
//   x        = signals with each gap filled           (data/gaps.ts: a NaN within the length, linearly between the
//              read samples beside it in float64, the nearest one at either end): IsNaN, TopK over keys t or
//              T + t for the read samples' positions in order, CumSum of the read ones, GatherElements, Where;
//              a sequence with a channel of no value (the readers refuse it) gets NaN probabilities
//   x        = [(signals − μ) / s, μ, log s]           (only if the model normalizes each sequence; model/sequence-norm.ts)
//              [N][T][3D], μ and σ over each sequence's own samples, s = σ or 1 where σ = 0: Where, ReduceSum,
//              Sqrt, Log, Expand, Concat; D below is then 3D
//   x        = [x, x − previous]                      (only if the model reads differences; model/differences.ts)
//              [N][T][2D], previous = the sample before (the first for the first): Slice, Concat, Sub, Concat;
//              D below is then 2D
//   x        = (x − mean) / std                       Sub, Div        (only if the model normalizes)
//   x        = x resampled to L samples per sequence  (only if the model resamples; model/resample.ts) sample
//              j of sequence n lies at src = j·(L_n − 1)/(L − 1): two Gathers over the flattened [N·T][D], at
//              ⌊src⌋ and min(⌊src⌋ + 1, L_n − 1), mixed by src − ⌊src⌋; from here on every length is L
//   frames   = x as ⌈L_n/s⌉ frames per sequence       (only if s > 1; model/frames.ts) slot j = f·s + q of
//              sequence n reads sample j − pad_n, pad_n = ⌈L_n/s⌉·s − L_n: Gather over the flattened [N·T][D]
//              at an index the graph computes, then Where puts zeros wherever that sample lies outside
//              0 .. L_n − 1 (the front padding, and all past the length, so NaN there never reaches a value
//              used), Reshape [N][F·s][D] → [N][F][E]; steps_n = ⌈L_n/s⌉ (= lengths when s = 1)
//   Y, Y_h   = RNN(transpose(frames) [F][N][E], W [K][H][E] = W_xh (, W_xh_r), R [K][H][H] = W_hh (, W_hh_r),
//                  B [K][2H] = [b_h, 0] (, [b_h_r, 0]), sequence_lens = steps, direction "forward" or
//                  "bidirectional")                   Y [F][K][N][H], Y_h [K][N][H]: each direction's state
//                                                     after its own last step (the reverse one's after frame 0)
//   GRU cell: Y, Y_h = GRU(…, linear_before_reset = 1) instead, with ONNX's gate blocks z, r, h (ours r, z, n):
//                  W [K][3H][E], R [K][3H][H], B [K][6H] = [Wb_z, Wb_r, Wb_h, Rb_z, Rb_r, Rb_h] with Wb our b_h
//                  (its r and z rows already hold both biases) and Rb = [0, 0, b_hn]: linear_before_reset
//                  puts Rb_h inside r ⊙ (R_h h + Rb_h), as nn.GRU has b_hn
//   two layers: the first layer's RNN (or GRU) over the frames as above, its Y [F][K][N][H] as [F][N][K·H]
//              (Transpose + Reshape) is the second layer's input, whose Y and Y_h the readout reads below;
//              W [K][G·H][K·H] for the second layer (W_l0, R_l0, B_l0 the first's)
//   z        = Y_h as [N][K·H] = [z_fwd; z_rev]       (readout "last"; Squeeze, or Transpose + Reshape)
//            = Σ_{f < steps[n]} Y[f] / steps[n]       (readout "mean", as [N][K·H]; the mask f < steps[n] is
//                                                      built in the graph rather than trusting Y past a length)
//            = max_{f < steps[n]} Y[f]                (readout "max", per unit: the same mask, −∞ outside it)
//   probabilities [N][C] = softmax(z W_hyᵀ + b_y)     Gemm, Softmax (W_hy [C][K·H])
//
// metadata_props: format, classes and channels (JSON arrays), readout, normalization (JSON or null), for a
// stacked or bidirectional model stride (s) and bidirectional (true/false), for a GRU cell ("gru"), for a model
// that resamples resample (L), for one that reads first differences differences ("true"), for one that
// normalizes each sequence sequenceNorm ("true"), and for one of two layers layers ("2"). A one-directional
// stride-1 tanh model that does neither has no framing, K = 1, no direction attribute and none of these entries.

import { type Params, type Recurrence, cellOf, directionsOf, layerInputs, layersOf, layoutOf, recurrenceOf, viewsOf } from '../model/layout.js';
import { type Model, differencesOf, inputWidth, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { writeFileAtomic } from './atomic.js';
import { MODEL_FORMAT } from './formats.js';
import { bytesField, concat, intField, messageField, repeatedIntField, stringField } from './protobuf.js';
import { checkModelArgument, checkOutputPath } from '../data/arguments.js';

/** The ONNX opset the export writes. */
export const ONNX_OPSET = 17;
/** The ONNX IR version the export writes: the one that goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

// TensorProto.DataType
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const DOUBLE = 11;
// AttributeProto.AttributeType
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;
const ATTR_STRINGS = 8;

// ---- ONNX messages (field numbers from onnx.proto) ----

type Attribute = Uint8Array;

function attrInt(name: string, v: number): Attribute {
  return concat([stringField(1, name), intField(20, ATTR_INT), intField(3, v)]);
}
function attrString(name: string, v: string): Attribute {
  return concat([stringField(1, name), intField(20, ATTR_STRING), bytesField(4, new TextEncoder().encode(v))]);
}
function attrInts(name: string, vs: number[]): Attribute {
  return concat([stringField(1, name), intField(20, ATTR_INTS), repeatedIntField(8, vs)]);
}
function attrStrings(name: string, vs: string[]): Attribute {
  const enc = new TextEncoder();
  return concat([stringField(1, name), intField(20, ATTR_STRINGS), ...vs.map((s) => bytesField(9, enc.encode(s)))]);
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. An empty input or output name means "absent". */
function node(op: string, inputs: string[], outputs: string[], attributes: Attribute[] = []): Uint8Array {
  return concat([
    ...inputs.map((s) => stringField(1, s)),
    ...outputs.map((s) => stringField(2, s)),
    stringField(3, `${op}_${outputs.find((o) => o !== '')}`),
    stringField(4, op),
    ...attributes.map((a) => messageField(5, a)),
  ]);
}

/** TensorProto with raw little-endian data: dims 1, data_type 2, name 8, raw_data 9. */
function tensor(name: string, dataType: number, dims: number[], raw: Uint8Array): Uint8Array {
  return concat([repeatedIntField(1, dims), intField(2, dataType), stringField(8, name), bytesField(9, raw)]);
}
function floatTensor(name: string, dims: number[], values: ArrayLike<number>): Uint8Array {
  const raw = new Uint8Array(values.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
  return tensor(name, FLOAT, dims, raw);
}
function doubleTensor(name: string, dims: number[], values: ArrayLike<number>): Uint8Array {
  const raw = new Uint8Array(values.length * 8);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat64(i * 8, values[i], true);
  return tensor(name, DOUBLE, dims, raw);
}
function int64Tensor(name: string, dims: number[], values: number[]): Uint8Array {
  const raw = new Uint8Array(values.length * 8);
  const dv = new DataView(raw.buffer);
  values.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
  return tensor(name, INT64, dims, raw);
}

/** ValueInfoProto (name 1, type 2) of a tensor; a dimension is a size or a symbolic name. */
function valueInfo(name: string, elemType: number, dims: (number | string)[]): Uint8Array {
  // TensorShapeProto.Dimension: dim_value 1, dim_param 2; TensorShapeProto: dim 1.
  const shape = concat(dims.map((d) => messageField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d))));
  // TypeProto.Tensor: elem_type 1, shape 2; TypeProto: tensor_type 1.
  const tensorType = concat([intField(1, elemType), messageField(2, shape)]);
  return concat([stringField(1, name), messageField(2, messageField(1, tensorType))]);
}

// ---- the graph ----

/** Graph nodes and initializers, collected in the order they go into the graph. */
interface GraphParts {
  readonly nodes: Uint8Array[];
  readonly inits: Uint8Array[];
  readonly constants: Set<string>; // the shared constants already among inits
}

/** The constant `name`, added to the initializers on first use (framing and the readouts share some); its name. */
function constant(g: GraphParts, name: string, make: (name: string) => Uint8Array): string {
  if (!g.constants.has(name)) g.inits.push(make(name));
  g.constants.add(name);
  return name;
}

/** The int64 constant `name` (see constant). */
function int64Constant(g: GraphParts, name: string, dims: number[], values: number[]): string {
  return constant(g, name, () => int64Tensor(name, dims, values));
}

/** The float scalar 0, zero_f (see constant). */
function floatZero(g: GraphParts): string {
  return constant(g, 'zero_f', (name) => floatTensor(name, [], [0]));
}

/** The names of the signals' shape, T, the steps 0 … T − 1 and the mask t < length (addLengthMask). */
interface LengthMask { readonly shape: string; readonly timeCount: string; readonly t: string; readonly inside: string }

/** Adds the raw signals' shape, their T, t = 0 … T − 1 and the mask t < length [N][T][1] the gaps and the sequence norm read. */
function addLengthMask(g: GraphParts, x: string): LengthMask {
  const { nodes } = g;
  const zero = int64Constant(g, 'zero', [], [0]);
  const one = int64Constant(g, 'one', [], [1]);
  nodes.push(node('Shape', [x], ['raw_shape']));
  nodes.push(node('Gather', ['raw_shape', one], ['raw_time_count'], [attrInt('axis', 0)]));
  nodes.push(node('Range', [zero, 'raw_time_count', one], ['raw_t'])); // [T]
  nodes.push(node('Cast', ['lengths'], ['raw_lengths'], [attrInt('to', INT64)]));
  nodes.push(node('Unsqueeze', ['raw_lengths', int64Constant(g, 'axis_1', [1], [1])], ['raw_lengths_col'])); // [N][1]
  nodes.push(node('Less', ['raw_t', 'raw_lengths_col'], ['raw_in'])); // [N][T]
  nodes.push(node('Unsqueeze', ['raw_in', int64Constant(g, 'axis_2', [1], [2])], ['raw_inside'])); // [N][T][1]
  return { shape: 'raw_shape', timeCount: 'raw_time_count', t: 'raw_t', inside: 'raw_inside' };
}

/**
 * Adds the filling of gaps, as the readers fill them (data/gaps.ts): a NaN inside a sequence's length becomes
 * x_a + (x_b − x_a)(t − a)/(b − a) between the nearest read samples a < t < b of its channel (in float64, then
 * rounded to float32), x_b before the first read sample and x_a after the last; every other value, and all past
 * the length, as given. The read samples' positions in order come from TopK over keys t (read) or T + t (not), the
 * count of read samples up to t (CumSum) picks a and b among them (GatherElements). Returns the name of the result;
 * `gap_empty` [N][1] marks the sequences with a channel of no value at all, for addClassifier.
 */
function addGapFilling(g: GraphParts, x: string, mask: LengthMask): string {
  const { nodes } = g;
  const zero = int64Constant(g, 'zero', [], [0]);
  const one = int64Constant(g, 'one', [], [1]);
  const axis1 = int64Constant(g, 'axis_1', [1], [1]);
  nodes.push(node('IsNaN', [x], ['gap_nan']));
  nodes.push(node('Not', ['gap_nan'], ['gap_not_nan']));
  nodes.push(node('And', ['gap_not_nan', mask.inside], ['gap_read'])); // [N][T][D]
  nodes.push(node('Unsqueeze', [mask.t, int64Constant(g, 'axes_0_2', [2], [0, 2])], ['gap_t3'])); // [1][T][1]
  nodes.push(node('Add', ['gap_t3', mask.timeCount], ['gap_t3_after']));
  nodes.push(node('Where', ['gap_read', 'gap_t3', 'gap_t3_after'], ['gap_key']));
  nodes.push(node('Unsqueeze', [mask.timeCount, int64Constant(g, 'axes_0', [1], [0])], ['gap_k'])); // [1]
  nodes.push(node('TopK', ['gap_key', 'gap_k'], ['gap_sorted', 'gap_position'], [attrInt('axis', 1), attrInt('largest', 0), attrInt('sorted', 1)]));
  nodes.push(node('Cast', ['gap_read'], ['gap_read_1'], [attrInt('to', INT64)]));
  nodes.push(node('CumSum', ['gap_read_1', one], ['gap_count'])); // read samples at or before t
  nodes.push(node('ReduceSum', ['gap_read_1', axis1], ['gap_total'], [attrInt('keepdims', 1)])); // [N][1][D]
  nodes.push(node('Sub', ['gap_count', one], ['gap_count_before']));
  nodes.push(node('Max', ['gap_count_before', zero], ['gap_a_slot']));
  nodes.push(node('Sub', ['gap_total', one], ['gap_total_before']));
  nodes.push(node('Max', ['gap_total_before', zero], ['gap_last_slot']));
  nodes.push(node('Min', ['gap_count', 'gap_last_slot'], ['gap_b_slot']));
  nodes.push(node('GatherElements', ['gap_position', 'gap_a_slot'], ['gap_a'], [attrInt('axis', 1)]));
  nodes.push(node('GatherElements', ['gap_position', 'gap_b_slot'], ['gap_b'], [attrInt('axis', 1)]));
  nodes.push(node('GatherElements', [x, 'gap_a'], ['gap_xa'], [attrInt('axis', 1)]));
  nodes.push(node('GatherElements', [x, 'gap_b'], ['gap_xb'], [attrInt('axis', 1)]));
  for (const v of ['gap_xa', 'gap_xb', 'gap_a', 'gap_b', 'gap_t3']) nodes.push(node('Cast', [v], [`${v}_64`], [attrInt('to', DOUBLE)]));
  nodes.push(node('Sub', ['gap_xb_64', 'gap_xa_64'], ['gap_rise']));
  nodes.push(node('Sub', ['gap_t3_64', 'gap_a_64'], ['gap_run']));
  nodes.push(node('Mul', ['gap_rise', 'gap_run'], ['gap_rise_run']));
  nodes.push(node('Sub', ['gap_b_64', 'gap_a_64'], ['gap_span']));
  nodes.push(node('Div', ['gap_rise_run', 'gap_span'], ['gap_step']));
  nodes.push(node('Add', ['gap_xa_64', 'gap_step'], ['gap_line_64']));
  nodes.push(node('Cast', ['gap_line_64'], ['gap_line'], [attrInt('to', FLOAT)]));
  nodes.push(node('Equal', ['gap_count', 'gap_total'], ['gap_after_last']));
  nodes.push(node('Where', ['gap_after_last', 'gap_xa', 'gap_line'], ['gap_line_or_last']));
  nodes.push(node('Equal', ['gap_count', zero], ['gap_before_first']));
  nodes.push(node('Where', ['gap_before_first', 'gap_xb', 'gap_line_or_last'], ['gap_fill']));
  nodes.push(node('Not', [mask.inside], ['gap_past']));
  nodes.push(node('Or', ['gap_read', 'gap_past'], ['gap_as_given']));
  nodes.push(node('Where', ['gap_as_given', x, 'gap_fill'], ['gaps_filled']));
  nodes.push(node('ReduceMin', ['gap_total'], ['gap_fewest'], [attrInts('axes', [1, 2]), attrInt('keepdims', 0)])); // opset 17: axes an attribute
  nodes.push(node('Equal', ['gap_fewest', zero], ['gap_none'])); // [N]
  nodes.push(node('Unsqueeze', ['gap_none', axis1], ['gap_empty'])); // [N][1], for the probabilities
  return 'gaps_filled';
}

/**
 * Adds the differences of a model that reads them (model/differences.ts): x [N][T][D] → [N][T][2D], each sample's
 * values and then x_t − x_{t−1}, with x_{−1} = x_0 (Slice, Concat, Sub). Returns the name of the result.
 */
function addDifferences(g: GraphParts, x: string): string {
  const { nodes } = g;
  const zero = int64Constant(g, 'zero_1', [1], [0]);
  const axis1 = int64Constant(g, 'axis_1', [1], [1]);
  nodes.push(node('Slice', [x, zero, int64Constant(g, 'one_1', [1], [1]), axis1], ['df_first'])); // [N][1][D]
  nodes.push(node('Slice', [x, zero, int64Constant(g, 'minus_one_1', [1], [-1]), axis1], ['df_head'])); // [N][T−1][D]
  nodes.push(node('Concat', ['df_first', 'df_head'], ['df_previous'], [attrInt('axis', 1)]));
  nodes.push(node('Sub', [x, 'df_previous'], ['df_delta']));
  nodes.push(node('Concat', [x, 'df_delta'], ['widened'], [attrInt('axis', 2)]));
  return 'widened';
}

/**
 * Adds the sequence normalization of a model that has it (model/sequence-norm.ts): x [N][T][D] → [N][T][3D], each
 * sample's (x − μ) / s, then μ and log s, with μ and σ each sequence's mean and deviation over its own samples
 * (a mask t < length: Where, so a NaN past the length stays out of them) and s = σ, or 1 where σ is 0.
 */
function addSequenceNorm(g: GraphParts, x: string, mask: LengthMask): string {
  const { nodes } = g;
  const axis1 = int64Constant(g, 'axis_1', [1], [1]);
  const axes12 = int64Constant(g, 'axes_1_2', [2], [1, 2]);
  const zeroD = constant(g, 'zero_d', (name) => doubleTensor(name, [], [0]));
  const oneD = constant(g, 'one_d', (name) => doubleTensor(name, [], [1]));
  nodes.push(node('Cast', ['lengths'], ['sn_count'], [attrInt('to', DOUBLE)]));
  nodes.push(node('Unsqueeze', ['sn_count', axes12], ['sn_count3'])); // [N][1][1]
  // The moments in float64, as the tool computes them: in float32 a constant channel at 0.1 gets σ ≈ 7e-9
  // rather than 0, a large offset loses the spread, and squares past 1.8e19 overflow.
  nodes.push(node('Cast', [x], ['sn_x64'], [attrInt('to', DOUBLE)]));
  nodes.push(node('Where', [mask.inside, 'sn_x64', zeroD], ['sn_x_in']));
  nodes.push(node('ReduceSum', ['sn_x_in', axis1], ['sn_sum'], [attrInt('keepdims', 1)])); // [N][1][D]
  nodes.push(node('Div', ['sn_sum', 'sn_count3'], ['sn_mean']));
  nodes.push(node('Sub', ['sn_x64', 'sn_mean'], ['sn_centered']));
  nodes.push(node('Where', [mask.inside, 'sn_centered', zeroD], ['sn_centered_in']));
  nodes.push(node('Mul', ['sn_centered_in', 'sn_centered_in'], ['sn_square']));
  nodes.push(node('ReduceSum', ['sn_square', axis1], ['sn_ss'], [attrInt('keepdims', 1)]));
  nodes.push(node('Div', ['sn_ss', 'sn_count3'], ['sn_variance']));
  nodes.push(node('Sqrt', ['sn_variance'], ['sn_sd']));
  nodes.push(node('Greater', ['sn_sd', zeroD], ['sn_varies']));
  nodes.push(node('Where', ['sn_varies', 'sn_sd', oneD], ['sn_scale']));
  nodes.push(node('Div', ['sn_centered', 'sn_scale'], ['sn_z64']));
  nodes.push(node('Log', ['sn_scale'], ['sn_log_scale64']));
  nodes.push(node('Cast', ['sn_z64'], ['sn_z'], [attrInt('to', FLOAT)]));
  nodes.push(node('Cast', ['sn_mean'], ['sn_level'], [attrInt('to', FLOAT)]));
  nodes.push(node('Cast', ['sn_log_scale64'], ['sn_log_scale'], [attrInt('to', FLOAT)]));
  nodes.push(node('Expand', ['sn_level', mask.shape], ['sn_level_t']));
  nodes.push(node('Expand', ['sn_log_scale', mask.shape], ['sn_log_scale_t']));
  nodes.push(node('Concat', ['sn_z', 'sn_level_t', 'sn_log_scale_t'], ['sequence_normed'], [attrInt('axis', 2)]));
  return 'sequence_normed';
}

/** Adds the normalization nodes, with the model's float32 statistics; returns the name of the normalized input. */
function addNormalization(g: GraphParts, x: string, m: Model): string {
  if (!m.normalization) return x;
  const D = inputWidth(m);
  g.inits.push(floatTensor('norm_mean', [D], m.normalization.mean));
  g.inits.push(floatTensor('norm_std', [D], m.normalization.std));
  g.nodes.push(node('Sub', [x, 'norm_mean'], ['centered']));
  g.nodes.push(node('Div', ['centered', 'norm_std'], ['normalized']));
  return 'normalized';
}

/**
 * Adds x [N][T][D] as rows [N·T][D] and each sequence's first row there, rowStart [N][1] = n·T, for a Gather at
 * per-sequence sample indices; `p` prefixes the names, and `${p}x_shape` and `${p}time_count` (x's shape and T)
 * must be in the graph already.
 */
function addFlatRows(g: GraphParts, x: string, D: number, p: string): { rows: string; rowStart: string } {
  const zero = int64Constant(g, 'zero', [], [0]);
  const one = int64Constant(g, 'one', [], [1]);
  const axis1 = int64Constant(g, 'axis_1', [1], [1]);
  g.nodes.push(node('Gather', [`${p}x_shape`, zero], [`${p}batch_count`], [attrInt('axis', 0)]));
  g.nodes.push(node('Range', [zero, `${p}batch_count`, one], [`${p}batch_index`]));
  g.nodes.push(node('Mul', [`${p}batch_index`, `${p}time_count`], [`${p}row_start`]));
  g.nodes.push(node('Unsqueeze', [`${p}row_start`, axis1], [`${p}row_start_col`])); // [N][1]
  g.nodes.push(node('Reshape', [x, int64Constant(g, 'rows_shape', [2], [-1, D])], [`${p}x_rows`])); // [N·T][D]
  return { rows: `${p}x_rows`, rowStart: `${p}row_start_col` };
}

/**
 * Adds the resampling of a model that resamples (model/resample.ts): x [N][T][D] → [N][L][D], sample j of
 * sequence n read at src = j·(L_n − 1)/(L − 1) between its samples ⌊src⌋ and min(⌊src⌋ + 1, L_n − 1) (a Gather
 * over the flattened [N·T][D] each), and every length L (int32). Returns the names of both.
 */
function addResample(g: GraphParts, x: string, m: Model): { x: string; lengths: string } {
  const { nodes } = g;
  const L = resampleOf(m);
  const D = inputWidth(m);
  const one = int64Constant(g, 'one', [], [1]);
  const axis1 = int64Constant(g, 'axis_1', [1], [1]);
  const axis2 = int64Constant(g, 'axis_2', [1], [2]);
  // Positions in integers: j·(T − 1) = i0·(L − 1) + rem exactly, t = rem / (L − 1). In float32, j·(T − 1)/(L − 1)
  // would be off by about 6e-8·T samples, which on sequences of 10^5 samples moves the probabilities by 1e-4.
  int64Constant(g, 'rs_j', [1, L], Array.from({ length: L }, (_, j) => j));
  int64Constant(g, 'rs_span', [], [L - 1]);
  g.inits.push(floatTensor('rs_span_f', [], [L - 1]));
  g.inits.push(tensor('rs_length', INT32, [], new Uint8Array(new Int32Array([L]).buffer)));
  nodes.push(node('Cast', ['lengths'], ['rs_samples'], [attrInt('to', INT64)])); // [N]
  nodes.push(node('Sub', ['rs_samples', one], ['rs_last'])); // [N]
  nodes.push(node('Unsqueeze', ['rs_last', axis1], ['rs_last_i'])); // [N][1]
  nodes.push(node('Mul', ['rs_j', 'rs_last_i'], ['rs_scaled'])); // [N][L]: j·(T − 1)
  nodes.push(node('Div', ['rs_scaled', 'rs_span'], ['rs_i0'])); // integer division: ⌊j·(T − 1)/(L − 1)⌋
  nodes.push(node('Mul', ['rs_i0', 'rs_span'], ['rs_whole']));
  nodes.push(node('Sub', ['rs_scaled', 'rs_whole'], ['rs_rem']));
  nodes.push(node('Cast', ['rs_rem'], ['rs_rem_f'], [attrInt('to', FLOAT)]));
  nodes.push(node('Div', ['rs_rem_f', 'rs_span_f'], ['rs_t']));
  nodes.push(node('Add', ['rs_i0', one], ['rs_next']));
  nodes.push(node('Min', ['rs_next', 'rs_last_i'], ['rs_i1']));
  nodes.push(node('Shape', [x], ['rs_x_shape']));
  nodes.push(node('Gather', ['rs_x_shape', one], ['rs_time_count'], [attrInt('axis', 0)]));
  const { rows, rowStart } = addFlatRows(g, x, D, 'rs_');
  nodes.push(node('Add', ['rs_i0', rowStart], ['rs_row0']));
  nodes.push(node('Add', ['rs_i1', rowStart], ['rs_row1']));
  nodes.push(node('Gather', [rows, 'rs_row0'], ['rs_a'], [attrInt('axis', 0)])); // [N][L][D]
  nodes.push(node('Gather', [rows, 'rs_row1'], ['rs_b'], [attrInt('axis', 0)]));
  nodes.push(node('Sub', ['rs_b', 'rs_a'], ['rs_rise']));
  nodes.push(node('Unsqueeze', ['rs_t', axis2], ['rs_t3'])); // [N][L][1]
  nodes.push(node('Mul', ['rs_rise', 'rs_t3'], ['rs_step']));
  nodes.push(node('Add', ['rs_a', 'rs_step'], ['resampled']));
  nodes.push(node('Mul', ['lengths', int32Zero(g)], ['rs_zeros']));
  nodes.push(node('Add', ['rs_zeros', 'rs_length'], ['resampled_lengths'])); // [N], every one L
  return { x: 'resampled', lengths: 'resampled_lengths' };
}

/** The int32 scalar 0 (see constant). */
function int32Zero(g: GraphParts): string {
  return constant(g, 'zero_i32', (name) => tensor(name, INT32, [], new Uint8Array(4)));
}

/**
 * Adds the sample index each frame slot reads: source [N][F·s] (j − pad_n for slot j of sequence n), and
 * inside [N][F·s], whether that sample is one of the sequence's own; also each sequence's frame count (int64).
 */
function addFrameSources(g: GraphParts, x: string, lengths: string, s: number): { source: string; inside: string; frameCount: string } {
  const { nodes } = g;
  const zero = int64Constant(g, 'zero', [], [0]);
  const one = int64Constant(g, 'one', [], [1]);
  const axis1 = int64Constant(g, 'axis_1', [1], [1]);
  int64Constant(g, 'stride', [], [s]);
  int64Constant(g, 'stride_less_1', [], [s - 1]);
  nodes.push(node('Shape', [x], ['x_shape']));
  nodes.push(node('Gather', ['x_shape', one], ['time_count'], [attrInt('axis', 0)]));
  nodes.push(node('Cast', [lengths], ['samples'], [attrInt('to', INT64)])); // [N]
  // ⌈a/s⌉ = (a + s − 1) / s in integer division, for each length and for the padded time axis.
  nodes.push(node('Add', ['samples', 'stride_less_1'], ['samples_up']));
  nodes.push(node('Div', ['samples_up', 'stride'], ['frame_count'])); // [N]
  nodes.push(node('Mul', ['frame_count', 'stride'], ['framed_samples']));
  nodes.push(node('Sub', ['framed_samples', 'samples'], ['pad'])); // [N]
  nodes.push(node('Add', ['time_count', 'stride_less_1'], ['time_up']));
  nodes.push(node('Div', ['time_up', 'stride'], ['frame_max']));
  nodes.push(node('Mul', ['frame_max', 'stride'], ['slot_count']));
  nodes.push(node('Range', [zero, 'slot_count', one], ['slots'])); // [F·s]
  nodes.push(node('Unsqueeze', ['pad', axis1], ['pad_col'])); // [N][1]
  nodes.push(node('Sub', ['slots', 'pad_col'], ['source'])); // [N][F·s]
  nodes.push(node('Unsqueeze', ['samples', axis1], ['samples_col']));
  nodes.push(node('GreaterOrEqual', ['source', zero], ['after_start']));
  nodes.push(node('Less', ['source', 'samples_col'], ['before_end']));
  nodes.push(node('And', ['after_start', 'before_end'], ['inside']));
  return { source: 'source', inside: 'inside', frameCount: 'frame_count' };
}

/**
 * Adds the framing of a stacked model (s > 1): x [N][T][D] → frames [N][F][s·D], each sequence front-padded by
 * its own pad_n, and steps = ⌈lengths/s⌉ (int32, for sequence_lens). Returns the names of both.
 */
function addFrames(g: GraphParts, x: string, lengths: string, m: Model): { x: string; steps: string } {
  const { nodes } = g;
  const s = strideOf(m);
  const D = inputWidth(m);
  const { source, inside, frameCount } = addFrameSources(g, x, lengths, s);
  const zero = int64Constant(g, 'zero', [], [0]);
  const axis2 = int64Constant(g, 'axis_2', [1], [2]);
  // Outside a sequence the index becomes its sample 0 (always there) and the value a zero below: the gather
  // never reads past the input, and Where (not Mul: NaN · 0 is NaN) keeps the padding out.
  nodes.push(node('Where', [inside, source, zero], ['source_inside']));
  const { rows, rowStart } = addFlatRows(g, x, D, '');
  nodes.push(node('Add', ['source_inside', rowStart], ['row'])); // [N][F·s] into [N·T]
  nodes.push(node('Gather', [rows, 'row'], ['slot_values'], [attrInt('axis', 0)])); // [N][F·s][D]
  nodes.push(node('Unsqueeze', [inside, axis2], ['inside_3']));
  nodes.push(node('Where', ['inside_3', 'slot_values', floatZero(g)], ['slot_values_inside']));
  nodes.push(node('Reshape', ['slot_values_inside', int64Constant(g, 'frames_shape', [3], [0, -1, s * D])], ['frames']));
  nodes.push(node('Cast', [frameCount], ['frame_lengths'], [attrInt('to', INT32)]));
  return { x: 'frames', steps: 'frame_lengths' };
}

/** The K directions' matrices one after the other: [K][rows][cols] from direction 0's and direction 1's. */
function byDirection(m: Model, forward: Float32Array, reverse: Float32Array): Float32Array {
  return directionsOf(m.shape) === 2 ? Float32Array.from([...forward, ...reverse]) : forward;
}

/** The biases [K][2H]: each direction's [Wb = b_h, Rb = 0]. */
function biases(m: Model, fwd: Recurrence<Float32Array>, rev: Recurrence<Float32Array>): Float32Array {
  const { H } = m.shape;
  const B = new Float32Array(directionsOf(m.shape) * 2 * H);
  B.set(fwd.b_h);
  B.set(rev.b_h, 2 * H);
  return B;
}

/** Rows [3H][cols] in our gate order r, z, n as ONNX's z, r, h: the z block, the r block, the n block. */
function onnxGateOrder(a: Float32Array, H: number, cols: number): Float32Array {
  if (a.length === 0) return a; // a one-directional model's reverse parameters
  const block = H * cols;
  const out = new Float32Array(a.length);
  out.set(a.subarray(block, 2 * block), 0);
  out.set(a.subarray(0, block), block);
  out.set(a.subarray(2 * block, 3 * block), 2 * block);
  return out;
}

/** The GRU's biases [K][6H]: each direction's [Wb = b_h, Rb = [0, 0, b_hn]], gate blocks in ONNX's order z, r, h. */
function gruBiases(m: Model, fwd: Recurrence<Float32Array>, rev: Recurrence<Float32Array>): Float32Array {
  const { H } = m.shape;
  const K = directionsOf(m.shape);
  const B = new Float32Array(K * 6 * H);
  for (let d = 0; d < K; d++) {
    const { b_h, b_hn } = d === 0 ? fwd : rev;
    B.set(onnxGateOrder(b_h, H, 1), d * 6 * H);
    B.set(b_hn, d * 6 * H + 5 * H); // Rb_z = Rb_r = 0: b_h's z and r rows hold both biases
  }
  return B;
}

/** The recurrence's operator: 'RNN' (Tanh) or 'GRU'. */
function recurrenceOp(m: Model): 'RNN' | 'GRU' {
  return cellOf(m.shape) === 'gru' ? 'GRU' : 'RNN';
}

/**
 * Adds the transpose to time-major input 'x_tnd' and the recurrence's weights W, R and B; for two layers, the
 * first layer's recurrence before, whose states become 'x_tnd'. Returns the recurrence's attributes.
 */
function addRecurrenceInputs(g: GraphParts, x: string, m: Model, P: Params<Float32Array>, steps: string): Attribute[] {
  const K = directionsOf(m.shape);
  const two = layersOf(m.shape) === 2;
  // The recurrence, on time-major input: layout 0, the operator's default and its oldest form (opset 7),
  // rather than the batch-major layout 1 added in opset 14, which not every runtime implements.
  g.nodes.push(node('Transpose', [x], [two ? 'x_tnd_l0' : 'x_tnd'], [attrInts('perm', [1, 0, 2])]));
  const attrs = addRecurrenceWeights(g, m, P, layersOf(m.shape) - 1, '');
  if (two) {
    addRecurrenceWeights(g, m, P, 0, '_l0');
    g.nodes.push(node(recurrenceOp(m), ['x_tnd_l0', 'W_l0', 'R_l0', 'B_l0', steps], ['Y_l0'], attrs));
    if (K === 1) g.nodes.push(node('Squeeze', ['Y_l0', int64Constant(g, 'axis_1', [1], [1])], ['x_tnd']));
    else addMergeDirections(g, 'Y_l0', 'x_tnd', [0, 2, 1, 3], [0, 0, -1]);
  }
  return attrs;
}

/** Adds layer `layer`'s weights as W, R and B (each name + suffix); returns the recurrence's attributes. */
function addRecurrenceWeights(g: GraphParts, m: Model, P: Params<Float32Array>, layer: number, suffix: string): Attribute[] {
  const { H } = m.shape;
  const D = layerInputs(m.shape, layer);
  const K = directionsOf(m.shape);
  const [fwd, rev] = [recurrenceOf(P, 0, layer), recurrenceOf(P, 1, layer)];
  let attrs: Attribute[];
  if (recurrenceOp(m) === 'GRU') {
    const gates = (a: Float32Array, cols: number) => onnxGateOrder(a, H, cols);
    g.inits.push(floatTensor(`W${suffix}`, [K, 3 * H, D], byDirection(m, gates(fwd.W_xh, D), gates(rev.W_xh, D))));
    g.inits.push(floatTensor(`R${suffix}`, [K, 3 * H, H], byDirection(m, gates(fwd.W_hh, H), gates(rev.W_hh, H))));
    g.inits.push(floatTensor(`B${suffix}`, [K, 6 * H], gruBiases(m, fwd, rev)));
    // linear_before_reset = 1: r multiplies (R_h h + Rb_h), nn.GRU's form (the default 0 applies r to h first).
    attrs = [
      attrInt('hidden_size', H), attrInt('linear_before_reset', 1),
      attrStrings('activations', Array(K).fill(['Sigmoid', 'Tanh']).flat()),
    ];
  } else {
    g.inits.push(floatTensor(`W${suffix}`, [K, H, D], byDirection(m, fwd.W_xh, rev.W_xh)));
    g.inits.push(floatTensor(`R${suffix}`, [K, H, H], byDirection(m, fwd.W_hh, rev.W_hh)));
    g.inits.push(floatTensor(`B${suffix}`, [K, 2 * H], biases(m, fwd, rev)));
    attrs = [attrInt('hidden_size', H), attrStrings('activations', Array(K).fill('Tanh'))];
  }
  // "forward" is the attribute's default: written only when bidirectional.
  return K === 2 ? [...attrs, attrString('direction', 'bidirectional')] : attrs;
}

/** Adds `out` = `y` [K][…][N][H] with the direction axis moved next to H and merged into it: [… N][K·H]. */
function addMergeDirections(g: GraphParts, y: string, out: string, perm: number[], shape: number[]): void {
  g.nodes.push(node('Transpose', [y], [`${y}_directions_inner`], [attrInts('perm', perm)]));
  g.nodes.push(node('Reshape', [`${y}_directions_inner`, int64Constant(g, `${out}_shape`, [shape.length], shape)], [out]));
}

/** Adds the recurrence `op` with readout "last": z = Y_h as [N][K·H]. `steps` (int32 [N]) is each sequence's step count. */
function addLastReadout(g: GraphParts, op: string, rnnAttrs: Attribute[], steps: string, K: number): void {
  // Y_h holds each direction's state after its own last step of each sequence (sequence_lens).
  g.nodes.push(node(op, ['x_tnd', 'W', 'R', 'B', steps], ['', 'Y_h'], rnnAttrs));
  if (K === 1) g.nodes.push(node('Squeeze', ['Y_h', int64Constant(g, 'axis_0', [1], [0])], ['z']));
  else addMergeDirections(g, 'Y_h', 'z', [1, 0, 2], [0, -1]);
}

/**
 * Adds the recurrence `op` with readout "mean" or "max": z = the mean, or each unit's maximum, of the states over each
 * sequence's own `steps` (int32 [N]).
 */
function addPooledReadout(g: GraphParts, op: string, rnnAttrs: Attribute[], steps: string, K: number, readout: 'mean' | 'max'): void {
  const { nodes } = g;
  nodes.push(node(op, ['x_tnd', 'W', 'R', 'B', steps], ['Y'], rnnAttrs));
  // states [F][N][K·H]
  if (K === 1) nodes.push(node('Squeeze', ['Y', 'axis_1'], ['states']));
  else addMergeDirections(g, 'Y', 'states', [0, 2, 1, 3], [0, 0, -1]);
  // valid[t][n] = t < steps[n]: the spec leaves Y past a sequence's length to the runtime.
  const zero = int64Constant(g, 'zero', [], [0]);
  const one = int64Constant(g, 'one', [], [1]);
  const axis1 = int64Constant(g, 'axis_1', [1], [1]);
  const axis2 = int64Constant(g, 'axis_2', [1], [2]);
  nodes.push(node('Shape', ['x_tnd'], ['shape_tnd']));
  nodes.push(node('Gather', ['shape_tnd', zero], ['steps_count'], [attrInt('axis', 0)]));
  nodes.push(node('Range', [zero, 'steps_count', one], ['steps'])); // [F] int64
  nodes.push(node('Unsqueeze', ['steps', axis1], ['steps_col'])); // [F][1]
  nodes.push(node('Cast', [steps], ['lengths_i64'], [attrInt('to', INT64)]));
  nodes.push(node('Less', ['steps_col', 'lengths_i64'], ['valid'])); // [F][N] bool
  nodes.push(node('Unsqueeze', ['valid', axis2], ['valid_tn1'])); // [F][N][1]
  if (readout === 'max') {
    const minusInf = constant(g, 'minus_inf_f', (name) => floatTensor(name, [], [-Infinity]));
    nodes.push(node('Where', ['valid_tn1', 'states', minusInf], ['masked']));
    nodes.push(node('ReduceMax', ['masked'], ['z'], [attrInts('axes', [0]), attrInt('keepdims', 0)])); // opset 17: axes an attribute
    return;
  }
  nodes.push(node('Where', ['valid_tn1', 'states', floatZero(g)], ['masked'])); // Where, not Mul: NaN · 0 is NaN
  nodes.push(node('ReduceSum', ['masked', int64Constant(g, 'axis_0', [1], [0])], ['state_sum'], [attrInt('keepdims', 0)])); // [N][K·H]
  nodes.push(node('Cast', [steps], ['lengths_f'], [attrInt('to', FLOAT)]));
  nodes.push(node('Unsqueeze', ['lengths_f', axis1], ['lengths_col'])); // [N][1]
  nodes.push(node('Div', ['state_sum', 'lengths_col'], ['z']));
}

/** Adds the readout layer and softmax: probabilities from z. */
function addClassifier(g: GraphParts, m: Model, P: Params<Float32Array>): void {
  const { H, C } = m.shape;
  g.inits.push(floatTensor('W_hy', [C, directionsOf(m.shape) * H], P.W_hy));
  g.inits.push(floatTensor('b_y', [C], P.b_y));
  g.nodes.push(node('Gemm', ['z', 'W_hy', 'b_y'], ['logits'], [attrInt('transB', 1)]));
  g.nodes.push(node('Softmax', ['logits'], ['softmax'], [attrInt('axis', -1)]));
  // A sequence with a channel of no value at all (refused by the readers) is NaN, whatever the cell makes of it.
  g.nodes.push(node('Where', ['gap_empty', constant(g, 'nan_f', (name) => floatTensor(name, [], [NaN])), 'softmax'], ['probabilities']));
}

/** GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12. */
function graphProto(g: GraphParts, m: Model): Uint8Array {
  const { H, C } = m.shape;
  const D = m.channels.length;
  const kind = (layersOf(m.shape) === 2 ? ', two layers' : '') + (directionsOf(m.shape) === 2 ? ', bidirectional' : '') + (strideOf(m) > 1 ? `, frames of ${strideOf(m)} samples` : '');
  const cell = cellOf(m.shape) === 'gru' ? 'GRU' : 'Elman RNN';
  return concat([
    ...g.nodes.map((n) => messageField(1, n)),
    stringField(2, 'train_signals_rnn'),
    ...g.inits.map((t) => messageField(5, t)),
    stringField(10, `${cell} (H=${H}${kind}, readout ${m.readout}) over ${D} channel(s), ${C} classes. ` +
      'signals [batch][time][channels] float32, lengths [batch] int32 (1..time); probabilities [batch][classes].'),
    messageField(11, valueInfo('signals', FLOAT, ['batch', 'time', D])),
    messageField(11, valueInfo('lengths', INT32, ['batch'])),
    messageField(12, valueInfo('probabilities', FLOAT, ['batch', C])),
  ]);
}

/**
 * The metadata_props: what a server needs besides the graph to read its output; stride and bidirectional only
 * for a model that has either (absent: 1 and false), cell only for a GRU (absent: the tanh RNN), so other files'
 * metadata stay as they were.
 */
function metadataOf(m: Model): Record<string, string> {
  const plain = strideOf(m) === 1 && directionsOf(m.shape) === 1;
  return {
    format: MODEL_FORMAT,
    classes: JSON.stringify(m.classes),
    channels: JSON.stringify(m.channels),
    readout: m.readout,
    normalization: JSON.stringify(m.normalization),
    ...(plain ? {} : { stride: String(strideOf(m)), bidirectional: String(directionsOf(m.shape) === 2) }),
    ...(cellOf(m.shape) === 'gru' ? { cell: 'gru' } : {}),
    ...(resampleOf(m) > 0 ? { resample: String(resampleOf(m)) } : {}),
    ...(sequenceNormOf(m) ? { sequenceNorm: 'true' } : {}),
    ...(differencesOf(m) ? { differences: 'true' } : {}),
    ...(layersOf(m.shape) === 2 ? { layers: '2' } : {}),
  };
}

/**
 * ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8, metadata_props 14.
 * OperatorSetIdProto: domain 1, version 2. StringStringEntryProto: key 1, value 2.
 */
function modelProto(graph: Uint8Array, metadata: Record<string, string>): Uint8Array {
  return concat([
    intField(1, ONNX_IR_VERSION),
    stringField(2, 'train-signals'),
    messageField(7, graph),
    messageField(8, concat([stringField(1, ''), intField(2, ONNX_OPSET)])),
    ...Object.entries(metadata).map(([k, v]) => messageField(14, concat([stringField(1, k), stringField(2, v)]))),
  ]);
}

/** The model as an ONNX file (ModelProto bytes). */
export function exportOnnx(m: Model): Uint8Array {
  checkModelArgument(m, 'model');
  const P = viewsOf(m.parameters, m.shape);
  if (m.parameters.length !== layoutOf(m.shape).size) throw new Error('bug: parameter buffer does not match the shape');
  if (m.shape.D !== inputWidth(m) * strideOf(m)) throw new Error('bug: input size is not the input width × stride');
  const g: GraphParts = { nodes: [], inits: [], constants: new Set() };
  const mask = addLengthMask(g, 'signals');
  const filled = addGapFilling(g, 'signals', mask);
  const scaled = sequenceNormOf(m) ? addSequenceNorm(g, filled, mask) : filled;
  const normalized = addNormalization(g, differencesOf(m) ? addDifferences(g, scaled) : scaled, m);
  const input = resampleOf(m) > 0 ? addResample(g, normalized, m) : { x: normalized, lengths: 'lengths' };
  const { x, steps } = strideOf(m) > 1 ? addFrames(g, input.x, input.lengths, m) : { x: input.x, steps: input.lengths };
  const rnnAttrs = addRecurrenceInputs(g, x, m, P, steps);
  const K = directionsOf(m.shape);
  if (m.readout === 'last') addLastReadout(g, recurrenceOp(m), rnnAttrs, steps, K);
  else addPooledReadout(g, recurrenceOp(m), rnnAttrs, steps, K, m.readout);
  addClassifier(g, m, P);
  return modelProto(graphProto(g, m), metadataOf(m));
}

/** Writes the model as an ONNX file (exportOnnx's bytes), atomically. */
export function saveOnnx(path: string, m: Model): void {
  checkOutputPath(path, 'path');
  writeFileAtomic(path, exportOnnx(m));
}
