import MiniSearch from 'minisearch';
import type { Options } from 'minisearch';
import { exportMiniSearch, importMiniSearch, type MiniSearchState } from './miniSearchState';
import type { StringList } from './gazetteerSaved';
import { findSorted } from '../index/binarySnapshot';
import type { Entity } from '../kb/entity';
import { entityNames } from './names';
import { charNgrams, foldCase, nameKey, ngramDice, normalizeSurface } from './tokens';

/**
 * Lexical retrieval and similarity over entity names (titles and aliases).
 *
 * Retrieval uses minisearch (BM25 with fuzzy term matching) over one small document per name, so a short
 * alias is not drowned by a long title of the same entity; an entity's retrieval score is its best name's.
 * minisearch's BM25 score is unbounded and depends on the query length, so the ranker does not read it:
 * the `lexical` signal (0..1, defined for every candidate whichever retriever found it) is 1 when every
 * token of the mention occurs in one of the entity's names ("Emerson" in "Ralph Waldo Emerson" and in
 * "Roy Stanley Emerson" alike), else the character-trigram Dice similarity of the mention and the closest
 * name (spelling variants). Plain Dice would prefer the shortest name containing a surname, a bias that
 * tuned weights amplify and that overrides the context; which full name a partial one means is the dense
 * score's question, and an exact full name has its own feature.
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

interface NameInfo {
  readonly grams: Map<string, number>;
  readonly tokens: ReadonlySet<string>;
}

interface NameDoc {
  readonly id: number;
  readonly name: string;
}

/** What an index is made of, for a snapshot (`toSaved`, and the constructor's `saved`). */
export interface LexicalIndexSaved {
  /** minisearch's state as arrays (miniSearchState.ts), or its own serialisation (JSON) where that cannot be taken. */
  readonly search: MiniSearchState | string;
  /** KB row of each name document. */
  readonly rowOfDoc: Int32Array;
  /**
   * The distinct name keys in ascending code-unit order (looked up by binary search, so a loaded index builds no
   * map of them), and each one's rows in compressed-row form (rows of key k: keyRows[keyStart[k]..keyStart[k+1])).
   */
  readonly keys: StringList;
  readonly keyStart: Int32Array;
  readonly keyRows: Int32Array;
}

function searchOptions(): Options<NameDoc> {
  return { fields: ['name'], storeFields: [], processTerm: (term) => foldCase(normalizeSurface(term)) };
}

export class LexicalIndex {
  private readonly entities: readonly Entity[];
  private readonly options: LexicalOptions;
  private readonly rowOfDoc: number[] | Int32Array = [];
  /** Rows of the entities with a name of this key (a map when built; a search of the sorted keys when loaded). */
  private readonly rowsByKey: { get(key: string): readonly number[] | undefined };
  private readonly search: MiniSearch<NameDoc>;
  private readonly gramCache = new Map<number, NameInfo[]>();
  // The linker asks for one mention's similarity to each of its candidates in a row.
  private lastMention = '';
  private lastGrams = new Map<string, number>();
  private lastTokens: string[] = [];

  /**
   * `saved`: what an index built earlier over the same entities held (a snapshot), or another index over them
   * (withOptions), used instead of indexing again.
   */
  constructor(entities: readonly Entity[], options: Partial<LexicalOptions> = {}, saved?: LexicalIndexSaved | LexicalIndex) {
    this.entities = entities;
    this.options = { ...DEFAULT_LEXICAL, ...options };
    if (saved instanceof LexicalIndex) {
      this.search = saved.search;
      this.rowOfDoc = saved.rowOfDoc;
      this.rowsByKey = saved.rowsByKey;
      return;
    }
    if (saved !== undefined) {
      this.search = typeof saved.search === 'string' ? MiniSearch.loadJSON<NameDoc>(saved.search, searchOptions()) : importMiniSearch<NameDoc>(saved.search, searchOptions(), 'name');
      this.rowOfDoc = saved.rowOfDoc;
      this.rowsByKey = sortedKeyRows(saved);
      return;
    }
    const rowsByKey = new Map<string, number[]>();
    this.rowsByKey = rowsByKey;
    this.search = new MiniSearch<NameDoc>(searchOptions());
    const docs: NameDoc[] = [];
    const rowOfDoc: number[] = [];
    entities.forEach((e, row) => {
      for (const name of entityNames(e)) {
        const key = nameKey(name);
        if (key.length === 0) continue;
        const rows = rowsByKey.get(key);
        if (rows === undefined) rowsByKey.set(key, [row]);
        else if (rows[rows.length - 1] !== row) rows.push(row);
        docs.push({ id: rowOfDoc.length, name });
        rowOfDoc.push(row);
      }
    });
    this.rowOfDoc = rowOfDoc;
    this.search.addAll(docs);
  }

  /** Whether this index was made over exactly these entities (the same array). */
  isOver(entities: readonly Entity[]): boolean {
    return this.entities === entities;
  }

  /** The same names with other query settings (fuzziness, prefixes): the index is shared, not built again. */
  withOptions(options: Partial<LexicalOptions>): LexicalIndex {
    return new LexicalIndex(this.entities, options, this);
  }

  /** What the index is made of, for a snapshot the constructor's `saved` takes back. */
  toSaved(): LexicalIndexSaved {
    if (!(this.rowsByKey instanceof Map)) throw new RangeError('LexicalIndex.toSaved: only an index built from entities can be saved.');
    const byKey = this.rowsByKey as Map<string, number[]>;
    const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const keyStart = new Int32Array(keys.length + 1);
    keys.forEach((key, k) => (keyStart[k + 1] = keyStart[k] + byKey.get(key)!.length));
    const keyRows = new Int32Array(keyStart[keys.length]);
    keys.forEach((key, k) => keyRows.set(byKey.get(key)!, keyStart[k]));
    const search = exportMiniSearch(this.search as MiniSearch<unknown>, 'name') ?? JSON.stringify(this.search);
    return { search, rowOfDoc: Int32Array.from(this.rowOfDoc), keys: { count: keys.length, at: (i) => keys[i] }, keyStart, keyRows };
  }

  /** Rows of the entities that have a name equal to `mention` after normalisation, in KB order. */
  exactRows(mention: string): readonly number[] {
    return this.rowsByKey.get(nameKey(mention)) ?? [];
  }

  isExactName(mention: string, row: number): boolean {
    return this.exactRows(mention).includes(row);
  }

  /**
   * The `k` entities whose names best match `mention` by BM25, best first; exact names always included.
   * Fuzzy matching costs ~15x an exact search in minisearch, so it only runs when the mention is no exact name
   * and the exact search found fewer than `k` entities.
   */
  retrieve(mention: string, k: number): LexicalHit[] {
    const exact = this.exactRows(mention);
    const best = new Map<number, number>();
    const collect = (fuzzy: number | false): void => {
      for (const r of this.search.search(mention, { fuzzy, prefix: this.options.prefix, combineWith: 'OR' })) {
        const row = this.rowOfDoc[r.id as number];
        if (!best.has(row)) best.set(row, r.score);
        if (best.size >= k) break;
      }
    };
    collect(false);
    if (exact.length === 0 && best.size < k && this.options.fuzzy > 0) {
      best.clear();
      collect(this.options.fuzzy);
    }
    // Exact names first: BM25 can rank a long name that repeats a query term above the exact alias.
    const top = exact.map((row) => ({ row, score: Infinity }));
    for (const [row, score] of best) {
      if (!exact.includes(row)) top.push({ row, score });
    }
    return top.slice(0, Math.max(k, exact.length));
  }

  /** 1 when the mention's tokens all occur in one name of the entity, else trigram Dice to the closest name. */
  similarity(mention: string, row: number): number {
    if (mention !== this.lastMention) {
      this.lastMention = mention;
      const key = nameKey(mention);
      this.lastGrams = charNgrams(key);
      this.lastTokens = key.split(' ').filter((t) => /[\p{L}\p{N}]/u.test(t));
    }
    const m = this.lastGrams;
    const tokens = this.lastTokens;
    let best = 0;
    for (const n of this.namesInfo(row)) {
      if (tokens.length > 0 && tokens.every((t) => n.tokens.has(t))) return 1;
      best = Math.max(best, ngramDice(m, n.grams));
    }
    return best;
  }

  private namesInfo(row: number): NameInfo[] {
    let info = this.gramCache.get(row);
    if (info === undefined) {
      info = entityNames(this.entities[row]).map((n) => {
        const key = nameKey(n);
        return { grams: charNgrams(key), tokens: new Set(key.split(' ')) };
      });
      this.gramCache.set(row, info);
    }
    return info;
  }
}

/** Rows by key over saved, sorted keys: a binary search, each probed key decoded only when compared. */
function sortedKeyRows(saved: LexicalIndexSaved): { get(key: string): readonly number[] | undefined } {
  const { keys, keyStart, keyRows } = saved;
  return {
    get(key) {
      const k = findSorted(keys, key);
      return k < 0 ? undefined : Array.from(keyRows.subarray(keyStart[k], keyStart[k + 1]));
    },
  };
}
