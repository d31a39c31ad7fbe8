import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExemplarMemory } from '../../../src/core/learning/exemplarMemory';
import { Linker, type LinkerOptions } from '../../../src/core/linker/linker';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { RankerWeights } from '../../../src/core/linker/ranker';
import { DocumentExemplars } from '../../../src/core/linker/selfExemplars';
import { entityText } from '../../../src/core/linker/textTemplates';
import type { LinkedMention } from '../../../src/core/linker/types';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

void test('DocumentExemplars: confident tops sum per entity; a mention is never its own exemplar', () => {
  const vectors = [v(1, 0, 0), v(0, 2, 0), v(0, 0, 1), v(1, 1, 0)];
  const tops = [{ id: 'a', probability: 0.9 }, { id: 'a', probability: 0.6 }, { id: 'b', probability: 0.4 }, undefined];
  const doc = new DocumentExemplars(tops, vectors, () => 0.5);
  assert.equal(doc.size, 1, 'b is below the threshold, mention 3 has no top');
  // Mention 0 sees only mention 1's unit vector (0, 1, 0): cosine 0 with its own direction.
  assert.equal(doc.similarity(0, 'a', vectors[0], undefined), 0);
  assert.equal(doc.similarity(1, 'a', vectors[1], undefined), 0);
  // Mention 3 sees both: (1, 1, 0) against (1, 1, 0).
  assert.ok(Math.abs((doc.similarity(3, 'a', vectors[3], undefined) ?? 0) - 1) < 1e-6);
  assert.equal(doc.similarity(3, 'b', vectors[3], undefined), undefined, 'no self-exemplars of b: the memory value stands');
  const alone = new DocumentExemplars([{ id: 'a', probability: 1 }], [v(1, 0, 0)], () => 0);
  assert.equal(alone.similarity(0, 'a', v(1, 0, 0), undefined), undefined, 'its own vector only: nothing');
});

void test('DocumentExemplars: the memory centroid and the document sum make one centroid', () => {
  const memory = new ExemplarMemory();
  memory.observe('a', v(0, 0, 3));
  const doc = new DocumentExemplars([{ id: 'a', probability: 1 }, undefined], [v(1, 0, 0), v(1, 0, 1)], () => 0.5);
  // Mention 1 against (0, 0, 1) + (1, 0, 0): cosine 1.
  assert.ok(Math.abs((doc.similarity(1, 'a', v(1, 0, 1), memory) ?? 0) - 1) < 1e-6);
  assert.ok(Math.abs((doc.similarity(1, 'a', v(1, 0, 1), undefined) ?? 0) - Math.SQRT1_2) < 1e-6);
});

const WEIGHTS: RankerWeights = { version: 2, weights: { ...TEST_WEIGHTS.weights, exemplar: 20 }, source: 'test' };
const TEXT = 'Dublin voters rallied at the mall parade. The mall parade in Dublin drew voters.';
const spans = [0, TEXT.lastIndexOf('Dublin')].map((start) => ({ start, end: start + 6 }));

function makeLinker(options: Partial<LinkerOptions>): Linker {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: WEIGHTS, options });
}

const exemplarOfTop = (m: LinkedMention): number | undefined => m.candidates[0].features?.[FEATURE_NAMES.indexOf('exemplar')];

void test('linker self-exemplars: the other mention confidently linked to an entity is its exemplar; off by kind', async () => {
  const on = await makeLinker({ selfExemplars: { entities: 0 } }).linkSpans(TEXT, spans);
  assert.equal(on[0].candidates[0].id, on[1].candidates[0].id, 'the same entity for both');
  for (const m of on) assert.ok((exemplarOfTop(m) ?? 0) > 0.3, `exemplar of ${m.start}: ${exemplarOfTop(m)}`);
  // Off: the default keeps entities off, as does a threshold no top reaches; a lone mention has no exemplar.
  for (const options of [{}, { selfExemplars: { entities: 1.01 } }, { selfExemplars: { senses: 0 } }]) {
    for (const m of await makeLinker(options).linkSpans(TEXT, spans)) assert.equal(exemplarOfTop(m), 0, JSON.stringify(options));
  }
  const [lone] = await makeLinker({ selfExemplars: { entities: 0 } }).linkSpans(TEXT, [spans[0]]);
  assert.equal(exemplarOfTop(lone), 0);
});

void test('linker coherenceScope paragraph: coherence reads only the predictions of the mention\'s paragraph', async () => {
  const weights: RankerWeights = { version: 2, weights: { ...TEST_WEIGHTS.weights, coherence: 1 }, source: 'test' };
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  const text = 'Dublin voters rallied.\n\nThe Liffey flows on.';
  const two = [{ start: 0, end: 6 }, { start: text.indexOf('Liffey'), end: text.indexOf('Liffey') + 6 }];
  const coherence = async (scope: LinkerOptions['coherenceScope']): Promise<number[]> =>
    (await new Linker({ kb, encoder, index, rankerWeights: weights, options: { coherenceScope: scope, coherenceConfidence: 0 } }).linkSpans(text, two)).map((m) => m.candidates[0].features?.[FEATURE_NAMES.indexOf('coherence')] ?? 0);
  assert.ok((await coherence('document')).every((c) => c !== 0), 'the other paragraph counts');
  assert.deepEqual(await coherence('paragraph'), [0, 0]);
});
