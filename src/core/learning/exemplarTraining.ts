import { throwIfAborted } from '../errors';
import type { GoldDocument } from '../formats/goldDocument';
import { spanProblem } from '../formats/goldDocument';
import type { GoldMapper } from '../formats/goldMapping';
import type { Span } from '../linker/types';
import { ExemplarMemory } from './exemplarMemory';

/** What computes mentions' in-context vectors: the linker that will use the exemplars (Linker.mentionVectors). */
export interface MentionVectorSource {
  mentionVectors(text: string, spans: readonly Span[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/**
 * The exemplars gold documents teach (training data, annotations folded into a model folder): every in-KB gold
 * mention's in-context vector, as `linker` computes it, added to its entity's centroid (the first gold id).
 * Compute them with the linker (and head) that will read them: the vectors depend on the encoder. When the
 * ranker's `exemplar` weight is trained on the same documents, cross-fit (the exemplars of other documents
 * only), as for the annotator prior: a mention's own vector would make the signal look perfect.
 */
export async function exemplarsFromGold(linker: MentionVectorSource, docs: readonly GoldDocument[], mapGold: GoldMapper, signal?: AbortSignal, into = new ExemplarMemory()): Promise<ExemplarMemory> {
  for (const doc of docs) {
    throwIfAborted(signal);
    const spans: { start: number; end: number; id: string }[] = [];
    for (const m of doc.mentions) {
      if (spanProblem(doc.text, m.start, m.end, m.text) !== undefined) continue;
      const gold = mapGold(m);
      if (gold.status === 'in-kb' && gold.ids.length > 0) spans.push({ start: m.start, end: m.end, id: gold.ids[0]! });
    }
    if (spans.length === 0) continue;
    const vectors = await linker.mentionVectors(doc.text, spans, signal);
    spans.forEach((s, i) => into.observe(s.id, vectors[i]));
  }
  return into;
}
