import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onnx } from 'onnx-proto';
import { loadOrt } from '../../../src/core/encoder/onnxRuntime';
import { encodeModel, ONNX_TYPE, OnnxGraphBuilder } from '../../../src/core/encoder/useLite/onnxGraphBuilder';
import { quantizeColumnsSymmetric, quantizeMatMulsInt8, roundHalfEven } from '../../../src/core/encoder/useLite/quantizeInt8';

/** A tiny graph: y = relu(x W1 + b) W2, plus z = x x^T (a product of two activations, which must stay fp32). */
const K = 16;
const H = 12;
const N = 6;

/** Deterministic values in [-1, 1) with a few larger ones, so per-column scales differ. */
function pseudoRandom(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: count }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1 + (i % 7 === 0 ? 1.5 : 0);
  });
}

function fixtureModel(): Uint8Array {
  const b = new OnnxGraphBuilder();
  const w1 = b.float(pseudoRandom(K * H, 1), [K, H], 'w1');
  const bias = b.float(pseudoRandom(H, 2), [H], 'bias');
  const w2 = b.float(pseudoRandom(H * N, 3), [H, N], 'w2');
  const hidden = b.op('Relu', [b.op('Add', [b.op('MatMul', ['x', w1]), bias])]);
  b.op('MatMul', [hidden, w2], {}, 'y');
  b.op('MatMul', ['x', b.op('Transpose', ['x'], { perm: [1, 0] })], {}, 'z');
  return encodeModel(
    b,
    {
      name: 'fixture',
      docString: '',
      inputs: [{ name: 'x', elemType: ONNX_TYPE.float, shape: ['rows', K] }],
      outputs: [
        { name: 'y', elemType: ONNX_TYPE.float, shape: ['rows', N] },
        { name: 'z', elemType: ONNX_TYPE.float, shape: ['rows', 'rows'] },
      ],
    },
    13,
  );
}

async function run(model: Uint8Array, x: Float32Array, rows: number): Promise<{ y: Float32Array; z: Float32Array }> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const out = await session.run({ x: new ort.Tensor('float32', x, [rows, K]) });
  await session.release();
  return { y: out.y.data as Float32Array, z: out.z.data as Float32Array };
}

void test('rounding is half to even, as numpy.rint', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven), [0, 2, 2, -0, -2, -2, 2, -3]);
});

void test('each column is scaled by its own largest magnitude to 127; a zero column gets scale 1', () => {
  // [3, 3]: column 0 max 2, column 1 max 0.5 (negative), column 2 all zero; no value lands on a rounding tie.
  const w = Float32Array.from([2, 0.3, 0, -1.2, -0.5, 0, 0.5, 0.125, 0]);
  const q = quantizeColumnsSymmetric(w, 3, 3);
  assert.deepEqual(Array.from(q.scales), [Math.fround(2 / 127), Math.fround(0.5 / 127), 1]);
  assert.deepEqual(Array.from(q.values), [127, 76, 0, -76, -127, 0, 32, 32, 0]);
  assert.throws(() => quantizeColumnsSymmetric(w, 2, 3), /2x3/);
});

void test('weight MatMuls become DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul; activation products stay fp32', () => {
  const q = quantizeMatMulsInt8(fixtureModel());
  assert.equal(q.quantized, 2);
  const graph = onnx.ModelProto.decode(q.onnx).graph as onnx.IGraphProto;
  const ops = (graph.node ?? []).map((n) => n.opType);
  assert.equal(ops.filter((o) => o === 'DynamicQuantizeLinear').length, 2);
  assert.equal(ops.filter((o) => o === 'MatMulInteger').length, 2);
  assert.equal(ops.filter((o) => o === 'MatMul').length, 1, 'x x^T is left alone');
  const names = (graph.initializer ?? []).map((t) => t.name);
  assert.ok(!names.includes('w1') && !names.includes('w2'), 'the fp32 weights are dropped');
  const wq = (graph.initializer ?? []).filter((t) => t.dataType === onnx.TensorProto.DataType.INT8);
  assert.equal(wq.length, 2);
  // The scale Mul reads (a_scale, w_scale), the order onnxruntime's MatMulIntegerToFloat fusion expects.
  const scaleMul = (graph.node ?? []).find((n) => n.opType === 'Mul' && (n.input ?? [])[1]?.endsWith('w_scale'));
  assert.ok(scaleMul !== undefined && (scaleMul.input ?? [])[0].endsWith('a_scale'));
});

void test('the quantised graph computes what the fp32 graph computes, within int8 rounding', async () => {
  const fp32 = fixtureModel();
  const int8 = quantizeMatMulsInt8(fp32).onnx;
  const rows = 5;
  const x = pseudoRandom(rows * K, 9);
  const a = await run(fp32, x, rows);
  const b = await run(int8, x, rows);
  const scale = Math.max(...Array.from(a.y, Math.abs));
  const worst = Math.max(...Array.from(a.y, (v, i) => Math.abs(v - b.y[i])));
  assert.ok(worst < 0.02 * scale, `max |diff| ${worst} vs output scale ${scale}`);
  assert.ok(worst > 0, 'int8 output differs from fp32 at all (the rewrite took effect)');
  assert.deepEqual(Array.from(b.z), Array.from(a.z), 'the activation product is exact fp32');
});

void test('quantising is deterministic: two runs give the same bytes', () => {
  const model = fixtureModel();
  assert.deepEqual(Buffer.from(quantizeMatMulsInt8(model).onnx), Buffer.from(quantizeMatMulsInt8(model).onnx));
});

void test('a model below opset 11 is refused with the reason', () => {
  const b = new OnnxGraphBuilder();
  b.op('MatMul', ['x', b.float([1, 2, 3, 4], [2, 2], 'w')], {}, 'y');
  const model = encodeModel(b, { name: 'old', docString: '', inputs: [{ name: 'x', elemType: ONNX_TYPE.float, shape: [1, 2] }], outputs: [{ name: 'y', elemType: ONNX_TYPE.float, shape: [1, 2] }] }, 9);
  assert.throws(() => quantizeMatMulsInt8(model), /opset >= 11 \(the model has 9\)/);
});
