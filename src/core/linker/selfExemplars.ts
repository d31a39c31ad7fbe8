import type { ExemplarMemory } from '../learning/exemplarMemory';
import { dotAt } from '../vectorMath';

/**
 * Self-exemplars (LinkerOptions.selfExemplars): a document's confident predictions as exemplars of their entities
 * for its OTHER mentions, with no decision made. Pass 1 ranks every mention; the in-context vector of each mention
 * whose top candidate is confident enough (and that had a choice: two or more candidates) is added, as a unit
 * vector, to a per-document sum for that entity; pass 2 recomputes the `exemplar` feature as the cosine of the
 * mention's vector with the exemplar memory's centroid sum plus the document's sum, leaving out the mention's own
 * vector (a mention is never its own exemplar). One sense per discourse, learned as LMMS-style sense centroids.
 */
export interface ConfidentTop {
  /** The top candidate's entity id. */
  readonly id: string;
  /** Its softmax probability. */
  readonly probability: number;
}

export class DocumentExemplars {
  private readonly sums = new Map<string, Float32Array>();
  /** Per entity: the mentions whose vectors its sum holds. */
  private readonly counts = new Map<string, number>();
  /** Per mention: the entity its vector was added to, and that unit vector (undefined when it was not). */
  private readonly own: ({ readonly id: string; readonly unit: Float32Array } | undefined)[];

  /**
   * `tops[i]`: mention i's top candidate when it may become an exemplar (undefined when not: no choice, NIL, or
   * its kind has self-exemplars off); it does when its probability is at least `threshold(i)`.
   */
  constructor(tops: readonly (ConfidentTop | undefined)[], vectors: readonly (Float32Array | undefined)[], threshold: (i: number) => number) {
    this.own = tops.map((top, i) => {
      const v = vectors[i];
      if (top === undefined || v === undefined || !(top.probability >= threshold(i))) return undefined;
      const norm = Math.sqrt(dotAt(v, 0, v, 0, v.length));
      if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
      const unit = v.map((x) => x / norm);
      let sum = this.sums.get(top.id);
      if (sum === undefined) this.sums.set(top.id, (sum = new Float32Array(v.length)));
      if (sum.length !== unit.length) return undefined;
      for (let k = 0; k < sum.length; k++) sum[k] += unit[k];
      this.counts.set(top.id, (this.counts.get(top.id) ?? 0) + 1);
      return { id: top.id, unit };
    });
  }

  /** Entities with self-exemplars in the document. */
  get size(): number {
    return this.sums.size;
  }

  /** Whether the entity has self-exemplars other than mention `i`'s own. */
  has(i: number, entityId: string): boolean {
    const sum = this.sums.get(entityId);
    if (sum === undefined) return false;
    const own = this.own[i];
    return own === undefined || own.id !== entityId || (this.counts.get(entityId) ?? 0) > 1;
  }

  /**
   * The `exemplar` feature of mention `i` (in-context vector `vector`) for `entityId`: the cosine with the memory's
   * centroid sum plus the document's sum without the mention's own vector; `undefined` when the document adds
   * nothing for it (the memory's own value stands).
   */
  similarity(i: number, entityId: string, vector: Float32Array, memory: ExemplarMemory | undefined): number | undefined {
    if (!this.has(i, entityId)) return undefined;
    const sum = Float32Array.from(this.sums.get(entityId) as Float32Array);
    const own = this.own[i];
    if (own !== undefined && own.id === entityId) for (let k = 0; k < sum.length; k++) sum[k] -= own.unit[k];
    const stored = memory?.sumOf(entityId);
    if (stored !== undefined && stored.length === sum.length) for (let k = 0; k < sum.length; k++) sum[k] += stored[k];
    if (vector.length !== sum.length) return undefined;
    const norms = Math.sqrt(dotAt(sum, 0, sum, 0, sum.length)) * Math.sqrt(dotAt(vector, 0, vector, 0, vector.length));
    return norms > 0 ? dotAt(vector, 0, sum, 0, sum.length) / norms : 0;
  }
}
