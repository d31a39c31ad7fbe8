import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linker } from '../../../src/core/linker/linker';
import type { LinkerOptions } from '../../../src/core/linker/linker';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

/** Variant spellings that no token of a KB name matches, even with minisearch's fuzzy terms. */
const TEXT = 'Wee sayled from Iyrland up the Liffye to Dubblinne.';
const spanOf = (word: string): { start: number; end: number } => {
  const start = TEXT.indexOf(word);
  return { start, end: start + word.length };
};
const SPANS = [spanOf('Iyrland'), spanOf('Liffye'), spanOf('Dubblinne')];

// No vector index: only the lexical retrievers propose candidates, so what the n-gram one adds is visible.
function linker(options: Partial<LinkerOptions>): Linker {
  return new Linker({ kb: tinyKb(), encoder: new FakeEncoder(), rankerWeights: TEST_WEIGHTS, options });
}

void test('the n-gram retriever adds the entities of variant spellings, marked retrievedBy "ngram"', async () => {
  const linked = await linker({}).linkSpans(TEXT, SPANS);
  assert.deepEqual(linked.map((m) => m.candidates[0]?.id), ['Q11', 'Q10', 'Q1']);
  for (const m of linked) assert.ok(m.candidates[0].signals.retrievedBy.includes('ngram'), m.text);
  const without = await linker({ ngramTopN: 0 }).linkSpans(TEXT, SPANS);
  assert.deepEqual(without.map((m) => m.candidates.length), [0, 0, 0]);
});

void test('ngramTopN bounds the n-gram candidates and ngramThreshold drops weak ones', async () => {
  const one = await linker({ ngramTopN: 1, lexicalTopN: 0 }).linkSpans(TEXT, [spanOf('Dubblinne')]);
  assert.deepEqual(one[0].candidates.map((c) => c.id), ['Q1']);
  const strict = await linker({ ngramThreshold: 0.9 }).linkSpans(TEXT, SPANS);
  assert.deepEqual(strict.map((m) => m.candidates.length), [0, 0, 0]);
  const l = linker({});
  assert.equal(l.ngram.similarity('Dubblinne', 0).name, 'Dublin');
});
