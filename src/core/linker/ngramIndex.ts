import type { Entity } from '../kb/entity';
import { entityNames } from './names';
import { tokenize } from './tokens';

/**
 * Approximate string retrieval over every name of the KB (titles, aliases, base names) by character n-grams:
 * the method of SimString (Okazaki & Tsujii 2010, brat's normalisation search) and Postgres' pg_trgm. It finds
 * names spelt differently from the mention ("Cittye of Waterfford" -> "City of Waterford", OCR "Dublm"),
 * which token search misses because no token of the mention is a token of the name.
 *
 * - A name's n-grams are those of its normalised key: word tokens, case-folded, accents removed (the combining
 *   diacritics of NFD: "Zürich" = "Zurich", Greek tonos too), joined by one space, and padded with n-1 boundary
 *   marks on each side, so a name's first and last letters count as much as the middle. A repeated n-gram is
 *   numbered ("ana", "ana#2"), which turns the bag into a set while keeping multiplicity, as SimString does.
 * - Similarity of two sets X, Y: cosine |X∩Y| / sqrt(|X||Y|) (default) or Dice 2|X∩Y| / (|X|+|Y|).
 * - Candidate generation for a threshold α is exact, not approximate: a name can only reach α if its size lies
 *   in a range fixed by |X| and α (cosine: α²|X| ≤ |Y| ≤ |X|/α²). Names are numbered by size, so each
 *   inverted list is sorted by size and the size filter is two binary searches per query n-gram; the overlap
 *   of every name in range is counted in one typed array.
 * - An entity's similarity is its best name's; retrieval returns the top entities, ties by KB row.
 *
 * Everything is typed arrays in compressed-row form (no object per posting): names, their n-grams, the
 * inverted lists, name -> rows and row -> names. Built once per KB (the linker builds it on first use).
 */
export type NgramMeasure = 'cosine' | 'dice';

export interface NgramOptions {
  /** n-gram length (2..5). */
  readonly n: number;
  readonly measure: NgramMeasure;
  /**
   * Retrieval keeps names whose similarity is at least this (0 < threshold <= 1). 0.2 keeps a misspelt surname
   * against a full name ("Trvmp" -> "Donald Trump", 0.20); chosen on the oke-*-train files of elevant with
   * spelling noise (bench/retrievalRecall.ts), where 0.3 lost 1-1.5 points of recall@64.
   */
  readonly threshold: number;
}

export const DEFAULT_NGRAM: NgramOptions = { n: 3, measure: 'cosine', threshold: 0.2 };

export interface NgramHit {
  readonly row: number;
  /** Similarity of the entity's best-matching name, in [threshold, 1]. */
  readonly similarity: number;
}

export interface NgramMatch {
  /** Similarity of the mention and the entity's closest name, 0..1 (0 when no n-gram is shared). */
  readonly similarity: number;
  /** That name as written in the KB (title, alias or base name); absent when the similarity is 0. */
  readonly name?: string;
}

/** Size figures of a built index (for logs and the benchmarks). */
export interface NgramIndexStats {
  readonly names: number;
  readonly grams: number;
  readonly postings: number;
  /** Bytes held in typed arrays (the n-gram dictionary's Map and strings come on top). */
  readonly arrayBytes: number;
}

const BOUNDARY = '\u0001';
const REPEAT = '\u0002';
/** The Combining Diacritical Marks block (accents shared by Latin, Greek and Cyrillic letters after NFD). */
const DIACRITICS = /[\u0300-\u036f]/g;
const SURROGATE = /[\uD800-\uDFFF]/;
const EPS = 1e-9;

/** The normalised form n-grams are taken from: word tokens, case-folded, accents removed, one space apart. */
export function ngramKey(name: string): string {
  const words: string[] = [];
  for (const t of tokenize(name)) {
    if (!t.word) continue;
    const w = t.folded.normalize('NFD').replace(DIACRITICS, '').normalize('NFC');
    if (w.length > 0) words.push(w);
  }
  return words.join(' ');
}

/** The padded, numbered n-gram set of a key (empty for an empty key). Code points, not UTF-16 units. */
export function ngramSet(key: string, n: number): string[] {
  if (key.length === 0) return [];
  const pad = BOUNDARY.repeat(n - 1);
  const padded = pad + key + pad;
  const chars = SURROGATE.test(padded) ? [...padded] : undefined;
  const length = chars === undefined ? padded.length : chars.length;
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (let i = 0; i + n <= length; i++) {
    const g = chars === undefined ? padded.slice(i, i + n) : chars.slice(i, i + n).join('');
    const k = (seen.get(g) ?? 0) + 1;
    seen.set(g, k);
    out.push(k === 1 ? g : `${g}${REPEAT}${k}`);
  }
  return out;
}

/** The arrays an index is made of, for a snapshot (`toArrays`, and the constructor's `saved`). */
export interface NgramIndexArrays {
  /** The n-grams in id order. */
  readonly grams: readonly string[];
  readonly sizeStart: Int32Array;
  readonly nameGramStart: Int32Array;
  readonly nameGrams: Int32Array;
  readonly postingStart: Int32Array;
  readonly postings: Int32Array;
  readonly nameRowStart: Int32Array;
  readonly nameRows: Int32Array;
  readonly rowNameStart: Int32Array;
  readonly rowNames: Int32Array;
  readonly rowNameSlot: Int32Array;
}

interface Query {
  /** Ids of the query's n-grams that occur in some name, ascending. */
  readonly ids: Int32Array;
  /** |X|: every n-gram of the query, known or not. */
  readonly size: number;
}

export class NgramIndex {
  readonly options: NgramOptions;
  private readonly entities: readonly Entity[];
  private readonly gramIds = new Map<string, number>();
  /** Names are numbered by ascending size; names of size s are [sizeStart[s], sizeStart[s+1]). */
  private readonly sizeStart: Int32Array;
  private readonly nameGramStart: Int32Array;
  /** Each name's n-gram ids, ascending. */
  private readonly nameGrams: Int32Array;
  private readonly postingStart: Int32Array;
  /** Each n-gram's names, ascending (hence by size). */
  private readonly postings: Int32Array;
  private readonly nameRowStart: Int32Array;
  private readonly nameRows: Int32Array;
  private readonly rowNameStart: Int32Array;
  private readonly rowNames: Int32Array;
  /** Position of the name in `entityNames(entity)`, to give it back as written. */
  private readonly rowNameSlot: Int32Array;
  // Scratch space reused by every query (an index serves one query at a time).
  private readonly overlap: Int32Array;
  private readonly touched: Int32Array;
  private readonly rowBest: Float64Array;
  private readonly rowTouched: Int32Array;
  private lastMention: string | undefined;
  private lastQuery: Query = { ids: new Int32Array(0), size: 0 };

  /** `saved`: the arrays of an index built earlier over the same entities with the same n (a snapshot), used as they are. */
  constructor(entities: readonly Entity[], options: Partial<NgramOptions> = {}, saved?: NgramIndexArrays) {
    this.options = { ...DEFAULT_NGRAM, ...options };
    const { n, threshold } = this.options;
    if (!(Number.isInteger(n) && n >= 2 && n <= 5)) throw new RangeError(`NgramIndex: n must be an integer from 2 to 5, not ${n}.`);
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`NgramIndex: threshold must be in (0, 1], not ${threshold}.`);
    this.entities = entities;
    if (saved !== undefined) {
      if (saved.rowNameStart.length !== entities.length + 1) throw new RangeError(`NgramIndex: saved arrays are for ${saved.rowNameStart.length - 1} entities, not ${entities.length}.`);
      saved.grams.forEach((g, id) => this.gramIds.set(g, id));
      this.sizeStart = saved.sizeStart;
      this.nameGramStart = saved.nameGramStart;
      this.nameGrams = saved.nameGrams;
      this.postingStart = saved.postingStart;
      this.postings = saved.postings;
      this.nameRowStart = saved.nameRowStart;
      this.nameRows = saved.nameRows;
      this.rowNameStart = saved.rowNameStart;
      this.rowNames = saved.rowNames;
      this.rowNameSlot = saved.rowNameSlot;
      const names = this.nameGramStart.length - 1;
      this.overlap = new Int32Array(names);
      this.touched = new Int32Array(names);
      this.rowBest = new Float64Array(entities.length).fill(-1);
      this.rowTouched = new Int32Array(entities.length);
      return;
    }

    // 1. Distinct name keys (a key shared by several entities is stored once) and each row's names.
    const keyIds = new Map<string, number>();
    const keys: string[] = [];
    const rowNameStart = new Int32Array(entities.length + 1);
    const rowNames = new IntList();
    const rowSlots = new IntList();
    entities.forEach((e, row) => {
      rowNameStart[row] = rowNames.length;
      entityNames(e).forEach((name, slot) => {
        const key = ngramKey(name);
        if (key.length === 0) return;
        let id = keyIds.get(key);
        if (id === undefined) {
          id = keys.length;
          keyIds.set(key, id);
          keys.push(key);
        }
        for (let j = rowNameStart[row]; j < rowNames.length; j++) if (rowNames.at(j) === id) return;
        rowNames.push(id);
        rowSlots.push(slot);
      });
    });
    rowNameStart[entities.length] = rowNames.length;

    // 2. The n-grams of each key, as ids.
    const gramsOfKey = new Int32Array(keys.length + 1);
    const keyGrams = new IntList();
    let maxSize = 0;
    keys.forEach((key, k) => {
      gramsOfKey[k] = keyGrams.length;
      for (const g of ngramSet(key, n)) {
        let id = this.gramIds.get(g);
        if (id === undefined) {
          id = this.gramIds.size;
          this.gramIds.set(g, id);
        }
        keyGrams.push(id);
      }
      maxSize = Math.max(maxSize, keyGrams.length - gramsOfKey[k]);
    });
    gramsOfKey[keys.length] = keyGrams.length;

    // 3. Renumber names by size (counting sort, stable: equal sizes keep first-seen order).
    this.sizeStart = new Int32Array(maxSize + 2);
    for (let k = 0; k < keys.length; k++) this.sizeStart[gramsOfKey[k + 1] - gramsOfKey[k] + 1]++;
    for (let s = 1; s < this.sizeStart.length; s++) this.sizeStart[s] += this.sizeStart[s - 1];
    const next = this.sizeStart.slice();
    const newId = new Int32Array(keys.length);
    const oldId = new Int32Array(keys.length);
    for (let k = 0; k < keys.length; k++) {
      const id = next[gramsOfKey[k + 1] - gramsOfKey[k]]++;
      newId[k] = id;
      oldId[id] = k;
    }

    // 4. Forward lists (name -> sorted n-gram ids) and inverted lists (n-gram -> names, ascending).
    this.nameGramStart = new Int32Array(keys.length + 1);
    this.nameGrams = new Int32Array(keyGrams.length);
    const postingCount = new Int32Array(this.gramIds.size + 1);
    for (let id = 0, at = 0; id < keys.length; id++) {
      const k = oldId[id];
      this.nameGramStart[id] = at;
      const grams = keyGrams.view(gramsOfKey[k], gramsOfKey[k + 1]);
      this.nameGrams.set(grams, at);
      this.nameGrams.subarray(at, at + grams.length).sort();
      for (const g of grams) postingCount[g + 1]++;
      at += grams.length;
    }
    this.nameGramStart[keys.length] = keyGrams.length;
    for (let g = 1; g < postingCount.length; g++) postingCount[g] += postingCount[g - 1];
    this.postingStart = postingCount;
    this.postings = new Int32Array(keyGrams.length);
    const fill = this.postingStart.slice(0, -1);
    for (let id = 0; id < keys.length; id++) {
      for (let j = this.nameGramStart[id]; j < this.nameGramStart[id + 1]; j++) this.postings[fill[this.nameGrams[j]]++] = id;
    }

    // 5. Row <-> name, in the new numbering; each name's rows ascending.
    this.rowNameStart = rowNameStart;
    this.rowNames = new Int32Array(rowNames.length);
    for (let j = 0; j < rowNames.length; j++) this.rowNames[j] = newId[rowNames.at(j)];
    this.rowNameSlot = rowSlots.toArray();
    this.nameRowStart = new Int32Array(keys.length + 1);
    for (let j = 0; j < this.rowNames.length; j++) this.nameRowStart[this.rowNames[j] + 1]++;
    for (let id = 1; id <= keys.length; id++) this.nameRowStart[id] += this.nameRowStart[id - 1];
    this.nameRows = new Int32Array(this.rowNames.length);
    const rowFill = this.nameRowStart.slice(0, -1);
    for (let row = 0; row < entities.length; row++) {
      for (let j = rowNameStart[row]; j < rowNameStart[row + 1]; j++) this.nameRows[rowFill[this.rowNames[j]]++] = row;
    }

    this.overlap = new Int32Array(keys.length);
    this.touched = new Int32Array(keys.length);
    this.rowBest = new Float64Array(entities.length).fill(-1);
    this.rowTouched = new Int32Array(entities.length);
  }

  /** What the index is made of (shared, not copied), for a snapshot the constructor's `saved` takes back. */
  toArrays(): NgramIndexArrays {
    const { sizeStart, nameGramStart, nameGrams, postingStart, postings, nameRowStart, nameRows, rowNameStart, rowNames, rowNameSlot } = this;
    return { grams: [...this.gramIds.keys()], sizeStart, nameGramStart, nameGrams, postingStart, postings, nameRowStart, nameRows, rowNameStart, rowNames, rowNameSlot };
  }

  get stats(): NgramIndexStats {
    const arrays = [
      this.sizeStart, this.nameGramStart, this.nameGrams, this.postingStart, this.postings, this.nameRowStart, this.nameRows,
      this.rowNameStart, this.rowNames, this.rowNameSlot, this.overlap, this.touched, this.rowBest, this.rowTouched,
    ];
    return {
      names: this.nameGramStart.length - 1,
      grams: this.gramIds.size,
      postings: this.postings.length,
      arrayBytes: arrays.reduce((s, a) => s + a.byteLength, 0),
    };
  }

  /**
   * The `k` entities whose best name has a similarity of at least `threshold` to `mention`, best first (ties by
   * KB row). A name equal to the mention after normalisation has similarity 1, so exact names come first.
   */
  retrieve(mention: string, k: number, threshold = this.options.threshold): NgramHit[] {
    const q = this.query(mention);
    if (q.size === 0 || k <= 0) return [];
    const alpha = Math.min(1, Math.max(threshold, EPS));
    const [minSize, maxSize] = this.sizeRange(q.size, alpha);
    if (minSize > maxSize) return [];
    const from = this.sizeStart[minSize];
    const to = this.sizeStart[maxSize + 1];
    const { overlap, touched, postings } = this;
    let nTouched = 0;
    for (const g of q.ids) {
      const end = this.postingStart[g + 1];
      for (let p = lowerBound(postings, this.postingStart[g], end, from); p < end; p++) {
        const name = postings[p];
        if (name >= to) break;
        if (overlap[name]++ === 0) touched[nTouched++] = name;
      }
    }
    const { rowBest, rowTouched } = this;
    let nRows = 0;
    for (let t = 0; t < nTouched; t++) {
      const name = touched[t];
      const sim = this.measure(overlap[name], q.size, this.nameGramStart[name + 1] - this.nameGramStart[name]);
      overlap[name] = 0;
      if (sim < alpha - EPS) continue;
      for (let j = this.nameRowStart[name]; j < this.nameRowStart[name + 1]; j++) {
        const row = this.nameRows[j];
        if (rowBest[row] < 0) rowTouched[nRows++] = row;
        if (sim > rowBest[row]) rowBest[row] = sim;
      }
    }
    const top = new TopK(k);
    for (let t = 0; t < nRows; t++) {
      const row = rowTouched[t];
      top.offer(row, rowBest[row]);
      rowBest[row] = -1;
    }
    return top.sorted();
  }

  /** Similarity of `mention` to the closest name of the entity at `row`, and that name as written in the KB. */
  similarity(mention: string, row: number): NgramMatch {
    const q = this.query(mention);
    let best = 0;
    let bestSlot = -1;
    for (let j = this.rowNameStart[row]; j < this.rowNameStart[row + 1]; j++) {
      const name = this.rowNames[j];
      const a = this.nameGramStart[name];
      const b = this.nameGramStart[name + 1];
      const sim = this.measure(intersectionSize(q.ids, this.nameGrams, a, b), q.size, b - a);
      if (sim > best) {
        best = sim;
        bestSlot = this.rowNameSlot[j];
      }
    }
    return bestSlot < 0 ? { similarity: 0 } : { similarity: best, name: entityNames(this.entities[row])[bestSlot] };
  }

  private query(mention: string): Query {
    if (mention !== this.lastMention) {
      const grams = ngramSet(ngramKey(mention), this.options.n);
      const ids: number[] = [];
      for (const g of grams) {
        const id = this.gramIds.get(g);
        if (id !== undefined) ids.push(id);
      }
      this.lastMention = mention;
      this.lastQuery = { ids: Int32Array.from(ids).sort(), size: grams.length };
    }
    return this.lastQuery;
  }

  /** The name sizes that can reach similarity `alpha` with a query of `x` n-grams, clamped to the sizes present. */
  private sizeRange(x: number, alpha: number): [number, number] {
    const maxPresent = this.sizeStart.length - 2;
    const [lo, hi] = this.options.measure === 'cosine' ? [alpha * alpha * x, x / (alpha * alpha)] : [(alpha / (2 - alpha)) * x, ((2 - alpha) / alpha) * x];
    return [Math.max(1, Math.ceil(lo - EPS)), Math.min(maxPresent, Math.floor(hi + EPS))];
  }

  private measure(common: number, x: number, y: number): number {
    if (common === 0) return 0;
    return this.options.measure === 'cosine' ? common / Math.sqrt(x * y) : (2 * common) / (x + y);
  }
}

/** First index in [lo, hi) whose value is >= `value` (the array is ascending there). */
function lowerBound(a: Int32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** |A ∩ B| of two ascending id lists, B given as a range of `b`. */
function intersectionSize(a: Int32Array, b: Int32Array, from: number, to: number): number {
  let i = 0;
  let j = from;
  let common = 0;
  while (i < a.length && j < to) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      common++;
      i++;
      j++;
    }
  }
  return common;
}

/** The best `k` (row, similarity) pairs offered, kept sorted (similarity descending, then row ascending). */
class TopK {
  private readonly rows: number[] = [];
  private readonly sims: number[] = [];

  constructor(private readonly k: number) {}

  offer(row: number, sim: number): void {
    const n = this.rows.length;
    if (n === this.k && !better(row, sim, this.rows[n - 1], this.sims[n - 1])) return;
    let i = n === this.k ? n - 1 : n;
    while (i > 0 && better(row, sim, this.rows[i - 1], this.sims[i - 1])) {
      this.rows[i] = this.rows[i - 1];
      this.sims[i] = this.sims[i - 1];
      i--;
    }
    this.rows[i] = row;
    this.sims[i] = sim;
  }

  sorted(): NgramHit[] {
    return this.rows.map((row, i) => ({ row, similarity: this.sims[i] }));
  }
}

function better(rowA: number, simA: number, rowB: number, simB: number): boolean {
  return simA > simB || (simA === simB && rowA < rowB);
}

/** A growable Int32Array (an index build appends millions of ids; a number[] would hold them as boxed doubles at worst). */
class IntList {
  private data = new Int32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  at(i: number): number {
    return this.data[i];
  }

  view(from: number, to: number): Int32Array {
    return this.data.subarray(from, to);
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
