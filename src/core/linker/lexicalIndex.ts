import MiniSearch from 'minisearch';
import type { Entity } from '../kb/entity';
import { entityNames } from './names';
import { charNgrams, foldCase, nameKey, ngramDice, normalizeSurface } from './tokens';

/**
 * Lexical retrieval and similarity over entity names (titles and aliases).
 *
 * Retrieval uses minisearch (BM25 with fuzzy term matching) over one small document per name, so a short
 * alias is not drowned by a long title of the same entity; an entity's retrieval score is its best name's.
 * minisearch's BM25 score is unbounded and depends on the query length, so the ranker does not read it:
 * the `lexical` signal is the character-trigram Dice similarity of the mention and the entity's closest
 * name (0..1), which is defined for every candidate, whichever retriever found it.
 */
export interface LexicalHit {
  readonly row: number;
  /** minisearch's score of the entity's best-matching name (for ordering only). */
  readonly score: number;
}

export interface LexicalOptions {
  /** minisearch fuzziness: the edit distance allowed is this fraction of the term length. */
  readonly fuzzy: number;
  /** Also match query terms as prefixes of name terms ("Eliz" -> "Elizabeth"). */
  readonly prefix: boolean;
}

export const DEFAULT_LEXICAL: LexicalOptions = { fuzzy: 0.2, prefix: false };

interface NameDoc {
  readonly id: number;
  readonly name: string;
}

export class LexicalIndex {
  private readonly entities: readonly Entity[];
  private readonly options: LexicalOptions;
  private readonly rowOfDoc: number[] = [];
  private readonly rowsByKey = new Map<string, number[]>();
  private readonly search: MiniSearch<NameDoc>;
  private readonly gramCache = new Map<number, Map<string, number>[]>();

  constructor(entities: readonly Entity[], options: Partial<LexicalOptions> = {}) {
    this.entities = entities;
    this.options = { ...DEFAULT_LEXICAL, ...options };
    this.search = new MiniSearch<NameDoc>({
      fields: ['name'],
      storeFields: [],
      processTerm: (term) => foldCase(normalizeSurface(term)),
    });
    const docs: NameDoc[] = [];
    entities.forEach((e, row) => {
      for (const name of entityNames(e)) {
        const key = nameKey(name);
        if (key.length === 0) continue;
        const rows = this.rowsByKey.get(key);
        if (rows === undefined) this.rowsByKey.set(key, [row]);
        else if (rows[rows.length - 1] !== row) rows.push(row);
        docs.push({ id: this.rowOfDoc.length, name });
        this.rowOfDoc.push(row);
      }
    });
    this.search.addAll(docs);
  }

  /** Rows of the entities that have a name equal to `mention` after normalisation, in KB order. */
  exactRows(mention: string): readonly number[] {
    return this.rowsByKey.get(nameKey(mention)) ?? [];
  }

  isExactName(mention: string, row: number): boolean {
    return this.exactRows(mention).includes(row);
  }

  /** The `k` entities whose names best match `mention` by BM25 (fuzzy), best first. */
  retrieve(mention: string, k: number): LexicalHit[] {
    const best = new Map<number, number>();
    const results = this.search.search(mention, { fuzzy: this.options.fuzzy, prefix: this.options.prefix, combineWith: 'OR' });
    for (const r of results) {
      const row = this.rowOfDoc[r.id as number];
      if (!best.has(row)) best.set(row, r.score);
      if (best.size >= k) break;
    }
    // Exact names first: BM25 can rank a long name that repeats a query term above the exact alias.
    const exact = this.exactRows(mention);
    const top = exact.map((row) => ({ row, score: Infinity }));
    for (const [row, score] of best) {
      if (!exact.includes(row)) top.push({ row, score });
    }
    return top.slice(0, Math.max(k, exact.length));
  }

  /** Character-trigram Dice similarity of the mention and the entity's closest name, in 0..1. */
  similarity(mention: string, row: number): number {
    const m = charNgrams(nameKey(mention));
    let best = 0;
    for (const g of this.namesGrams(row)) best = Math.max(best, ngramDice(m, g));
    return best;
  }

  private namesGrams(row: number): Map<string, number>[] {
    let grams = this.gramCache.get(row);
    if (grams === undefined) {
      grams = entityNames(this.entities[row]).map((n) => charNgrams(nameKey(n)));
      this.gramCache.set(row, grams);
    }
    return grams;
  }
}
