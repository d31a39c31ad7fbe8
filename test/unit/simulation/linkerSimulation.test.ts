import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Linker } from '../../../src/core/linker/linker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { annotatorDecision, LinkerLearning, simulationLinker } from '../../../src/core/simulation/linkerSimulation';
import type { SimulatedDecision } from '../../../src/core/simulation/simulationTypes';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

function makeLinker(): { linker: Linker; kb: ReturnType<typeof tinyKb> } {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return { linker: new Linker({ kb, encoder, index, rankerWeights: TEST_WEIGHTS }), kb };
}

const TEXT = 'Dublin is the capital of Ireland. Apple makes phones.';

async function decision(linker: Linker, surface: string, kbId: string | null, action: SimulatedDecision['action']): Promise<SimulatedDecision> {
  const start = TEXT.indexOf(surface);
  const [shown] = await linker.linkSpans(TEXT, [{ start, end: start + surface.length }]);
  const status = action === 'nil' ? 'nil' : action === 'reject' ? 'rejected' : 'accepted';
  return { documentId: 'd', text: TEXT, start, end: start + surface.length, kbId, status, action, shown, detected: action !== 'linkSelection' };
}

void test('simulated decisions reach the learning core as the editor records them', async () => {
  const { linker } = makeLinker();
  const cases: [SimulatedDecision['action'], string | null, string][] = [['accept', 'Q1', 'accept'], ['acceptAll', 'Q1', 'accept'], ['choose', 'Q2', 'relink'], ['linkSelection', 'Q1', 'add'], ['nil', null, 'nil'], ['reject', null, 'reject']];
  for (const [action, kbId, expected] of cases) {
    const d = annotatorDecision(await decision(linker, 'Dublin', kbId, action));
    assert.deepEqual([d.action, d.entityId, d.text, d.document], [expected, kbId, 'Dublin', 'd']);
    assert.ok(d.mention !== undefined);
  }
});

void test('the simulation linker keeps top-K candidates and searches the KB as the picker does', async () => {
  const { linker, kb } = makeLinker();
  const sim = simulationLinker(linker, kb, 2);
  const linked = await sim.linkDocument(TEXT, []);
  assert.ok(linked.length > 0);
  assert.ok(linked.every((m) => m.candidates.length <= 2));
  assert.ok(sim.searchKb('Dubl', 5).includes('Q1'));
  assert.equal(sim.titleOf('Q3'), 'New York City');
  assert.equal(sim.titleOf('nope'), undefined);
});

void test('a refit hands the learned state (and, when asked, a mention scorer) to the linker; reset takes them back', async () => {
  const { linker } = makeLinker();
  const learning = new LinkerLearning(linker, { detection: true, minDetectionExamples: 1, memoryAtOnce: false });
  learning.observe(await decision(linker, 'Apple', 'Q7', 'choose'));
  learning.observe(await decision(linker, 'capital', null, 'reject'));
  // Read through a function: an assertion on the getter would narrow its type for the lines after it.
  const learned = () => linker.learnedState;
  assert.equal(learned(), undefined);
  await learning.refit();
  assert.equal(learned()?.decisions, 2);
  assert.ok(linker.mentionScorer !== undefined);
  LinkerLearning.reset(linker);
  assert.equal(learned(), undefined);
  assert.equal(linker.mentionScorer, undefined);
  // Without detection learning the scorer stays off.
  const rankOnly = new LinkerLearning(linker, { memoryAtOnce: false });
  rankOnly.observe(await decision(linker, 'Apple', 'Q7', 'choose'));
  rankOnly.observe(await decision(linker, 'capital', null, 'reject'));
  await rankOnly.refit();
  assert.equal(linker.mentionScorer, undefined);
  assert.ok(learned() !== undefined);
});

void test('the memory reaches the linker with each decision: a form linked by hand is detected in the next document before any refit', async () => {
  const { linker } = makeLinker();
  const next = 'The phones of the fruit company sell well.';
  const detected = (): string[] => linker.detect(next).map((m) => m.text);
  const handLinked = async (): Promise<SimulatedDecision> => ({ ...(await decision(linker, 'Apple', 'Q7', 'linkSelection')), text: 'Apple, the fruit company.', start: 11, end: 24 });
  const atRefit = new LinkerLearning(linker, { memoryAtOnce: false });
  atRefit.observe(await handLinked());
  assert.ok(!detected().includes('fruit company'), 'before the refit, the memory waits');
  await atRefit.refit();
  assert.ok(detected().includes('fruit company'));
  const atOnce = new LinkerLearning(linker);
  assert.ok(atOnce.memoryAtOnce);
  assert.ok(!detected().includes('fruit company'), 'a new learner starts from the shipped state');
  atOnce.observe(await handLinked());
  assert.ok(detected().includes('fruit company'), 'no refit needed');
  assert.equal(linker.learnedState?.decisions, 1);
  assert.equal(linker.learnedState?.weights, undefined, 'the ranker is refitted only at the refit');
});
