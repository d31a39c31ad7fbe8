import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogram, type Bin } from '../../../src/core/analysis/histogram';

/** The bin that holds value i. */
function binOf(bins: readonly Bin[], i: number): Bin {
  const bin = bins.find((b) => b.members.includes(i));
  assert.ok(bin !== undefined, `value ${i} is in no bin: ${JSON.stringify(bins)}`);
  return bin;
}

/** Colour rule of the corpus view: a bin is red when it ends at or below 0. It must hold only margins <= 0. */
function assertSidesAgree(values: readonly number[], bins: readonly Bin[]): void {
  values.forEach((v, i) => {
    const bin = binOf(bins, i);
    assert.equal(bin.to <= 0, v <= 0, `margin ${v} lies in ${bin.from} … ${bin.to}`);
    assert.ok(bin.from <= v && v <= bin.to, `margin ${v} outside its bin ${bin.from} … ${bin.to}`);
  });
}

test('a margin of exactly 0 (gold and best wrong entity tie) falls in a bin that ends at 0, the last red one', () => {
  const values = [-0.5, -0.2, 0, 0.3, 1];
  const bins = histogram(values, 6);
  assert.equal(binOf(bins, 2).to, 0);
  assertSidesAgree(values, bins);
});

test('0 is red when it is the smallest margin, too (a bin ending at 0 is added)', () => {
  const values = [0, 0.25, 0.5, 1];
  const bins = histogram(values, 4);
  assert.equal(binOf(bins, 0).to, 0);
  assertSidesAgree(values, bins);
});

test('margins just either side of 0 and on bin edges stay on their side, whatever the rounding of the edges', () => {
  const values = [-0.3, -0.1, -1e-12, 0, 1e-12, 0.1, 0.2, 0.7];
  for (const binCount of [1, 3, 7, 10, 24]) assertSidesAgree(values, histogram(values, binCount));
});

test('every finite value is counted once; non-finite ones are left out', () => {
  const values = [-2, Number.NaN, -1, 0, 0, 3, Infinity, 4];
  const bins = histogram(values, 5);
  const counted = bins.flatMap((b) => b.members).sort((a, b) => a - b);
  assert.deepEqual(counted, [0, 2, 3, 4, 5, 7]);
  values.forEach((v, i) => Number.isFinite(v) && assert.equal(binOf(bins, i).to <= 0, v <= 0, `margin ${v}`));
});

test('one-sided margins need no edge at 0; one distinct value makes one bin', () => {
  assertSidesAgree([0.2, 0.5, 0.9], histogram([0.2, 0.5, 0.9], 4));
  assertSidesAgree([-0.9, -0.5, 0], histogram([-0.9, -0.5, 0], 4));
  assert.deepEqual(histogram([0, 0], 4), [{ from: 0, to: 0, members: [0, 1] }]);
  assert.deepEqual(histogram([], 4), []);
});
