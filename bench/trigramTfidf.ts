/**
 * The plain baseline issue 10 measures the product against: character-trigram TF-IDF over the KB's names
 * (scikit-learn's TfidfVectorizer with char trigrams and its defaults: raw counts, smooth idf
 * ln((1+N)/(1+df))+1, L2 norm), an entity scored by the cosine of its best name. Names and their
 * normalisation are the linker's (entityNames, nameKey, charNgrams with one space of padding), so the
 * comparison is about the retrieval method only. Exhaustive over an inverted index; for benchmarks, not tuned
 * for speed.
 */
import type { Entity } from '../src/core/kb/entity';
import { entityNames } from '../src/core/linker/names';
import { charNgrams, nameKey } from '../src/core/linker/tokens';

export class TrigramTfidf {
  private readonly idf = new Map<string, number>();
  /** n-gram -> (name, weight) pairs of the L2-normalised name vectors. */
  private readonly postings = new Map<string, { name: number; w: number }[]>();
  private readonly rowOfName: number[] = [];

  constructor(entities: readonly Entity[]) {
    const grams: Map<string, number>[] = [];
    entities.forEach((e, row) => {
      for (const name of entityNames(e)) {
        const key = nameKey(name);
        if (key.length === 0) continue;
        grams.push(charNgrams(key));
        this.rowOfName.push(row);
      }
    });
    const df = new Map<string, number>();
    for (const g of grams) for (const k of g.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    for (const [k, d] of df) this.idf.set(k, Math.log((1 + grams.length) / (1 + d)) + 1);
    grams.forEach((g, name) => {
      for (const [k, w] of this.vector(g)) {
        let list = this.postings.get(k);
        if (list === undefined) this.postings.set(k, (list = []));
        list.push({ name, w });
      }
    });
  }

  /** The `k` best entities, by the cosine of their best name; ties by row. */
  retrieve(mention: string, k: number): { row: number; score: number }[] {
    const key = nameKey(mention);
    if (key.length === 0) return [];
    const dots = new Map<number, number>();
    for (const [g, w] of this.vector(charNgrams(key))) {
      for (const p of this.postings.get(g) ?? []) dots.set(p.name, (dots.get(p.name) ?? 0) + w * p.w);
    }
    const best = new Map<number, number>();
    for (const [name, s] of dots) {
      const row = this.rowOfName[name];
      if (s > (best.get(row) ?? 0)) best.set(row, s);
    }
    return [...best].map(([row, score]) => ({ row, score })).sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
  }

  /** tf-idf weights, L2-normalised; n-grams unseen in the KB have no idf and no weight (they match nothing). */
  private vector(grams: Map<string, number>): [string, number][] {
    const v: [string, number][] = [];
    let norm = 0;
    for (const [g, tf] of grams) {
      const w = tf * (this.idf.get(g) ?? 0);
      if (w > 0) v.push([g, w]);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    return norm === 0 ? [] : v.map(([g, w]) => [g, w / norm]);
  }
}
