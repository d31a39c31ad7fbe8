import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asPrecisionChoice, cpuInfoHasVnni, decidePrecision, keepsFp32OnGpu } from '../../../src/core/encoder/precision';

const cpuinfo = (flags: string): string => `processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu vme ${flags} sse sse2\nbugs\t\t: spectre_v1\n\nprocessor\t: 1\nflags\t\t: fpu vme ${flags}\n`;

void test('VNNI is read off the flags line: avx512_vnni or avx_vnni, whole words only', () => {
  assert.equal(cpuInfoHasVnni(cpuinfo('avx2 avx512f avx512_vnni')), true);
  assert.equal(cpuInfoHasVnni(cpuinfo('avx2 avx_vnni')), true);
  assert.equal(cpuInfoHasVnni(cpuinfo('avx2 avx512f avx512bw')), false);
  assert.equal(cpuInfoHasVnni(cpuinfo('avx2 avx512_vnnix')), false, 'a longer flag is not the flag');
  assert.equal(cpuInfoHasVnni('model name\t: avx512_vnni in a name is not a flag\n'), false);
  assert.equal(cpuInfoHasVnni(''), false, 'no /proc/cpuinfo (macOS, Windows): no VNNI known');
});

void test('auto picks int8 on a VNNI CPU for the cpu and auto providers, fp32 elsewhere; explicit choices win', () => {
  const vnni = cpuinfo('avx2 avx512_vnni');
  const plain = cpuinfo('avx2 fma');
  assert.equal(decidePrecision('auto', 'cpu', vnni).precision, 'int8');
  assert.equal(decidePrecision('auto', 'auto', vnni).precision, 'int8');
  assert.equal(decidePrecision('auto', 'cpu', plain).precision, 'fp32');
  assert.equal(decidePrecision('auto', 'auto', plain).precision, 'fp32');
  for (const gpu of ['cuda', 'webgpu', 'dml', 'coreml'] as const) {
    assert.equal(decidePrecision('auto', gpu, vnni).precision, 'fp32', gpu);
  }
  assert.equal(decidePrecision('int8', 'cpu', plain).precision, 'int8');
  assert.equal(decidePrecision('int8', 'cuda', vnni).precision, 'int8');
  assert.equal(decidePrecision('fp32', 'cpu', vnni).precision, 'fp32');
  assert.match(decidePrecision('auto', 'cpu', plain).reason, /no AVX-512 VNNI/);
});

void test('a session opened at int8 under auto that lands on a GPU goes back to fp32; on the CPU or by choice it stays', () => {
  assert.equal(keepsFp32OnGpu('auto', 'cuda'), true);
  assert.equal(keepsFp32OnGpu('auto', 'webgpu'), true);
  assert.equal(keepsFp32OnGpu('auto', 'cpu'), false);
  assert.equal(keepsFp32OnGpu('int8', 'cuda'), false);
});

void test('setting values are parsed strictly', () => {
  assert.equal(asPrecisionChoice('int8'), 'int8');
  assert.equal(asPrecisionChoice('INT8'), undefined);
  assert.equal(asPrecisionChoice(undefined), undefined);
});
