import { DEFAULT_NGRAM, ngramKey, ngramSet, type NgramOptions } from './ngramIndex';

/**
 * `NgramIndex.similarity(mention, row).similarity` computed from the entity's names alone, without an index over
 * the whole KB: the same padded n-gram sets (ngramSet of ngramKey) and the same measure, best name wins. The
 * linker uses it when the KB's records are served by a store, so the n-gram ranking feature needs no KB-wide
 * structure in the linking process (equal to the index's value: test/unit/linker/nameNgramSimilarity.test.ts).
 */
export function nameNgramSimilarity(mention: string, names: readonly string[], options: Pick<NgramOptions, 'n' | 'measure'> = DEFAULT_NGRAM): number {
  const query = new Set(ngramSet(ngramKey(mention), options.n));
  if (query.size === 0) return 0;
  let best = 0;
  for (const name of names) {
    const grams = ngramSet(ngramKey(name), options.n);
    if (grams.length === 0) continue;
    let common = 0;
    for (const g of grams) if (query.has(g)) common++;
    if (common === 0) continue;
    const sim = options.measure === 'cosine' ? common / Math.sqrt(query.size * grams.length) : (2 * common) / (query.size + grams.length);
    if (sim > best) best = sim;
  }
  return best;
}
