import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity } from '../../../src/core/kb/entity';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { Linker } from '../../../src/core/linker/linker';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { FeatureName, RankerWeights } from '../../../src/core/linker/ranker';
import { entityText } from '../../../src/core/linker/textTemplates';
import type { DocumentContext, LinkedMention } from '../../../src/core/linker/types';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

/** TEST_WEIGHTS plus the given new-feature weights. */
function weights(extra: Partial<Record<FeatureName, number>>): RankerWeights {
  return { version: 2, weights: { ...TEST_WEIGHTS.weights, ...extra }, source: 'test' };
}

function makeLinker(kb = tinyKb(), init: Partial<ConstructorParameters<typeof Linker>[0]> = {}): Linker {
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: TEST_WEIGHTS, ...init });
}

const feature = (m: LinkedMention, id: string, name: FeatureName): number | undefined =>
  m.candidates.find((c) => c.id === id)?.features?.[FEATURE_NAMES.indexOf(name)];

const TEXT = 'Dublin grew fast.';
const SPAN = [{ start: 0, end: 6 }];

async function top(linker: Linker, text = TEXT, spans = SPAN, context?: DocumentContext): Promise<string | undefined> {
  const [m] = await linker.linkSpans(text, spans, context === undefined ? {} : { context });
  return m.candidates[0]?.id;
}

void test('a form the annotator linked becomes a name of the entity and its prior; undefined forgets it', async () => {
  const linker = makeLinker();
  const text = 'We flew to the Big Apple.';
  const spans = [{ start: 15, end: 24 }];
  const before = (await linker.linkSpans(text, spans))[0];
  assert.ok(!before.candidates.slice(0, 1).some((c) => c.id === 'Q3'));
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'relink', entityId: 'Q3', text: 'Big Apple' });
  linker.setLearnedState({ version: 1, memory: memory.toJSON(), decisions: 1, weights: weights({ annotatorPrior: 10 }) });
  const after = (await linker.linkSpans(text, spans))[0];
  assert.equal(after.candidates[0].id, 'Q3');
  assert.equal(feature(after, 'Q3', 'annotatorPrior'), 0.5);
  assert.equal(feature(after, 'Q3', 'exactName'), 1);
  assert.equal(feature(after, 'Q3', 'exactCase'), 1, 'the confirmed form is a name with its case');
  linker.setLearnedState(undefined);
  assert.equal(await top(linker, text, spans), before.candidates[0].id);
});

void test('one sense per discourse: the same form decided elsewhere in the document', async () => {
  const linker = makeLinker(tinyKb(), { rankerWeights: weights({ discourse: 20 }) });
  const text = 'Dublin grew fast. Later, Dublin built a school.';
  const spans = [{ start: 25, end: 31 }];
  assert.equal(await top(linker, text, spans), 'Q1');
  const context = { decisions: [{ start: 0, end: 6, text: 'Dublin', entityId: 'Q2' }] };
  assert.equal(await top(linker, text, spans, context), 'Q2');
  const [m] = await linker.linkSpans(text, spans, { context });
  assert.equal(feature(m, 'Q2', 'discourse'), 1);
  assert.equal(feature(m, 'Q1', 'discourse'), 0);
});

void test('coherence: candidates close to the entities decided elsewhere in the document', async () => {
  const linker = makeLinker(tinyKb(), { rankerWeights: weights({ coherence: 8 }) });
  const text = 'Dublin grew fast. The state is large.';
  assert.equal(await top(linker, text), 'Q1');
  const context = { decisions: [{ start: 22, end: 27, text: 'state', entityId: 'Q12' }] };
  const [m] = await linker.linkSpans(text, SPAN, { context });
  assert.ok((feature(m, 'Q2', 'coherence') ?? 0) > (feature(m, 'Q1', 'coherence') ?? 0));
  assert.equal(m.candidates[0].id, 'Q2');
});

void test('coherence also reads the confident predictions of the other mentions', async () => {
  const linker = makeLinker(tinyKb(), { rankerWeights: weights({ coherence: 1 }) });
  const [dublin] = await linker.linkSpans('Dublin grew fast. Ohio is large.', [...SPAN, { start: 18, end: 22 }]);
  assert.ok((feature(dublin, 'Q2', 'coherence') ?? 0) > 0);
  const [alone] = await linker.linkSpans('Dublin grew fast.', SPAN);
  assert.equal(feature(alone, 'Q2', 'coherence'), 0);
});

void test('the KB prior (Entity.prior or a given lookup) and the given candidate order', async () => {
  const kb = tinyKb();
  const linker = makeLinker(kb, { rankerWeights: weights({ kbPrior: 20 }), entityPrior: (row) => (kb.entities[row].id === 'Q2' ? 99 : 0) });
  const [m] = await linker.linkSpans(TEXT, SPAN);
  assert.equal(m.candidates[0].id, 'Q2');
  assert.ok((feature(m, 'Q2', 'kbPrior') ?? 0) > 0.5);
  assert.ok((feature(m, 'Q1', 'kbPrior') ?? 1) < 0.1);
  const plain = makeLinker();
  assert.equal(feature((await plain.linkSpans(TEXT, SPAN))[0], 'Q2', 'kbPrior'), 0);
  const withField = makeLinker(new KnowledgeBase('p', kb.entities.map((e) => (e.id === 'Q2' ? { ...e, prior: 99 } : e))));
  assert.ok((feature((await withField.linkSpans(TEXT, SPAN))[0], 'Q2', 'kbPrior') ?? 0) > 0.5, 'Entity.prior is the default source');
  const ordered = makeLinker(kb, { rankerWeights: weights({ givenPrior: 20 }) });
  const [g] = await ordered.linkSpans(TEXT, [{ ...SPAN[0], candidateIds: ['Q2', 'Q1'] }]);
  assert.equal(g.candidates[0].id, 'Q2');
  assert.equal(feature(g, 'Q2', 'givenPrior'), 1);
  assert.equal(feature(g, 'Q1', 'givenPrior'), 0.5);
});

void test('type agreement: types chosen for the same form favour entities of that type', async () => {
  const entities: Entity[] = [
    { id: 'W1', title: 'Washington (state)', text: 'A state in the Pacific Northwest.', aliases: ['Washington'], type: 'LOC' },
    { id: 'W2', title: 'Washington, D.C.', text: 'The capital of the United States.', aliases: ['Washington'], type: 'LOC' },
    { id: 'W3', title: 'George Washington', text: 'The first president of the United States.', aliases: ['Washington'], type: 'PER' },
  ];
  const linker = makeLinker(new KnowledgeBase('w', entities));
  const memory = new AnnotatorMemory();
  memory.observe({ action: 'accept', entityId: 'W1', text: 'Washington' });
  linker.setLearnedState({ version: 1, memory: memory.toJSON(), decisions: 1 });
  const [m] = await linker.linkSpans('Washington said so.', [{ start: 0, end: 10 }]);
  assert.equal(feature(m, 'W2', 'typeAgreement'), 0.5);
  assert.equal(feature(m, 'W3', 'typeAgreement'), 0);
});

void test('the bare-name cosine is a feature; extra candidate ids are scored besides the retrieved ones', async () => {
  const linker = makeLinker();
  const [m] = await linker.linkSpans(TEXT, [{ ...SPAN[0], extraCandidateIds: ['Q9'] }], { topK: 20 });
  assert.ok((feature(m, 'Q1', 'nameDense') ?? 0) > 0.3);
  const it = m.candidates.find((c) => c.id === 'Q9');
  assert.ok(it?.signals.retrievedBy.includes('given'));
  assert.equal(feature(m, 'Q9', 'givenPrior'), 0);
});

void test('name count: an entity with more names in the KB gets the higher popularity cue', async () => {
  const linker = makeLinker();
  const [m] = await linker.linkSpans('New York grew fast.', [{ start: 0, end: 8 }], { topK: 20 });
  assert.ok((feature(m, 'Q3', 'nameCount') ?? 0) > (feature(m, 'Q12', 'nameCount') ?? 1));
  assert.equal(feature(m, 'Q12', 'nameCount'), Math.log(2) / Math.log(21));
});
