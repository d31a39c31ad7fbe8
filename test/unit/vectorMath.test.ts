import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dotAt, normalizeInPlace } from '../../src/core/vectorMath';

void test('dotAt equals the plain sum of products at any offsets and any length (the unrolled tail included)', () => {
  const a = Float32Array.from({ length: 23 }, (_, i) => Math.sin(i + 1));
  const b = Float32Array.from({ length: 23 }, (_, i) => Math.cos(3 * i));
  for (const dims of [0, 1, 3, 4, 5, 11]) {
    let plain = 0;
    for (let i = 0; i < dims; i++) plain += a[2 + i]! * b[7 + i]!;
    assert.ok(Math.abs(dotAt(a, 2, b, 7, dims) - plain) < 1e-12, `dims ${dims}`);
  }
});

void test('normalizeInPlace scales to unit length and returns the previous norm; a zero vector stays zero', () => {
  const v = Float32Array.from([3, 0, 4, 0, 0]);
  assert.equal(normalizeInPlace(v), 5);
  assert.deepEqual([...v], [0.6000000238418579, 0, 0.800000011920929, 0, 0]);
  const zero = new Float32Array(3);
  assert.equal(normalizeInPlace(zero), 0);
  assert.deepEqual([...zero], [0, 0, 0]);
});
