import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillCandidateSetFeatures } from '../../../src/core/linker/candidateSetFeatures';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { FeatureName } from '../../../src/core/linker/ranker';

const row = (values: Partial<Record<FeatureName, number>>): number[] => FEATURE_NAMES.map((n) => values[n] ?? 0);
const get = (f: readonly number[], n: FeatureName): number => f[FEATURE_NAMES.indexOf(n)];
/** formPrior of a count, as wordnetSenseCounts.ts scales it. */
const prior = (count: number): number => Math.log1p(count) / Math.log(1001);

void test('formShare is the candidate\'s smoothed share of the word\'s counts: "5 of 6" dominates, "5 of 500" does not', () => {
  const dominant = [row({ formPrior: prior(5) }), row({ formPrior: prior(1) })];
  const minor = [row({ formPrior: prior(5) }), row({ formPrior: prior(495) })];
  fillCandidateSetFeatures(dominant);
  fillCandidateSetFeatures(minor);
  assert.ok(Math.abs(get(dominant[0], 'formShare') - 5.5 / 7) < 1e-9);
  assert.ok(Math.abs(get(minor[0], 'formShare') - 5.5 / 501) < 1e-9);
  assert.equal(get(dominant[0], 'formPrior'), get(minor[0], 'formPrior'), 'formPrior alone cannot tell them apart');
  const none = [row({}), row({})];
  fillCandidateSetFeatures(none);
  assert.equal(get(none[0], 'formShare'), 0, 'no counts: no share');
});

void test('denseRank and nameDenseRank are 1 / (1 + candidates with a higher cosine), ties sharing a rank', () => {
  const rows = [row({ dense: 0.2, nameDense: 0.9 }), row({ dense: 0.5, nameDense: 0.1 }), row({ dense: 0.5, nameDense: 0.3 })];
  fillCandidateSetFeatures(rows);
  assert.deepEqual(rows.map((f) => get(f, 'denseRank')), [1 / 3, 1, 1]);
  assert.deepEqual(rows.map((f) => get(f, 'nameDenseRank')), [1, 1 / 3, 1 / 2]);
});
