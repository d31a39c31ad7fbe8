import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EncodeOptions, TokenStates } from '../../../src/core/encoder/encoder';
import { LinkerError } from '../../../src/core/errors';
import type { SomModel } from '../../../src/core/som/somModelFile';
import { SomReranker } from '../../../src/core/som/somReranker';

/** One token per word; a word's state is a one-hot on its first letter (a-c), so shared initials match. */
function fakeEncoder(): { modelId: string; calls: string[][]; encodeTokens(texts: readonly string[], o?: EncodeOptions): Promise<TokenStates[]> } {
  const calls: string[][] = [];
  return {
    modelId: 'fake-model',
    calls,
    encodeTokens(texts) {
      calls.push([...texts]);
      return Promise.resolve(
        texts.map((t) => {
          const words = t.split(' ');
          return { tokens: words.length, dims: 3, data: Float32Array.from(words.flatMap((w) => [0, 1, 2].map((d) => (w.charCodeAt(0) - 97 === d ? 1 : 0)))) };
        }),
      );
    },
  };
}

const EYE = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
const MODEL: SomModel = { inDims: 3, outDims: 3, maxTokens: 8, scale: 20, mixWeight: 2, mention: EYE, entity: EYE };

void test('scores are the mean of the maxima; entity states are encoded once and then read from the cache', async () => {
  const enc = fakeEncoder();
  const r = new SomReranker(MODEL, enc);
  const s = await r.scores('apple banana', [{ text: 'avocado cherry' }, { text: 'apricot berry' }]);
  assert.deepEqual(Array.from(s), [0.5, 1]);
  const again = await r.scores('cherry', [{ text: 'avocado cherry' }, { text: 'apricot berry' }]);
  assert.deepEqual(Array.from(again), [1, 0]);
  assert.deepEqual(enc.calls, [['apple banana'], ['avocado cherry', 'apricot berry'], ['cherry']]);
  assert.deepEqual(Array.from(r.mix([1, 1.5], s)), [2, 3.5]);
});

void test('an encoder without token states is refused with a clear error', () => {
  assert.throws(() => new SomReranker(MODEL, { modelId: 'no-tokens' }), (e: unknown) => LinkerError.is(e, 'modelLoad') && /does not return token states/.test(e.message));
});
