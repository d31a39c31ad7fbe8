import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { OnlineLearner } from '../../../src/core/learning/onlineLearner';
import type { RankingExample } from '../../../src/core/learning/rankerTrainer';
import { DEFAULT_RANKER_WEIGHTS } from '../../../src/core/linker/defaultRankerWeights';
import { packExamples, refitRequest, unpackExamples } from '../../../src/core/worker/learningRequests';
import { silentLogger } from '../../../src/core/log';
import { LinkerRequestHandler } from '../../../src/core/worker/linkerRequestHandler';

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

void test('forgetLearned deletes the saved learner after the refit writing it has finished, so no refit writes it back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'el-forget-'));
  try {
    const file = path.join(dir, '.entity-links', '.online-learning.json');
    const handler = new LinkerRequestHandler(silentLogger);
    const signal = new AbortController().signal;
    const progress = (): void => undefined;
    const learner = new OnlineLearner({ base: DEFAULT_RANKER_WEIGHTS }).toJSON();
    // Not awaited: the annotator forgets while the refit is still writing the file.
    const refit = handler.handle({ id: 1, ...refitRequest(learner, file) }, signal, progress);
    await handler.handle({ id: 2, kind: 'forgetLearned', file }, signal, progress);
    await refit;
    assert.equal(existsSync(file), false, 'the file the refit wrote is gone');
    // Nothing to delete is not an error.
    assert.equal(await handler.handle({ id: 3, kind: 'forgetLearned', file }, signal, progress), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
