import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entityNames } from '../../../src/core/linker/names';
import { nameNgramSimilarity } from '../../../src/core/linker/nameNgramSimilarity';
import { NgramIndex } from '../../../src/core/linker/ngramIndex';
import { TINY_ENTITIES } from '../../fixtures/linker/tinyKb';

void test('the n-gram similarity from an entity’s names equals the KB-wide index’s, for both measures', () => {
  const mentions = ['Dublin', 'Dublinn', 'dublin ohio', 'New York', 'NYC', 'Baile Atha Cliath', 'Appel', 'the who', 'Liffey river', 'Zürich', ''];
  for (const measure of ['cosine', 'dice'] as const) {
    const index = new NgramIndex(TINY_ENTITIES, { measure });
    let positive = 0;
    for (const mention of mentions) {
      TINY_ENTITIES.forEach((e, row) => {
        const want = index.similarity(mention, row).similarity;
        if (want > 0) positive++;
        assert.ok(Math.abs(nameNgramSimilarity(mention, entityNames(e), { n: 3, measure }) - want) < 1e-12, `${measure} '${mention}' vs ${e.title}`);
      });
    }
    assert.ok(positive > 20, 'the check covers matching names, not only zeros');
  }
});
