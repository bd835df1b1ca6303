// ONNX export: a trained model as a standard ONNX graph that any onnxruntime (Python, C++, C#, Java, Node, web)
// can serve. The recurrence is the ONNX `RNN` operator (Tanh), so runtimes use their fused kernels; everything
// else is plain opset-17 operators. Owns the graph and its encoding (via protobuf.ts); deliberately no decoder
// and no runtime: the tests check the file with onnxruntime-node.
//
// Legend: N batch, T steps (the longest in the batch), D channels, H hidden units, C classes.
//
//   signals [N][T][D] float32, lengths [N] int32 (each in 1..T; steps past a sequence's length are ignored)
//   x        = (signals − mean) / std                 Sub, Div        (only if the model normalizes)
//   Y, Y_h   = RNN(transpose(x) [T][N][D], W [1][H][D] = W_xh, R [1][H][H] = W_hh, B [1][2H] = [b_h, 0],
//                  sequence_lens = lengths)           Y [T][1][N][H], Y_h [1][N][H] = h at each own last step
//   z        = Y_h[0]                                 (readout "last")
//            = Σ_{t < lengths[n]} Y[t][0][n] / lengths (readout "mean"; the mask t < lengths[n] is built in the
//                                                      graph rather than trusting Y to be zero past a length)
//   probabilities [N][C] = softmax(z W_hyᵀ + b_y)     Gemm, Softmax
//
// metadata_props: format, classes and channels (JSON arrays), readout, normalization (JSON or null).

import { type Params, layoutOf, viewsOf } from '../model/layout.js';
import type { Model } from '../model/model.js';
import { writeFileAtomic } from './atomic.js';
import { bytesField, concat, intField, messageField, repeatedIntField, stringField } from './protobuf.js';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8; // the IR version that goes with opset 17 (ONNX 1.12)

// TensorProto.DataType
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
// AttributeProto.AttributeType
const ATTR_INT = 2;
const ATTR_INTS = 7;
const ATTR_STRINGS = 8;

// ---- ONNX messages (field numbers from onnx.proto) ----

type Attribute = Uint8Array;

function attrInt(name: string, v: number): Attribute {
  return concat([stringField(1, name), intField(20, ATTR_INT), intField(3, v)]);
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
}

/** Adds the normalization nodes, with the model's float32 statistics; returns the name of the normalized input. */
function addNormalization(g: GraphParts, m: Model): string {
  if (!m.normalization) return 'signals';
  const { D } = m.shape;
  g.inits.push(floatTensor('norm_mean', [D], m.normalization.mean));
  g.inits.push(floatTensor('norm_std', [D], m.normalization.std));
  g.nodes.push(node('Sub', ['signals', 'norm_mean'], ['centered']));
  g.nodes.push(node('Div', ['centered', 'norm_std'], ['normalized']));
  return 'normalized';
}

/** Adds the transpose to time-major input and the RNN's weights W, R and B; returns the RNN's attributes. */
function addRecurrenceInputs(g: GraphParts, x: string, m: Model, P: Params<Float32Array>): Attribute[] {
  const { D, H } = m.shape;
  // The recurrence, on time-major input: layout 0, the operator's default and its oldest form (opset 7),
  // rather than the batch-major layout 1 added in opset 14, which not every runtime implements.
  g.nodes.push(node('Transpose', [x], ['x_tnd'], [attrInts('perm', [1, 0, 2])]));
  g.inits.push(floatTensor('W', [1, H, D], P.W_xh));
  g.inits.push(floatTensor('R', [1, H, H], P.W_hh));
  const B = new Float32Array(2 * H); // [Wb = b_h, Rb = 0]
  B.set(P.b_h);
  g.inits.push(floatTensor('B', [1, 2 * H], B));
  return [attrInt('hidden_size', H), attrStrings('activations', ['Tanh'])];
}

/** Adds the RNN with readout "last": z = Y_h[0]. */
function addLastReadout(g: GraphParts, rnnAttrs: Attribute[]): void {
  // Y_h holds each sequence's state at its own last step (sequence_lens).
  g.nodes.push(node('RNN', ['x_tnd', 'W', 'R', 'B', 'lengths'], ['', 'Y_h'], rnnAttrs));
  g.nodes.push(node('Squeeze', ['Y_h', 'axis_0'], ['z']));
}

/** Adds the RNN with readout "mean": z = the mean of the states over each sequence's own steps. */
function addMeanReadout(g: GraphParts, rnnAttrs: Attribute[]): void {
  const { nodes, inits } = g;
  nodes.push(node('RNN', ['x_tnd', 'W', 'R', 'B', 'lengths'], ['Y'], rnnAttrs));
  nodes.push(node('Squeeze', ['Y', 'axis_1'], ['states'])); // [T][N][H]
  // valid[t][n] = t < lengths[n]: the spec leaves Y past a sequence's length to the runtime.
  inits.push(int64Tensor('zero', [], [0]));
  inits.push(int64Tensor('one', [], [1]));
  inits.push(int64Tensor('axis_1', [1], [1]));
  inits.push(int64Tensor('axis_2', [1], [2]));
  inits.push(floatTensor('zero_f', [], [0]));
  nodes.push(node('Shape', ['x_tnd'], ['shape_tnd']));
  nodes.push(node('Gather', ['shape_tnd', 'zero'], ['steps_count'], [attrInt('axis', 0)]));
  nodes.push(node('Range', ['zero', 'steps_count', 'one'], ['steps'])); // [T] int64
  nodes.push(node('Unsqueeze', ['steps', 'axis_1'], ['steps_col'])); // [T][1]
  nodes.push(node('Cast', ['lengths'], ['lengths_i64'], [attrInt('to', INT64)]));
  nodes.push(node('Less', ['steps_col', 'lengths_i64'], ['valid'])); // [T][N] bool
  nodes.push(node('Unsqueeze', ['valid', 'axis_2'], ['valid_tn1'])); // [T][N][1]
  nodes.push(node('Where', ['valid_tn1', 'states', 'zero_f'], ['masked'])); // Where, not Mul: NaN · 0 is NaN
  nodes.push(node('ReduceSum', ['masked', 'axis_0'], ['state_sum'], [attrInt('keepdims', 0)])); // [N][H]
  nodes.push(node('Cast', ['lengths'], ['lengths_f'], [attrInt('to', FLOAT)]));
  nodes.push(node('Unsqueeze', ['lengths_f', 'axis_1'], ['lengths_col'])); // [N][1]
  nodes.push(node('Div', ['state_sum', 'lengths_col'], ['z']));
}

/** Adds the readout layer and softmax: probabilities from z. */
function addClassifier(g: GraphParts, m: Model, P: Params<Float32Array>): void {
  const { H, C } = m.shape;
  g.inits.push(floatTensor('W_hy', [C, H], P.W_hy));
  g.inits.push(floatTensor('b_y', [C], P.b_y));
  g.nodes.push(node('Gemm', ['z', 'W_hy', 'b_y'], ['logits'], [attrInt('transB', 1)]));
  g.nodes.push(node('Softmax', ['logits'], ['probabilities'], [attrInt('axis', -1)]));
}

/** GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12. */
function graphProto(g: GraphParts, m: Model): Uint8Array {
  const { D, H, C } = m.shape;
  return concat([
    ...g.nodes.map((n) => messageField(1, n)),
    stringField(2, 'train_signals_rnn'),
    ...g.inits.map((t) => messageField(5, t)),
    stringField(10, `Elman RNN (H=${H}, readout ${m.readout}) over ${D} channel(s), ${C} classes. ` +
      'signals [batch][time][channels] float32, lengths [batch] int32 (1..time); probabilities [batch][classes].'),
    messageField(11, valueInfo('signals', FLOAT, ['batch', 'time', D])),
    messageField(11, valueInfo('lengths', INT32, ['batch'])),
    messageField(12, valueInfo('probabilities', FLOAT, ['batch', C])),
  ]);
}

/** The metadata_props: what a server needs besides the graph to read its output. */
function metadataOf(m: Model): Record<string, string> {
  return {
    format: 'train-signals/rnn',
    classes: JSON.stringify(m.classes),
    channels: JSON.stringify(m.channels),
    readout: m.readout,
    normalization: JSON.stringify(m.normalization),
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
  const P = viewsOf(m.parameters, m.shape);
  if (m.parameters.length !== layoutOf(m.shape).size) throw new Error('bug: parameter buffer does not match the shape');
  const g: GraphParts = { nodes: [], inits: [] };
  const x = addNormalization(g, m);
  const rnnAttrs = addRecurrenceInputs(g, x, m, P);
  g.inits.push(int64Tensor('axis_0', [1], [0])); // used by both readouts
  if (m.readout === 'last') addLastReadout(g, rnnAttrs);
  else addMeanReadout(g, rnnAttrs);
  addClassifier(g, m, P);
  return modelProto(graphProto(g, m), metadataOf(m));
}

export function saveOnnx(path: string, m: Model): void {
  writeFileAtomic(path, exportOnnx(m));
}
