import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExemplarMemory } from '../../../src/core/learning/exemplarMemory';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { OnlineLearner } from '../../../src/core/learning/onlineLearner';
import { Linker } from '../../../src/core/linker/linker';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { RankerWeights } from '../../../src/core/linker/ranker';
import { entityText } from '../../../src/core/linker/textTemplates';
import type { LinkedMention } from '../../../src/core/linker/types';
import { stackLearnedStates } from '../../../src/core/training/modelLearnedState';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

const WEIGHTS: RankerWeights = { version: 2, weights: { ...TEST_WEIGHTS.weights, exemplar: 20 }, source: 'test' };

function makeLinker(): Linker {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: WEIGHTS });
}

const exemplarOf = (m: LinkedMention, id: string): number | undefined => m.candidates.find((c) => c.id === id)?.features?.[FEATURE_NAMES.indexOf('exemplar')];

// The annotator says this "Dublin" is the Ohio suburb (Q2); zero-shot the linker prefers the capital of Ireland (Q1),
// and nothing in either text names Ohio: only the shared context (the mall parade, voters) can carry the decision.
const CONFIRMED = 'Dublin voters rallied at the mall parade.';
const LATER = 'The mall parade in Dublin drew voters.';
const spanOf = (text: string): { start: number; end: number } => ({ start: text.indexOf('Dublin'), end: text.indexOf('Dublin') + 6 });

void test('exemplar feature: a mention confirmed in context pulls mentions in similar contexts to its entity', async () => {
  const linker = makeLinker();
  const [before] = await linker.linkSpans(LATER, [spanOf(LATER)]);
  assert.equal(before.candidates[0].id, 'Q1');
  assert.equal(exemplarOf(before, 'Q2'), 0, 'no learned state: 0');
  const [vector] = await linker.mentionVectors(CONFIRMED, [spanOf(CONFIRMED)]);
  const exemplars = new ExemplarMemory();
  exemplars.observe('Q2', vector);
  linker.setLearnedState({ version: 1, memory: new AnnotatorMemory().toJSON(), exemplars: exemplars.toJSON(), decisions: 1 });
  const [after] = await linker.linkSpans(LATER, [spanOf(LATER)]);
  assert.equal(after.candidates[0].id, 'Q2');
  assert.ok((exemplarOf(after, 'Q2') ?? 0) > 0.3);
  assert.equal(exemplarOf(after, 'Q1'), 0, 'no exemplars for Q1');
  linker.setLearnedState(undefined);
  assert.equal((await linker.linkSpans(LATER, [spanOf(LATER)]))[0].candidates[0].id, 'Q1');
});

void test('mentionVectors: the vector linking returns on request is the one mentionVectors computes', async () => {
  const linker = makeLinker();
  const [m] = await linker.linkSpans(CONFIRMED, [spanOf(CONFIRMED)], { mentionVectors: true });
  const [plain] = await linker.linkSpans(CONFIRMED, [spanOf(CONFIRMED)]);
  assert.equal(plain.vector, undefined, 'only on request');
  const [v] = await linker.mentionVectors(CONFIRMED, [spanOf(CONFIRMED)]);
  assert.deepEqual(m.vector, Array.from(v));
});

void test('online: a relink carrying the mention vector feeds the exemplars of the learned state, which persist and stack', async () => {
  const linker = makeLinker();
  const [shown] = await linker.linkSpans(CONFIRMED, [spanOf(CONFIRMED)], { mentionVectors: true });
  const learner = new OnlineLearner({ base: WEIGHTS });
  learner.observe({ document: 'a.txt', start: shown.start, end: shown.end, text: shown.text, action: 'relink', entityId: 'Q2', mention: shown });
  learner.observe({ document: 'a.txt', start: 0, end: 4, text: 'Ohio', action: 'reject', entityId: null });
  const state = OnlineLearner.fromJSON(JSON.parse(JSON.stringify(learner.toJSON())), { base: WEIGHTS }).state;
  assert.equal(ExemplarMemory.fromJSON(state.exemplars).count('Q2'), 1);
  linker.setLearnedState(state);
  assert.equal((await linker.linkSpans(LATER, [spanOf(LATER)]))[0].candidates[0].id, 'Q2');
  const model = new ExemplarMemory();
  model.observe('Q2', Float32Array.from(shown.vector ?? []));
  const stacked = stackLearnedStates({ version: 1, memory: new AnnotatorMemory().toJSON(), exemplars: model.toJSON(), decisions: 1 }, state);
  assert.equal(ExemplarMemory.fromJSON(stacked?.exemplars).count('Q2'), 2);
});
