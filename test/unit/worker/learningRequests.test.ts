import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RankingExample } from '../../../src/core/learning/rankerTrainer';
import { packExamples, unpackExamples } from '../../../src/core/worker/learningRequests';

void test('ranking examples packed for the refit message come back as they were (weights and random negatives too)', () => {
  const examples: RankingExample[] = [
    { features: [[1, 2, 3], [4, 5, 6]], gold: 1 },
    { features: [[0.5, 0, -1], [7, 8, 9], [1, 1, 1]], gold: 0, random: [[2, 2, 2]], weight: 0.25 },
  ];
  const packed = packExamples(examples);
  assert.ok(packed.data instanceof Float64Array);
  assert.equal(packed.dims, 3);
  assert.deepEqual(unpackExamples(packed), examples);
  assert.deepEqual(unpackExamples(packExamples([])), []);
});
