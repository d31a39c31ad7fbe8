import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CodedUnit, cohenKappa, krippendorffAlphaNominal, meanOf, spanF1 } from '../../../src/core/agreement/statistics';

function units(rows: readonly (readonly [string, string | undefined][])[]): CodedUnit[] {
  return rows.map((row) => new Map(row.filter((c): c is [string, string] => c[1] !== undefined)));
}

// Two annotators, ten shared spans, values Q1, Q2 and NIL (NIL is a category like any other).
//   unit:  1   2   3   4   5   6    7    8   9   10
//   A:     Q1  Q1  Q1  Q2  Q2  NIL  NIL  Q2  Q1  NIL
//   B:     Q1  Q1  Q2  Q2  Q2  NIL  Q1   Q2  Q1  NIL
const A = ['Q1', 'Q1', 'Q1', 'Q2', 'Q2', 'NIL', 'NIL', 'Q2', 'Q1', 'NIL'];
const B = ['Q1', 'Q1', 'Q2', 'Q2', 'Q2', 'NIL', 'Q1', 'Q2', 'Q1', 'NIL'];
const TWO = units(A.map((a, i) => [['A', a], ['B', B[i]]]));

test("Cohen's kappa on a hand-computed example", () => {
  // Observed: units 3 and 7 differ, so po = 8/10 = 0.8.
  // A: Q1 4, Q2 3, NIL 3.  B: Q1 4, Q2 4, NIL 2.
  // pe = (4*4 + 3*4 + 3*2) / 10^2 = (16 + 12 + 6) / 100 = 0.34.
  // kappa = (0.8 - 0.34) / (1 - 0.34) = 0.46 / 0.66 = 23/33 = 0.69697...
  assert.ok(Math.abs((cohenKappa(TWO, 'A', 'B') as number) - 23 / 33) < 1e-12);
  assert.equal(cohenKappa(TWO, 'B', 'A'), cohenKappa(TWO, 'A', 'B'));
});

test("Krippendorff's alpha (nominal), two coders, on the same example", () => {
  // Every unit has m = 2 values, so each ordered pair of values in a unit weighs 1 / (m - 1) = 1.
  // Marginals over the n = 20 values: Q1 8, Q2 7, NIL 5.
  // Observed disagreeing pairs: unit 3 gives (Q1,Q2) and (Q2,Q1), unit 7 (NIL,Q1) and (Q1,NIL): sum o_ck (c != k) = 4.
  // Expected: sum n_c * n_k (c != k) = n^2 - sum n_c^2 = 400 - (64 + 49 + 25) = 262.
  // alpha = 1 - (n - 1) * 4 / 262 = 1 - 76/262 = 186/262 = 0.70992...
  assert.ok(Math.abs((krippendorffAlphaNominal(TWO) as number) - 186 / 262) < 1e-12);
});

test("Krippendorff's alpha (nominal), three coders with missing values", () => {
  //   unit:  u1  u2  u3  u4  u5
  //   A:     a   a   b   -   c
  //   B:     a   b   b   a   -
  //   C:     a   -   b   b   -
  // u5 has one value: not pairable, left out. Values left: u1 3, u2 2, u3 3, u4 2, n = 10; a 5, b 5.
  // Observed: u2 (m = 2): a gives 1*(2-1)/(2-1) = 1, b 1, so 2; u4 likewise 2; u1 and u3 agree: sum = 4.
  // Expected: 5*5 + 5*5 = 50.  alpha = 1 - (10 - 1) * 4 / 50 = 1 - 36/50 = 0.28.
  const three = units([
    [['A', 'a'], ['B', 'a'], ['C', 'a']],
    [['A', 'a'], ['B', 'b'], ['C', undefined]],
    [['A', 'b'], ['B', 'b'], ['C', 'b']],
    [['A', undefined], ['B', 'a'], ['C', 'b']],
    [['A', 'c'], ['B', undefined], ['C', undefined]],
  ]);
  assert.ok(Math.abs((krippendorffAlphaNominal(three) as number) - 0.28) < 1e-12);
  // Kappa of a pair uses only the units both coded: A-B on u1, u2, u3 = (a,a) (a,b) (b,b):
  // po = 2/3; A: a 2, b 1; B: a 1, b 2; pe = (2*1 + 1*2) / 9 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 2/5.
  assert.ok(Math.abs((cohenKappa(three, 'A', 'B') as number) - 0.4) < 1e-12);
});

test('undefined where there is nothing to correct for: null, never NaN', () => {
  const same = units([[['A', 'x'], ['B', 'x']], [['A', 'x'], ['B', 'x']]]);
  assert.equal(cohenKappa(same, 'A', 'B'), null); // pe = 1
  assert.equal(krippendorffAlphaNominal(same), null); // one value only: expected disagreement 0
  assert.equal(cohenKappa([], 'A', 'B'), null);
  assert.equal(krippendorffAlphaNominal(units([[['A', 'x']]])), null);
  assert.equal(spanF1(0, 0, 0), null);
  assert.equal(meanOf([null, null]), null);
  assert.ok(Math.abs((meanOf([0.2, null, 0.4]) as number) - 0.3) < 1e-12); // Light's kappa: mean of the defined pairs
});

test('span F1: 2 * matched / (2 * matched + onlyA + onlyB)', () => {
  // 3 spans both marked, 1 only A, 2 only B: 6 / (6 + 3) = 2/3.
  assert.equal(spanF1(3, 1, 2), 6 / 9);
  assert.equal(spanF1(0, 2, 0), 0);
});

test("Krippendorff's alpha (nominal) reproduces the published reliability-data example (Krippendorff 2011: 0.743)", () => {
  // "Computing Krippendorff's alpha-reliability", section C: 4 observers, 12 units, missing values as '.'.
  const rows: Record<string, string> = {
    A: '1 2 3 3 2 1 4 1 2 . . .',
    B: '1 2 3 3 2 2 4 1 2 5 . 3',
    C: '. 3 3 3 2 3 4 2 2 5 1 .',
    D: '1 2 3 3 2 4 4 1 2 5 1 .',
  };
  const data = Array.from({ length: 12 }, (_, u) => new Map(Object.entries(rows).map(([coder, values]) => [coder, values.split(' ')[u]] as [string, string]).filter(([, v]) => v !== '.')));
  // Unit 12 has one value and is not pairable; n = 40 pairable values; the paper's alpha is 0.743.
  const alpha = krippendorffAlphaNominal(data) as number;
  assert.equal(alpha.toFixed(3), '0.743');
});
