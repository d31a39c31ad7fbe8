import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { loadOrt } from '../../../src/core/encoder/onnxRuntime';
import { ONNX_TYPE } from '../../../src/core/encoder/useLite/onnxGraphBuilder';
import { convertTfGraphToOnnx, type TfConversionSpec } from '../../../src/core/encoder/useLite/tfGraphToOnnx';
import { TF_DTYPE, type TfGraphModel, type TfNode, type TfWeight } from '../../../src/core/encoder/useLite/tfjsGraphModel';

/** Tiny hand-written TF graphs through the converter and onnxruntime, checked against values worked out by hand. */

function intConst(name: string, values: number[], shape: number[] = [values.length]): [TfNode, TfWeight] {
  return [{ name, op: 'Const' }, { name, shape, dtype: 'int32', data: Int32Array.from(values) }];
}
function floatConst(name: string, values: number[], shape: number[]): [TfNode, TfWeight] {
  return [{ name, op: 'Const' }, { name, shape, dtype: 'float32', data: Float32Array.from(values) }];
}
function graph(ops: TfNode[], consts: Array<[TfNode, TfWeight]>): TfGraphModel {
  return { nodes: [...consts.map(([n]) => n), ...ops], weights: new Map(consts.map(([, w]) => [w.name, w])) };
}
const i = (v: number): { i: string } => ({ i: String(v) });

async function run(model: Uint8Array, feeds: Record<string, { type: 'int64' | 'float32'; data: number[]; dims: number[] }>): Promise<Record<string, { dims: readonly number[]; data: number[] }>> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(model);
  const tensors = Object.fromEntries(
    Object.entries(feeds).map(([k, f]) => [k, f.type === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(f.data.map(BigInt)), f.dims) : new ort.Tensor('float32', Float32Array.from(f.data), f.dims)]),
  );
  const out = await session.run(tensors);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { dims: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, Number) }]));
}

void test('sparse ops: StridedSlice with shrink, SparseToDense, Greater, Where', async () => {
  const model = graph(
    [
      { name: 'idx', op: 'Placeholder', attr: { dtype: { type: TF_DTYPE.int64 } } },
      { name: 'vals', op: 'Placeholder', attr: { dtype: { type: TF_DTYPE.int64 } } },
      { name: 'pos', op: 'StridedSlice', input: ['idx', 'b', 'e', 's'], attr: { begin_mask: i(1), end_mask: i(1), shrink_axis_mask: i(2), ellipsis_mask: i(0), new_axis_mask: i(0) } },
      { name: 'dense', op: 'SparseToDense', input: ['idx', 'shape', 'vals', 'def'] },
      { name: 'mask', op: 'Greater', input: ['dense', 'def'] },
      { name: 'coords', op: 'Where', input: ['mask'] },
      { name: 'split', op: 'SplitV', input: ['dense', 'sizes', 'axis1'], attr: { num_split: i(2) } },
    ],
    [intConst('b', [0, 1]), intConst('e', [0, 2]), intConst('s', [1, 1]), intConst('shape', [2, 3]), intConst('def', [-1], []), intConst('sizes', [1, 2]), intConst('axis1', [1], [])],
  );
  const spec: TfConversionSpec = {
    graphName: 't',
    docString: '',
    opset: 13,
    inputs: [
      { tfName: 'idx', onnxName: 'idx', shape: ['n', 2] },
      { tfName: 'vals', onnxName: 'vals', shape: ['n'] },
    ],
    outputs: [
      { tfRef: 'pos', onnxName: 'pos', elemType: ONNX_TYPE.int64, shape: ['n'] },
      { tfRef: 'dense', onnxName: 'dense', elemType: ONNX_TYPE.int64, shape: [2, 3] },
      { tfRef: 'coords', onnxName: 'coords', elemType: ONNX_TYPE.int64, shape: ['k', 2] },
      { tfRef: 'split:1', onnxName: 'right', elemType: ONNX_TYPE.int64, shape: [2, 2] },
    ],
  };
  const out = await run(convertTfGraphToOnnx(model, spec), {
    idx: { type: 'int64', data: [0, 0, 0, 1, 1, 2], dims: [3, 2] },
    vals: { type: 'int64', data: [5, 6, 7], dims: [3] },
  });
  assert.deepEqual(out.pos.data, [0, 1, 2]);
  assert.deepEqual(out.dense.data, [5, 6, -1, -1, -1, 7]);
  assert.deepEqual(out.coords.dims, [3, 2]);
  assert.deepEqual(out.coords.data, [0, 0, 0, 1, 1, 2]);
  assert.deepEqual(out.right.data, [6, -1, -1, 7]);
});

void test('dense ops: 1x1 Conv2D as MatMul, BatchMatMul with adj_y, ScatterNd/GatherNd round trip', async () => {
  // x [1, 2, 2]; kernel maps channels (a, b) -> (a, b, a + b).
  const model = graph(
    [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: TF_DTYPE.float32 } } },
      { name: 'x4', op: 'ExpandDims', input: ['x', 'two'] },
      { name: 'conv', op: 'Conv2D', input: ['x4', 'kernel'], attr: { strides: { list: { i: ['1', '1', '1', '1'] } }, data_format: { s: 'TkhXQw==' } } },
      { name: 'y', op: 'Squeeze', input: ['conv'], attr: { squeeze_dims: { list: { i: ['2'] } } } },
      { name: 'yt', op: 'Transpose', input: ['y', 'perm'] },
      { name: 'scores', op: 'BatchMatMul', input: ['y', 'yt'], attr: { adj_x: { b: false }, adj_y: { b: true } } },
      { name: 'picked', op: 'GatherNd', input: ['y', 'where'] },
      { name: 'back', op: 'ScatterNd', input: ['where', 'picked', 'yshape'], attr: { T: { type: TF_DTYPE.float32 } } },
    ],
    [
      intConst('two', [2], []),
      floatConst('kernel', [1, 0, 1, 0, 1, 1], [1, 1, 2, 3]),
      intConst('perm', [0, 1, 2]),
      intConst('where', [0, 1], [1, 2]),
      intConst('yshape', [1, 2, 3]),
    ],
  );
  const out = await run(
    convertTfGraphToOnnx(model, {
      graphName: 't',
      docString: '',
      opset: 13,
      inputs: [{ tfName: 'x', onnxName: 'x', shape: [1, 2, 2] }],
      outputs: [
        { tfRef: 'y', onnxName: 'y', elemType: ONNX_TYPE.float, shape: [1, 2, 3] },
        { tfRef: 'scores', onnxName: 'scores', elemType: ONNX_TYPE.float, shape: [1, 2, 2] },
        { tfRef: 'back', onnxName: 'back', elemType: ONNX_TYPE.float, shape: [1, 2, 3] },
      ],
    }),
    { x: { type: 'float32', data: [1, 2, 3, 4], dims: [1, 2, 2] } },
  );
  assert.deepEqual(out.y.data, [1, 2, 3, 3, 4, 7]);
  // rows (1,2,3) and (3,4,7): dot products 14, 32, 32, 74.
  assert.deepEqual(out.scores.data, [14, 32, 32, 74]);
  assert.deepEqual(out.back.data, [0, 0, 0, 3, 4, 7]);
});

void test('an op without a mapping is a modelLoad error naming the op', () => {
  const model = graph([{ name: 'x', op: 'Placeholder', attr: { dtype: { type: TF_DTYPE.float32 } } }, { name: 'f', op: 'FancyOp', input: ['x'] }], []);
  assert.throws(
    () =>
      convertTfGraphToOnnx(model, {
        graphName: 't',
        docString: '',
        opset: 13,
        inputs: [{ tfName: 'x', onnxName: 'x', shape: [1] }],
        outputs: [{ tfRef: 'f', onnxName: 'f', elemType: ONNX_TYPE.float, shape: [1] }],
      }),
    (e: unknown) => LinkerError.is(e, 'modelLoad') && /FancyOp/.test((e as Error).message),
  );
});
