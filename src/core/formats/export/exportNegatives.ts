import { throwIfAborted } from '../../errors';
import type { GoldMapper } from '../goldMapping';
import type { ProgressListener } from '../../log';
import type { DocumentLinker, SpanRequest } from '../../linker/types';
import type { GoldDocument, GoldMention } from '../goldDocument';
import type { HardNegative } from './blinkTrainingWriter';

export interface ExportNegativesOptions {
  readonly mapGold: GoldMapper;
  /** Negatives kept per mention. */
  readonly count: number;
  /** Ids declared the same entity as a gold id: never negatives. */
  readonly duplicatesOf?: (id: string) => readonly string[];
  readonly candidatesFor?: (mention: GoldMention, doc: GoldDocument) => readonly string[] | undefined;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

/**
 * Hard negatives as the current model sees them: each in-KB gold mention is linked with its gold span given,
 * and the best-ranked candidates that are neither the gold nor a declared duplicate are kept, with the ranker's
 * score. Keyed by the mention object, so documents sharing an id never mix.
 */
export async function mineExportNegatives(docs: readonly GoldDocument[], linker: DocumentLinker, options: ExportNegativesOptions): Promise<Map<GoldMention, HardNegative[]>> {
  const out = new Map<GoldMention, HardNegative[]>();
  for (let d = 0; d < docs.length; d++) {
    throwIfAborted(options.signal);
    const doc = docs[d]!;
    const wanted: { m: GoldMention; excluded: Set<string> }[] = [];
    for (const m of doc.mentions) {
      const gold = options.mapGold(m);
      if (gold.status !== 'in-kb') continue;
      const excluded = new Set<string>([...gold.ids, ...m.goldIds]);
      for (const id of gold.ids) for (const dup of options.duplicatesOf?.(id) ?? []) excluded.add(dup);
      wanted.push({ m, excluded });
    }
    if (wanted.length > 0) {
      const spans: SpanRequest[] = wanted.map(({ m }) => {
        const candidateIds = m.candidateIds ?? options.candidatesFor?.(m, doc);
        return candidateIds === undefined ? { start: m.start, end: m.end } : { start: m.start, end: m.end, candidateIds };
      });
      const maxExcluded = Math.max(...wanted.map((w) => w.excluded.size));
      const linked = await linker.linkSpans(doc.text, spans, { signal: options.signal, topK: options.count + maxExcluded });
      wanted.forEach(({ m, excluded }, i) => {
        const negatives = (linked[i]?.candidates ?? []).filter((c) => !excluded.has(c.id)).slice(0, options.count);
        out.set(m, negatives.map((c) => ({ id: c.id, title: c.title, score: Number(c.score.toFixed(6)) })));
      });
    }
    options.onProgress?.({ stage: 'mine negatives', done: d + 1, total: docs.length });
  }
  return out;
}
