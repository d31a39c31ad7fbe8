import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnlineLearner } from '../../../src/core/learning/onlineLearner';
import type { AnnotatorDecision } from '../../../src/core/learning/decision';
import { Linker } from '../../../src/core/linker/linker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';
import { LinkerError } from '../../../src/core/errors';

function makeLinker(): Linker {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: TEST_WEIGHTS });
}

const TEXT = 'Dublin grew fast.';

void test('corrections change the next identical mention\'s top candidate after a refit', async () => {
  const linker = makeLinker();
  const learner = new OnlineLearner({ base: TEST_WEIGHTS });
  const first = (await linker.linkSpans(TEXT, [{ start: 0, end: 6 }]))[0];
  assert.equal(first.candidates[0].id, 'Q1');
  for (let i = 0; i < 12; i++) {
    const [mention] = await linker.linkSpans(TEXT, [{ start: 0, end: 6 }]);
    const action = mention.candidates[0].id === 'Q2' ? 'accept' : 'relink';
    learner.observe({ document: `doc${i}`, start: 0, end: 6, text: 'Dublin', action, entityId: 'Q2', mention });
    if (learner.pending >= 3) {
      const report = learner.refit();
      assert.equal(report.newDecisions, 3);
      linker.setLearnedState(learner.state);
    }
  }
  assert.equal((await linker.linkSpans(TEXT, [{ start: 0, end: 6 }]))[0].candidates[0].id, 'Q2');
  assert.ok((linker.rankerWeights.weights.annotatorPrior ?? 0) > 0, JSON.stringify(linker.rankerWeights.weights));
});

void test('the learner round-trips through JSON and keeps its examples, memory and weights', async () => {
  const linker = makeLinker();
  const learner = new OnlineLearner({ base: TEST_WEIGHTS });
  const [mention] = await linker.linkSpans(TEXT, [{ start: 0, end: 6 }]);
  const d: AnnotatorDecision = { document: 'a', start: 0, end: 6, text: 'Dublin', action: 'relink', entityId: 'Q2', mention };
  learner.observe(d);
  learner.observe({ ...d, action: 'reject', entityId: null });
  const report = learner.refit();
  assert.deepEqual([report.decisions, report.examples, report.skipped], [2, 1, 1]);
  const copy = OnlineLearner.fromJSON(JSON.parse(JSON.stringify(learner.toJSON())));
  assert.deepEqual(copy.state, JSON.parse(JSON.stringify(learner.state)));
  assert.deepEqual(copy.refit().weights.weights, learner.refit().weights.weights);
  assert.deepEqual(structuredClone(learner.state), learner.state);
  assert.throws(() => OnlineLearner.fromJSON({ version: 1 }, {}, 'state.json'), (e: unknown) => LinkerError.is(e, 'inputFormat') && e.location.file === 'state.json');
});

void test('exemplars kept for another model (other dimensions) give way to the new model\'s instead of refusing them', () => {
  const learner = new OnlineLearner();
  learner.observeExemplar('Q1', [1, 0, 0]);
  learner.observeExemplar('Q2', [0, 1, 0]);
  const restored = OnlineLearner.fromJSON(learner.toJSON());
  assert.equal(restored.exemplarsReplaced, undefined);
  // The workspace's state was learned with a 3-d model; the model now gives 4-d vectors.
  restored.observeExemplar('Q3', [0, 0, 0, 1]);
  assert.deepEqual(restored.exemplarsReplaced, { entities: 2, from: 3, to: 4 });
  const state = restored.state;
  assert.equal(state.exemplars?.dims, 4);
  assert.deepEqual(Object.keys(state.exemplars?.entities ?? {}), ['Q3']);
  // Vectors of the new model keep coming in without another replacement.
  restored.observeExemplar('Q3', [0, 0, 1, 0]);
  assert.deepEqual(restored.exemplarsReplaced, { entities: 2, from: 3, to: 4 });
  assert.equal(Object.keys(restored.state.exemplars?.entities ?? {}).length, 1);
});

void test('a retracted decision (undone, or replaced by a relink) leaves the memory and the refit\'s examples as if never made', async () => {
  const linker = makeLinker();
  const learner = new OnlineLearner({ base: TEST_WEIGHTS });
  const [mention] = await linker.linkSpans(TEXT, [{ start: 0, end: 6 }]);
  assert.equal(mention.candidates[0].id, 'Q1');
  // A slip: Dublin accepted as Q1, then corrected to Q2 (the tracker retracts the accept and reports the relink).
  const slip: AnnotatorDecision = { document: 'd', start: 0, end: 6, text: 'Dublin', action: 'accept', entityId: 'Q1', mention };
  learner.observe(slip);
  learner.observe({ document: 'd', start: 10, end: 16, text: 'Dublin', action: 'accept', entityId: 'Q1', mention });
  assert.equal(learner.toJSON().examples.length, 2);
  learner.retract(slip);
  learner.observe({ ...slip, action: 'relink', entityId: 'Q2' });
  const json = learner.toJSON();
  assert.equal(json.decisions, 2, 'two decisions stand: the other accept and the relink');
  assert.deepEqual(json.examples.map((e) => e.gold), [0, 1], 'the slip\'s example is gone; the relink\'s is there');
  assert.deepEqual(json.memory.forms, { dublin: { Q1: 1, Q2: 1 } });
  learner.retract({ document: 'd', start: 10, end: 16, text: 'Dublin', action: 'accept', entityId: 'Q1', mention });
  assert.deepEqual(learner.toJSON().memory.forms, { dublin: { Q2: 1 } });
  assert.deepEqual(learner.state.memory.names, { Q2: ['Dublin'] }, 'Q1 no longer has the name');
});
