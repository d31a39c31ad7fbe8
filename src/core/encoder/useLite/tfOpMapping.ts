import { onnx } from 'onnx-proto';
import { LinkerError } from '../../errors';
import { ONNX_TYPE, SLICE_TO_END, type OnnxGraphBuilder } from './onnxGraphBuilder';
import { TF_DTYPE, type TfNode } from './tfjsGraphModel';

/**
 * TensorFlow op -> ONNX (default domain, opset 13) mapping, one small function per TF op.
 *
 * Type policy: every TF int32 becomes ONNX int64. TF graphs compute shapes in int32 while ONNX shape ops
 * produce int64 and index inputs (Gather, ScatterND, Slice, Reshape) take int64, so widening once removes every
 * cast the mix would otherwise need. Ops whose operands TF requires to be constants (axes, permutations) are
 * read at conversion time and written as attributes.
 */
export interface OpContext {
  readonly b: OnnxGraphBuilder;
  readonly node: TfNode;
  /** Number of data inputs (control inputs `^x` excluded). */
  readonly inputCount: number;
  /** ONNX value name of data input `i`. */
  input(i: number): string;
  /** Value of data input `i` known at conversion time (a Const); throws if it is computed. */
  constInput(i: number): number[];
  /** ONNX value name for TF output `k` of this node. */
  output(k?: number): string;
  /** Shape and data of a Const data input `i`; throws if it is computed. */
  constTensor(i: number): { readonly shape: readonly number[]; readonly data: ArrayLike<number> };
  /** Rank of data input `i` where the graph fixes it. */
  rankOf(i: number): number;
}

export type OpConverter = (c: OpContext) => void;

function attr(c: OpContext, name: string): NonNullable<TfNode['attr']>[string] | undefined {
  return c.node.attr?.[name];
}
function attrInt(c: OpContext, name: string, fallback = 0): number {
  const v = attr(c, name)?.i;
  return v === undefined ? fallback : Number(v);
}
function attrBool(c: OpContext, name: string): boolean {
  return attr(c, name)?.b === true;
}
function attrInts(c: OpContext, name: string): number[] {
  return (attr(c, name)?.list?.i ?? []).map(Number);
}
function attrString(c: OpContext, name: string): string | undefined {
  const s = attr(c, name)?.s;
  if (s === undefined) {
    return undefined;
  }
  return typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : String.fromCharCode(...s);
}

export function unsupported(c: OpContext, why: string): never {
  throw new LinkerError('modelLoad', `Cannot convert TF op ${c.node.op} (${c.node.name}): ${why}.`, {
    hint: 'The converter covers the ops of universal-sentence-encoder-lite; another graph may need new mappings.',
  });
}

/** The ONNX element type for a TF dtype under the int32 -> int64 policy. */
export function onnxTypeOf(tfType: number): number {
  switch (tfType) {
    case TF_DTYPE.float32:
      return ONNX_TYPE.float;
    case TF_DTYPE.int32:
    case TF_DTYPE.int64:
      return ONNX_TYPE.int64;
    case TF_DTYPE.bool:
      return ONNX_TYPE.bool;
    default:
      throw new LinkerError('modelLoad', `TF dtype ${tfType} has no ONNX mapping in this converter.`);
  }
}

const elementwise =
  (onnxOp: string): OpConverter =>
  (c) => {
    c.b.op(onnxOp, Array.from({ length: c.inputCount }, (_, i) => c.input(i)), {}, c.output());
  };

function square(c: OpContext): void {
  c.b.op('Mul', [c.input(0), c.input(0)], {}, c.output());
}

function rsqrt(c: OpContext): void {
  c.b.op('Reciprocal', [c.b.op('Sqrt', [c.input(0)])], {}, c.output());
}

function cast(c: OpContext): void {
  c.b.op('Cast', [c.input(0)], { to: onnxTypeOf(attr(c, 'DstT')?.type ?? 0) }, c.output());
}

function transpose(c: OpContext): void {
  c.b.op('Transpose', [c.input(0)], { perm: c.constInput(1) }, c.output());
}

function expandDims(c: OpContext): void {
  c.b.op('Unsqueeze', [c.input(0), c.b.int64(c.constInput(1))], {}, c.output());
}

function squeeze(c: OpContext): void {
  const dims = attrInts(c, 'squeeze_dims');
  const inputs = dims.length > 0 ? [c.input(0), c.b.int64(dims)] : [c.input(0)];
  c.b.op('Squeeze', inputs, {}, c.output());
}

function concatV2(c: OpContext): void {
  const n = c.inputCount - 1;
  const [axis] = c.constInput(n);
  c.b.op('Concat', Array.from({ length: n }, (_, i) => c.input(i)), { axis }, c.output());
}

/** Pack stacks its inputs along a new axis: unsqueeze each, then concatenate. */
function pack(c: OpContext): void {
  const axis = attrInt(c, 'axis');
  const axes = c.b.int64([axis]);
  const parts = Array.from({ length: c.inputCount }, (_, i) => c.b.op('Unsqueeze', [c.input(i), axes]));
  c.b.op('Concat', parts, { axis }, c.output());
}

function gatherV2(c: OpContext): void {
  if (attrInt(c, 'batch_dims') !== 0) {
    unsupported(c, 'batch_dims is not 0');
  }
  const [axis] = c.constInput(2);
  c.b.op('Gather', [c.input(0), c.input(1)], { axis }, c.output());
}

function gatherNd(c: OpContext): void {
  c.b.op('GatherND', [c.input(0), c.input(1)], {}, c.output());
}

/** ScatterNd writes updates into a zero tensor of the given shape. */
function scatterNd(c: OpContext): void {
  const type = onnxTypeOf(attr(c, 'T')?.type ?? TF_DTYPE.float32);
  const zero = type === ONNX_TYPE.float ? onnx.TensorProto.create({ dataType: type, dims: [1], floatData: [0] }) : onnx.TensorProto.create({ dataType: type, dims: [1], int64Data: [0] });
  const base = c.b.op('ConstantOfShape', [c.input(2)], { value: zero });
  c.b.op('ScatterND', [base, c.input(0), c.input(1)], {}, c.output());
}

/** SparseToDense: broadcast the default value to the output shape, then scatter the values in. */
function sparseToDense(c: OpContext): void {
  const base = c.b.op('Expand', [c.input(3), c.input(1)]);
  c.b.op('ScatterND', [base, c.input(0), c.input(2)], {}, c.output());
}

/** Where with one input lists the coordinates of true elements, one row each ([N, rank]). */
function where(c: OpContext): void {
  if (c.inputCount !== 1) {
    unsupported(c, 'only the one-input (coordinates) form is mapped');
  }
  c.b.op('Transpose', [c.b.op('NonZero', [c.input(0)])], { perm: [1, 0] }, c.output());
}

/** StridedSlice with constant begin/end/strides: one ONNX Slice, then a Squeeze for shrunk axes. */
function stridedSlice(c: OpContext): void {
  if (attrInt(c, 'ellipsis_mask') !== 0 || attrInt(c, 'new_axis_mask') !== 0) {
    unsupported(c, 'ellipsis and new-axis masks are not mapped');
  }
  const begin = c.constInput(1);
  const end = c.constInput(2);
  const strides = c.constInput(3);
  const beginMask = attrInt(c, 'begin_mask');
  const endMask = attrInt(c, 'end_mask');
  const shrinkMask = attrInt(c, 'shrink_axis_mask');
  const starts: number[] = [];
  const ends: number[] = [];
  const shrunk: number[] = [];
  for (let axis = 0; axis < begin.length; axis++) {
    const bit = 1 << axis;
    if (strides[axis] <= 0) {
      unsupported(c, 'only positive strides are mapped');
    }
    if (shrinkMask & bit) {
      starts.push(begin[axis]);
      ends.push(begin[axis] === -1 ? SLICE_TO_END : begin[axis] + 1);
      shrunk.push(axis);
      continue;
    }
    starts.push(beginMask & bit ? 0 : begin[axis]);
    ends.push(endMask & bit ? SLICE_TO_END : end[axis]);
  }
  const axes = begin.map((_, i) => i);
  const sliced = c.b.op('Slice', [c.input(0), c.b.int64(starts), c.b.int64(ends), c.b.int64(axes), c.b.int64(strides)]);
  if (shrunk.length === 0) {
    c.b.op('Identity', [sliced], {}, c.output());
  } else {
    c.b.op('Squeeze', [sliced, c.b.int64(shrunk)], {}, c.output());
  }
}

/** Slice(input, begin, size) with constant begin and size; size -1 means "to the end". */
function slice(c: OpContext): void {
  const begin = c.constInput(1);
  const size = c.constInput(2);
  const ends = size.map((s, i) => (s === -1 ? SLICE_TO_END : begin[i] + s));
  c.b.op('Slice', [c.input(0), c.b.int64(begin), c.b.int64(ends), c.b.int64(begin.map((_, i) => i))], {}, c.output());
}

/** Reductions whose axes are an attribute at opset 13 (ReduceSum alone takes them as an input). */
const reduceWithAxesAttribute =
  (onnxOp: string): OpConverter =>
  (c) => {
    c.b.op(onnxOp, [c.input(0)], { axes: c.constInput(1), keepdims: attrBool(c, 'keep_dims') ? 1 : 0 }, c.output());
  };

function sum(c: OpContext): void {
  c.b.op('ReduceSum', [c.input(0), c.b.int64(c.constInput(1))], { keepdims: attrBool(c, 'keep_dims') ? 1 : 0 }, c.output());
}

function swapLastTwo(c: OpContext, value: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return c.b.op('Transpose', [value], { perm });
}

function matMul(c: OpContext): void {
  const a = attrBool(c, 'transpose_a') ? swapLastTwo(c, c.input(0), 2) : c.input(0);
  const b = attrBool(c, 'transpose_b') ? swapLastTwo(c, c.input(1), 2) : c.input(1);
  c.b.op('MatMul', [a, b], {}, c.output());
}

function batchMatMul(c: OpContext): void {
  const a = attrBool(c, 'adj_x') ? swapLastTwo(c, c.input(0), c.rankOf(0)) : c.input(0);
  const b = attrBool(c, 'adj_y') ? swapLastTwo(c, c.input(1), c.rankOf(1)) : c.input(1);
  c.b.op('MatMul', [a, b], {}, c.output());
}

/**
 * Conv2D with a 1x1 kernel, unit strides and NHWC layout is a matrix product over the channel axis; USE-lite
 * uses it for its attention projections. Emitting MatMul avoids two NHWC<->NCHW transposes per call.
 */
function conv2d1x1(c: OpContext): void {
  if ((attrString(c, 'data_format') ?? 'NHWC') !== 'NHWC') {
    unsupported(c, 'only NHWC is mapped');
  }
  if (attrInts(c, 'strides').some((s) => s !== 1) || attrInts(c, 'dilations').some((d) => d !== 1)) {
    unsupported(c, 'only unit strides and dilations are mapped');
  }
  const kernel = c.constTensor(1);
  if (kernel.shape.length !== 4 || kernel.shape[0] !== 1 || kernel.shape[1] !== 1) {
    unsupported(c, `only 1x1 kernels are mapped (kernel shape ${kernel.shape.join('x')})`);
  }
  // The kernel [1, 1, in, out] is stored row-major, so its data is already the [in, out] matrix; a 2-D
  // weight lets onnxruntime run one GEMM over all tokens instead of one per token.
  const weight = c.b.float(kernel.data, [kernel.shape[2], kernel.shape[3]]);
  c.b.op('MatMul', [c.input(0), weight], {}, c.output());
}

function splitV(c: OpContext): void {
  const sizes = c.constInput(1);
  const [axis] = c.constInput(2);
  if (sizes.some((s) => s < 0)) {
    unsupported(c, 'a -1 split size is not mapped');
  }
  c.b.node('Split', [c.input(0), c.b.int64(sizes)], sizes.map((_, k) => c.output(k)), { axis });
}

function softmax(c: OpContext): void {
  c.b.op('Softmax', [c.input(0)], { axis: -1 }, c.output());
}

export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Identity: elementwise('Identity'),
  Add: elementwise('Add'),
  AddV2: elementwise('Add'),
  BiasAdd: elementwise('Add'),
  Sub: elementwise('Sub'),
  Mul: elementwise('Mul'),
  RealDiv: elementwise('Div'),
  Maximum: elementwise('Max'),
  Minimum: elementwise('Min'),
  Less: elementwise('Less'),
  Greater: elementwise('Greater'),
  LogicalNot: elementwise('Not'),
  Relu: elementwise('Relu'),
  Tanh: elementwise('Tanh'),
  Sin: elementwise('Sin'),
  Cos: elementwise('Cos'),
  Sqrt: elementwise('Sqrt'),
  Shape: elementwise('Shape'),
  Reshape: elementwise('Reshape'),
  Range: elementwise('Range'),
  Square: square,
  Rsqrt: rsqrt,
  Cast: cast,
  Transpose: transpose,
  ExpandDims: expandDims,
  Squeeze: squeeze,
  ConcatV2: concatV2,
  Pack: pack,
  GatherV2: gatherV2,
  GatherNd: gatherNd,
  ScatterNd: scatterNd,
  SparseToDense: sparseToDense,
  Where: where,
  StridedSlice: stridedSlice,
  Slice: slice,
  Mean: reduceWithAxesAttribute('ReduceMean'),
  Max: reduceWithAxesAttribute('ReduceMax'),
  Prod: reduceWithAxesAttribute('ReduceProd'),
  Sum: sum,
  MatMul: matMul,
  BatchMatMul: batchMatMul,
  BatchMatMulV2: batchMatMul,
  Conv2D: conv2d1x1,
  SplitV: splitV,
  Softmax: softmax,
};
