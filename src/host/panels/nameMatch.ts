import { ngramKey, ngramSet } from '../../core/linker/ngramIndex';
import { entityNames } from '../../core/linker/names';
import type { NameMatchData } from '../../shared/panelModel';

const N = 3;

/**
 * "Why here", the name side: the entity's name (title, alias or base name) closest to the mention, the word
 * tokens they share, and their character-trigram cosine, the same measure and normalisation as the linker's
 * n-gram retriever (src/core/linker/ngramIndex.ts). So "LA" against an entity with the alias "La Lohan" reads
 * "alias La Lohan, shares la, 3-gram 0.50", not "name match 1.00". Undefined when no name shares an n-gram.
 */
export function closestName(mention: string, entity: { readonly title: string; readonly aliases: readonly string[] }): NameMatchData | undefined {
  const mentionKey = ngramKey(mention);
  const query = new Set(ngramSet(mentionKey, N));
  if (query.size === 0) return undefined;
  const mentionWords = new Set(mentionKey.split(' '));
  let best: NameMatchData | undefined;
  for (const name of entityNames(entity)) {
    const key = ngramKey(name);
    const grams = ngramSet(key, N);
    if (grams.length === 0) continue;
    let shared = 0;
    for (const g of grams) if (query.has(g)) shared++;
    const similarity = shared / Math.sqrt(query.size * grams.length);
    if (similarity > 0 && (best === undefined || similarity > best.similarity)) {
      best = {
        name,
        kind: name === entity.title ? 'title' : entity.aliases.includes(name) ? 'alias' : 'base name',
        tokens: [...new Set(key.split(' ').filter((w) => mentionWords.has(w)))],
        similarity,
      };
    }
  }
  return best;
}
