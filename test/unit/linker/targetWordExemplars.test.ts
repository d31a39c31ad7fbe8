import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EncodeOptions, TokenStates } from '../../../src/core/encoder/encoder';
import { LinkerError } from '../../../src/core/errors';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import { ExemplarMemory } from '../../../src/core/learning/exemplarMemory';
import { exemplarsFromGold } from '../../../src/core/learning/exemplarTraining';
import { meanState, targetTokenMean, targetTokenRange } from '../../../src/core/learning/targetTokens';
import { Linker } from '../../../src/core/linker/linker';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import type { RankerWeights } from '../../../src/core/linker/ranker';
import { entityText, mentionText } from '../../../src/core/linker/textTemplates';
import type { LinkedMention } from '../../../src/core/linker/types';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

/** One token per space-separated word (ids: the word's position in a growing vocabulary). */
const words = { tokenize: (text: string): number[] => text.split(' ').filter((w) => w.length > 0).map((w) => w.length) };

/**
 * The fake encoder with token states: token j's state is the fake vector of its word and the next one (a local
 * context that differs from the whole text's vector), tokens as `words` counts them.
 */
class TokenFakeEncoder extends FakeEncoder {
  tokenize(text: string): number[] {
    return words.tokenize(text);
  }

  async encodeTokens(texts: readonly string[], _options?: EncodeOptions): Promise<TokenStates[]> {
    return texts.map((t) => {
      const ws = t.split(' ').filter((w) => w.length > 0);
      const data = new Float32Array(ws.length * this.dims);
      ws.forEach((w, j) => data.set(this.vector(`${w} ${ws[j + 1] ?? ''}`), j * this.dims));
      return { tokens: ws.length, dims: this.dims, data };
    });
  }
}

void test('targetTokenRange: the marked mention\'s own tokens; meanState averages them; not found -> undefined', () => {
  assert.deepEqual(targetTokenRange(words, 'we sat on the [ river bank ] eating', ['[', ']'], 8), [5, 7]);
  assert.deepEqual(targetTokenRange(words, 'we sat on the [ river bank ] eating', ['[', ']'], 6), [5, 6], 'clipped by the encoder length');
  assert.equal(targetTokenRange(words, 'we sat on the [ river bank ] eating', ['[', ']'], 5), undefined);
  assert.equal(targetTokenRange(words, 'no marked mention here', ['[', ']'], 4), undefined);
  const states: TokenStates = { tokens: 3, dims: 2, data: Float32Array.from([1, 0, 3, 4, 5, 8]) };
  assert.deepEqual(Array.from(meanState(states, 1, 3)), [4, 6]);
  assert.deepEqual(Array.from(targetTokenMean(words, '[ b c ]', ['[', ']'], states) ?? []), [4, 6]);
});

void test('exemplar memory: target-word vectors kept beside, round trip, merge, old JSON without them reads as before', () => {
  const m = new ExemplarMemory();
  m.observe('bank%river', Float32Array.from([1, 0]));
  assert.equal(m.tokens, undefined);
  assert.equal(m.toJSON().tokens, undefined, 'a memory without target-word vectors writes the old JSON');
  m.observeTokens('bank%river', Float32Array.from([0, 0, 2]));
  const json = JSON.parse(JSON.stringify(m.toJSON()));
  const back = ExemplarMemory.fromJSON(json);
  assert.equal(back.tokens?.count('bank%river'), 1);
  assert.ok(Math.abs((back.tokens?.similarity('bank%river', Float32Array.from([0, 0, 1])) ?? 0) - 1) < 1e-6);
  assert.equal(back.similarity('bank%river', Float32Array.from([1, 0])), 1, 'the sentence centroid is untouched');
  const merged = ExemplarMemory.fromJSON(ExemplarMemory.merge(json, json));
  assert.equal(merged.tokens?.count('bank%river'), 2);
  const old = { ...json, tokens: undefined };
  assert.equal(ExemplarMemory.fromJSON(JSON.parse(JSON.stringify(old))).tokens, undefined);
  assert.equal(ExemplarMemory.fromJSON(ExemplarMemory.merge(old, json)).tokens?.count('bank%river'), 1);
  assert.throws(() => ExemplarMemory.fromJSON({ ...json, tokens: 'x' }, 'learned.json'), (e: unknown) => LinkerError.is(e, 'inputFormat') && (e as LinkerError).location?.file === 'learned.json');
});

const WEIGHTS: RankerWeights = { version: 2, weights: { ...TEST_WEIGHTS.weights, exemplar: 20 }, source: 'test' };
const TEXT = 'The mall parade in Dublin drew voters.';
const SPAN = { start: TEXT.indexOf('Dublin'), end: TEXT.indexOf('Dublin') + 6 };
const exemplarOf = (m: LinkedMention, id: string): number | undefined => m.candidates.find((c) => c.id === id)?.features?.[FEATURE_NAMES.indexOf('exemplar')];
const cos = (a: Float32Array, b: Float32Array): number => {
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) { ab += a[k] * b[k]; aa += a[k] * a[k]; bb += b[k] * b[k]; }
  return ab / Math.sqrt(aa * bb);
};

void test('linker: a given sense list reads `exemplar` on target-word vectors when the memory has them, the gloss for a sense without', async () => {
  const kb = tinyKb();
  const encoder = new TokenFakeEncoder();
  const linker = new Linker({ kb, encoder, index: new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims), rankerWeights: WEIGHTS });
  const given = [{ ...SPAN, candidateIds: ['Q1', 'Q2'] }];
  // The sentence exemplars say Q1 (this very context); the target-word exemplars say Q2.
  const [sentence] = await linker.mentionVectors(TEXT, [SPAN]);
  const [target] = (await linker.targetWordVectors(TEXT, [SPAN])) ?? [];
  assert.ok(target !== undefined);
  const memory = new ExemplarMemory();
  memory.observe('Q1', sentence);
  const state = (m: ExemplarMemory): Parameters<Linker['setLearnedState']>[0] => ({ version: 1, memory: new AnnotatorMemory().toJSON(), exemplars: m.toJSON(), decisions: 1 });
  linker.setLearnedState(state(memory));
  const [bySentence] = await linker.linkSpans(TEXT, given);
  assert.equal(bySentence.candidates[0].id, 'Q1', 'without target-word exemplars: the sentence centroid, as before');
  assert.ok(Math.abs((exemplarOf(bySentence, 'Q1') ?? 0) - 1) < 1e-5);
  memory.observeTokens('Q2', target);
  linker.setLearnedState(state(memory));
  const [byWord] = await linker.linkSpans(TEXT, given);
  assert.equal(byWord.candidates[0].id, 'Q2');
  assert.ok(Math.abs((exemplarOf(byWord, 'Q2') ?? 0) - 1) < 1e-5);
  // Q1 has no target-word exemplar: its gloss's mean token state.
  const [glossStates] = await encoder.encodeTokens([entityText(kb.entities[kb.rowOf('Q1')!])]);
  const expected = cos(target, meanState(glossStates, 0, glossStates.tokens));
  assert.ok(expected > 0 && expected < 1);
  assert.ok(Math.abs((exemplarOf(byWord, 'Q1') ?? 0) - expected) < 1e-5);
  // Retrieved candidates (no given list) keep the sentence feature.
  const [retrieved] = await linker.linkSpans(TEXT, [SPAN]);
  assert.equal(exemplarOf(retrieved, 'Q2'), 0);
  // An encoder without token states: the sentence feature.
  const plain = new Linker({ kb, encoder: new FakeEncoder(), rankerWeights: WEIGHTS });
  plain.setLearnedState(state(memory));
  assert.equal((await plain.linkSpans(TEXT, given))[0].candidates[0].id, 'Q1');
  assert.equal(await plain.targetWordVectors(TEXT, [SPAN]), undefined);
});

void test('exemplarsFromGold: each gold mention\'s target-word vector joins its sense\'s target-word centroid', async () => {
  const kb = tinyKb();
  const encoder = new TokenFakeEncoder();
  const linker = new Linker({ kb, encoder, rankerWeights: WEIGHTS });
  const doc = { id: 'd1', text: TEXT, mentions: [{ ...SPAN, text: 'Dublin', goldIds: ['Q2'], nil: false, source: { file: 't' } }] };
  const memory = await exemplarsFromGold(linker, [doc], () => ({ status: 'in-kb' as const, ids: ['Q2'] }));
  assert.equal(memory.count('Q2'), 1);
  assert.equal(memory.tokens?.count('Q2'), 1);
  const [states] = await encoder.encodeTokens([mentionText(TEXT, SPAN)]);
  const own = targetTokenMean(encoder, mentionText(TEXT, SPAN), ['[', ']'], states)!;
  assert.ok(Math.abs((memory.tokens?.similarity('Q2', own) ?? 0) - 1) < 1e-6);
  const plain = await exemplarsFromGold(new Linker({ kb, encoder: new FakeEncoder(), rankerWeights: WEIGHTS }), [doc], () => ({ status: 'in-kb' as const, ids: ['Q2'] }));
  assert.equal(plain.tokens, undefined, 'an encoder without token states writes the memory as before');
});
