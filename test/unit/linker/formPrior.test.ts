import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Linker } from '../../../src/core/linker/linker';
import type { FormPriorLookup } from '../../../src/core/linker/linker';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { RankerWeights } from '../../../src/core/linker/ranker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { formCount, formPriorFromNameCounts, lemmaKeyOf, wordnetFormPriorOf, wordnetLemmaCounts, wordnetNameCounts, wordnetSynsetCounts } from '../../../src/core/linker/wordnetSenseCounts';
import { loadKnowledgeBase } from '../../../src/core/kb/loadKnowledgeBase';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

void test('per-lemma sense counts: a synset keeps each lemma\'s own count; the form picks its lemma', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wn-lemma-'));
  await writeFile(
    path.join(dir, 'index.sense'),
    ['dog%1:05:00:: 02086723 1 42', 'domestic_dog%1:05:00:: 02086723 1 3', 'dog%1:18:01:: 10133978 3 1', 'frump%1:18:00:: 10133978 1 9', 'run%2:38:00:: 01930512 1 7', ''].join('\n'),
  );
  const lemmas = await wordnetLemmaCounts(dir);
  assert.deepEqual(lemmas.get('wn:02086723-n'), [{ lemma: 'dog', count: 42 }, { lemma: 'domestic_dog', count: 3 }]);
  // The synset total counts every lemma: "dog" the frump sense is rare, "frump" is not.
  assert.equal((await wordnetSynsetCounts(dir)).get('wn:10133978-n'), 10);
  const frumpSense = lemmas.get('wn:10133978-n') ?? [];
  assert.equal(formCount(frumpSense, lemmaKeyOf('dogs')), 1, 'an inflected form counts as its closest lemma');
  assert.equal(formCount(frumpSense, lemmaKeyOf('Frump')), 9);
  assert.equal(formCount(lemmas.get('wn:02086723-n') ?? [], lemmaKeyOf('domestic  dog')), 3);
  assert.equal(formCount(lemmas.get('wn:01930512-v') ?? [], lemmaKeyOf('ran')), 7);
  assert.equal(formCount(frumpSense, lemmaKeyOf('Houston')), 0, 'a form that is no lemma of the synset (nor an inflection of one) has no count there');
});

const weights: RankerWeights = { version: 2, weights: { ...TEST_WEIGHTS.weights, formPrior: 50 }, source: 'test' };

function makeLinker(formPrior?: FormPriorLookup | Promise<FormPriorLookup | undefined>): Linker {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  return new Linker({ kb, encoder, index, rankerWeights: weights, ...(formPrior === undefined ? {} : { formPrior }) });
}

void test('formPrior: the KB\'s count of the entity under the mention\'s word, log-scaled, can decide between given candidates', async () => {
  const text = 'Dublin grew fast.';
  const spans = [{ start: 0, end: 6, candidateIds: ['Q1', 'Q2'] }];
  const counts: FormPriorLookup = (row, form) => (form === 'Dublin' && row === 1 ? 1000 : 0);
  const without = (await makeLinker().linkSpans(text, spans))[0];
  const withCounts = (await makeLinker(counts).linkSpans(text, spans))[0];
  const k = FEATURE_NAMES.indexOf('formPrior');
  assert.equal(without.candidates[0].id, 'Q1');
  assert.equal(withCounts.candidates[0].id, 'Q2');
  assert.ok(Math.abs((withCounts.candidates[0].features?.[k] ?? 0) - 1) < 1e-12, 'log(1 + 1000) / log(1001) = 1');
  assert.equal(withCounts.candidates[1].features?.[k], 0);
  // A table still loading is awaited by the first link.
  const loading = new Promise<FormPriorLookup>((resolve) => setTimeout(() => resolve(counts), 20));
  assert.equal((await makeLinker(loading).linkSpans(text, spans))[0].candidates[0].id, 'Q2');
});

void test('formPrior reads the span\'s lemma when the caller gives it (a WSD instance), else the surface form', async () => {
  // "Dublins" is no lemma; its lemma "Dublin" has the count.
  const text = 'Dublins grew fast.';
  const counts: FormPriorLookup = (row, form) => (form === 'Dublin' && row === 1 ? 1000 : 0);
  const surface = (await makeLinker(counts).linkSpans(text, [{ start: 0, end: 7, candidateIds: ['Q1', 'Q2'] }]))[0];
  const byLemma = (await makeLinker(counts).linkSpans(text, [{ start: 0, end: 7, candidateIds: ['Q1', 'Q2'], lemma: 'Dublin' }]))[0];
  const k = FEATURE_NAMES.indexOf('formPrior');
  const q2 = (m: typeof surface) => m.candidates.find((c) => c.id === 'Q2')?.features?.[k];
  assert.equal(q2(surface), 0);
  assert.ok(Math.abs((q2(byLemma) ?? 0) - 1) < 1e-12);
  assert.equal(byLemma.candidates[0].id, 'Q2');
  assert.equal(byLemma.text, 'Dublins', 'the mention is still the surface form');
});

void test('formPrior from the per-name counts the KB snapshot keeps equals the one read from index.sense, on the whole built-in WordNet', async () => {
  const { kb } = await loadKnowledgeBase([{ path: 'wordnet', format: 'wordnet' }], { strict: true });
  const counts = await wordnetNameCounts(kb.entities);
  assert.ok(counts !== undefined);
  const fromSnapshot = formPriorFromNameCounts(kb.entities, counts);
  const fromIndexSense = (await wordnetFormPriorOf(kb.entities))!;
  let compared = 0;
  let counted = 0;
  for (let row = 0; row < kb.size; row++) {
    const e = kb.entities[row];
    // Each name as written, an inflected form, and another synset's word (the closest lemma by edit similarity).
    for (const form of [e.title, `${e.title}s`, ...e.aliases, kb.entities[(row + 1) % kb.size].title]) {
      const want = fromIndexSense(row, form);
      assert.equal(fromSnapshot(row, form), want, `row ${row} (${e.id}) form "${form}"`);
      compared++;
      if ((want ?? 0) > 0) counted++;
    }
  }
  assert.ok(compared > 250_000 && counted > 10_000, `${compared} forms compared, ${counted} with a count`);
  assert.equal(fromSnapshot(0, 'x'), fromIndexSense(0, 'x'));
  assert.throws(() => formPriorFromNameCounts(kb.entities, counts.subarray(1)), /name counts for/);
});
