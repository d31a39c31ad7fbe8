import { onnx } from 'onnx-proto';
import { LinkerError } from '../../errors';

/**
 * Dynamic int8 quantisation of an ONNX graph's weight MatMuls, the pattern onnxruntime's `quantize_dynamic`
 * emits, so onnxruntime's CPU provider fuses it into one DynamicQuantizeMatMul (u8 x s8, VNNI where the CPU has it):
 *
 *   DynamicQuantizeLinear(A) -> (A_q uint8, a_scale, a_zero)
 *   MatMulInteger(A_q, W_q int8, a_zero) -> int32
 *   Cast(float) ; Mul(a_scale, w_scale[col]) ; Mul(cast, scale)
 *
 * Each MatMul whose second input is a 2-D float initializer [K, N] is rewritten; its weight is quantised per
 * output column, symmetric (zero point 0, range -127..127, scale = max|W[:, col]| / 127, rounding half to even).
 * Every MatMul gets its own DynamicQuantizeLinear: onnxruntime fuses one only when its outputs feed one
 * MatMulInteger. Products of two activations (attention scores) stay fp32. The output is a pure function of the
 * input bytes (names derive from the node names, nothing depends on time or hashing order). Bump
 * INT8_QUANTIZER_VERSION in useLiteModel.ts when the output changes.
 */

/** DynamicQuantizeLinear (opset 11) and MatMulInteger (opset 10) need at least this default-domain opset. */
const MIN_OPSET = 11;

const T = onnx.TensorProto.DataType;

export interface ColumnQuantizedWeights {
  /** [rows, cols] row-major, as the float matrix. */
  readonly values: Int8Array;
  /** One scale per column. */
  readonly scales: Float32Array;
}

/** Rounds to the nearest integer, ties to even (as numpy.rint, which onnxruntime's quantiser uses). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Symmetric per-column int8 quantisation of a [rows, cols] row-major float matrix. */
export function quantizeColumnsSymmetric(weights: Float32Array, rows: number, cols: number): ColumnQuantizedWeights {
  if (weights.length !== rows * cols) {
    throw new LinkerError('internal', `A ${rows}x${cols} weight matrix needs ${rows * cols} values, got ${weights.length}.`);
  }
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(weights[row + c]);
      if (a > maxAbs[c]) maxAbs[c] = a;
    }
  }
  // A column of zeros gets scale 1 (its values quantise to 0 either way) so nothing divides by zero.
  const scales = maxAbs.map((m) => (m > 0 ? Math.fround(m / 127) : 1));
  const values = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      values[row + c] = Math.max(-127, Math.min(127, roundHalfEven(weights[row + c] / scales[c])));
    }
  }
  return { values, scales };
}

export interface Int8Quantization {
  readonly onnx: Uint8Array;
  /** How many MatMuls were rewritten. */
  readonly quantized: number;
  /** Weight MatMuls left in fp32 (their second input is not a 2-D float initializer). */
  readonly keptFloat: number;
}

function floatData(tensor: onnx.ITensorProto): Float32Array {
  if (tensor.rawData !== undefined && tensor.rawData !== null && tensor.rawData.length > 0) {
    // Copied: the protobuf slice may not be 4-byte aligned.
    const bytes = Uint8Array.from(tensor.rawData);
    return new Float32Array(bytes.buffer, 0, bytes.length / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

function dimsOf(tensor: onnx.ITensorProto): number[] {
  return (tensor.dims ?? []).map((d) => Number(d));
}

/** Rewrites the weight MatMuls of an ONNX model (bytes) into the dynamic int8 pattern; see the file comment. */
export function quantizeMatMulsInt8(modelBytes: Uint8Array): Int8Quantization {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (graph === null || graph === undefined) {
    throw new LinkerError('modelLoad', 'The ONNX model has no graph to quantise.');
  }
  const opset = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '');
  if (opset === undefined || Number(opset.version) < MIN_OPSET) {
    throw new LinkerError('modelLoad', `Int8 quantisation needs default-domain opset >= ${MIN_OPSET} (the model has ${opset === undefined ? 'none' : Number(opset.version)}).`);
  }
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name as string, t]));
  const uses = new Map<string, number>();
  for (const node of graph.node ?? []) {
    for (const input of node.input ?? []) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  const isWeight = (name: string): boolean => {
    const t = initializers.get(name);
    return t !== undefined && t.dataType === T.FLOAT && dimsOf(t).length === 2;
  };

  const nodes: onnx.INodeProto[] = [];
  const added: onnx.ITensorProto[] = [];
  const replaced = new Set<string>();
  let quantized = 0;
  let keptFloat = 0;
  for (const node of graph.node ?? []) {
    const weightName = node.input?.[1];
    if (node.opType !== 'MatMul' || weightName === undefined) {
      nodes.push(node);
      continue;
    }
    if (!isWeight(weightName)) {
      if (initializers.has(weightName)) keptFloat++;
      nodes.push(node);
      continue;
    }
    const weight = initializers.get(weightName) as onnx.ITensorProto;
    const [rows, cols] = dimsOf(weight);
    const q = quantizeColumnsSymmetric(floatData(weight), rows, cols);
    const base = node.name !== undefined && node.name !== null && node.name !== '' ? node.name : `matmul_${quantized}`;
    const n = (suffix: string): string => `${base}/int8/${suffix}`;
    added.push(
      onnx.TensorProto.create({ name: n('w_q'), dims: [rows, cols], dataType: T.INT8, rawData: new Uint8Array(q.values.buffer) }),
      onnx.TensorProto.create({ name: n('w_scale'), dims: [cols], dataType: T.FLOAT, rawData: new Uint8Array(q.scales.buffer) }),
    );
    const a = (node.input as string[])[0];
    const output = (node.output as string[])[0];
    nodes.push(
      onnx.NodeProto.create({ opType: 'DynamicQuantizeLinear', name: n('quantize'), input: [a], output: [n('a_q'), n('a_scale'), n('a_zero')] }),
      onnx.NodeProto.create({ opType: 'MatMulInteger', name: n('matmul'), input: [n('a_q'), n('w_q'), n('a_zero')], output: [n('product')] }),
      onnx.NodeProto.create({ opType: 'Cast', name: n('cast'), input: [n('product')], output: [n('product_f')], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.FLOAT }] }),
      // Scale first, as onnxruntime's MatMulIntegerToFloat fusion reads (a_scale, b_scale) off this Mul.
      onnx.NodeProto.create({ opType: 'Mul', name: n('scale'), input: [n('a_scale'), n('w_scale')], output: [n('scale')] }),
      onnx.NodeProto.create({ opType: 'Mul', name: n('rescale'), input: [n('product_f'), n('scale')], output: [output] }),
    );
    uses.set(weightName, (uses.get(weightName) ?? 1) - 1);
    if (uses.get(weightName) === 0) replaced.add(weightName);
    quantized++;
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !replaced.has(t.name as string)), ...added];
  return { onnx: onnx.ModelProto.encode(model).finish(), quantized, keptFloat };
}
