import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headBytes, headFromBytes, identityHead, projectRows, projectThroughSide } from '../../../src/core/encoder/finetuned/head';

void test('head.bin round trip: the bytes read back give the same weights; a file of the wrong size is refused naming it', () => {
  const head = identityHead(3, 7);
  head.mention.forEach((_, i) => (head.mention[i] = i / 10));
  head.entity.forEach((_, i) => (head.entity[i] = -i / 20));
  const bytes = headBytes(head);
  assert.equal(bytes.length, (2 * 9 + 1) * 4);
  const back = headFromBytes(bytes, 3, 'head.bin');
  assert.deepEqual([...back.mention], [...head.mention]);
  assert.deepEqual([...back.entity], [...head.entity]);
  assert.equal(back.logScale[0], head.logScale[0]);
  assert.throws(() => headFromBytes(bytes.subarray(4), 3, '/m/head.bin'), (e: Error) => e.message.includes('72 bytes') && JSON.stringify(e).includes('/m/head.bin'));
});

void test('the forward pass: normalize((I + D) x) per vector, the same for one vector and for rows; returns the norm before normalising', () => {
  const d = Float32Array.from([0, 1, 0, 0]); // (I + D) = [[1, 1], [0, 1]]
  const x = Float32Array.from([9, 3, 4]);
  const out = new Float32Array(2);
  assert.equal(projectThroughSide(d, x, 1, 2, out), Math.sqrt(7 * 7 + 4 * 4));
  assert.ok(Math.abs(out[0]! - 7 / Math.sqrt(65)) < 1e-6 && Math.abs(out[1]! - 4 / Math.sqrt(65)) < 1e-6);
  const rows = projectRows(d, Float32Array.from([3, 4, 0, 2]), 2);
  assert.deepEqual([...rows.subarray(0, 2)], [...out]);
  assert.deepEqual([...rows.subarray(2)], [Math.fround(1 / Math.sqrt(2)), Math.fround(1 / Math.sqrt(2))]);
});
