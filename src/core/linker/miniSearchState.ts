import MiniSearch from 'minisearch';
import type { Options } from 'minisearch';

/**
 * A one-field MiniSearch index as flat arrays, and back, without its JSON form: loading minisearch's JSON of 150k
 * WordNet names spends most of its time parsing and converting objects with numeric keys into Maps. This reads
 * and fills the same in-memory state that minisearch's own toJSON/loadJS do (MiniSearch 7: `_index`,
 * `_documentIds`, `_idToShortId`, `_fieldLength`, `_avgFieldLength`, ...), checking the shape it expects first;
 * `exportMiniSearch` answers undefined for any other shape and the caller keeps the JSON form. The snapshot that
 * stores this is keyed by minisearch's source text, so another minisearch version never reads it.
 */
export interface MiniSearchState {
  readonly documentCount: number;
  readonly nextId: number;
  readonly dirtCount: number;
  readonly avgFieldLength: number;
  /** Per short id: the document id (NaN-free: ids here are the name documents' numbers) and its field length. */
  readonly shortIds: Int32Array;
  readonly documentIds: Int32Array;
  readonly fieldLengths: Int32Array;
  /** Terms in index order; term t's postings are [termStart[t], termStart[t + 1]) of postingDoc / postingFreq. */
  readonly terms: readonly string[];
  readonly termStart: Int32Array;
  readonly postingDoc: Int32Array;
  readonly postingFreq: Int32Array;
}

interface Internals {
  _index: Map<string, Map<number, Map<number, number>>> & { set(term: string, data: Map<number, Map<number, number>>): unknown };
  _documentCount: number;
  _documentIds: Map<number, unknown>;
  _idToShortId: Map<unknown, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _nextId: number;
  _storedFields: Map<number, unknown>;
  _dirtCount: number;
}

function internals(search: MiniSearch<unknown>, field: string): Internals | undefined {
  const m = search as unknown as Partial<Internals>;
  const maps = [m._index, m._documentIds, m._idToShortId, m._fieldLength, m._storedFields];
  if (!maps.every((x) => x instanceof Map || (typeof x === 'object' && x !== null && typeof (x as Map<unknown, unknown>).get === 'function'))) return undefined;
  if (typeof m._documentCount !== 'number' || typeof m._nextId !== 'number' || typeof m._dirtCount !== 'number' || !Array.isArray(m._avgFieldLength)) return undefined;
  const ids = m._fieldIds;
  if (typeof ids !== 'object' || ids === null || Object.keys(ids).length !== 1 || ids[field] !== 0) return undefined;
  return m as Internals;
}

/** The state of `search` (one field, `field`; integer document ids; nothing stored), or undefined for any other shape. */
export function exportMiniSearch(search: MiniSearch<unknown>, field: string): MiniSearchState | undefined {
  const m = internals(search, field);
  if (m === undefined || m._storedFields.size !== 0) return undefined;
  const n = m._documentIds.size;
  const shortIds = new Int32Array(n);
  const documentIds = new Int32Array(n);
  const fieldLengths = new Int32Array(n);
  let i = 0;
  for (const [shortId, id] of m._documentIds) {
    const length = m._fieldLength.get(shortId);
    if (!Number.isInteger(id) || length === undefined || length.length !== 1 || !Number.isInteger(length[0])) return undefined;
    shortIds[i] = shortId;
    documentIds[i] = id as number;
    fieldLengths[i] = length[0];
    i++;
  }
  const terms: string[] = [];
  const starts: number[] = [0];
  const docs: number[] = [];
  const freqs: number[] = [];
  for (const [term, data] of m._index) {
    if (data.size !== 1 || !data.has(0)) return undefined;
    for (const [doc, freq] of data.get(0)!) {
      docs.push(doc);
      freqs.push(freq);
    }
    terms.push(term);
    starts.push(docs.length);
  }
  return {
    documentCount: m._documentCount,
    nextId: m._nextId,
    dirtCount: m._dirtCount,
    avgFieldLength: m._avgFieldLength[0] ?? 0,
    shortIds,
    documentIds,
    fieldLengths,
    terms,
    termStart: Int32Array.from(starts),
    postingDoc: Int32Array.from(docs),
    postingFreq: Int32Array.from(freqs),
  };
}

/** A MiniSearch with `options` holding `state` (as loadJS would make it from the same index's JSON). */
export function importMiniSearch<T>(state: MiniSearchState, options: Options<T>, field: string): MiniSearch<T> {
  const search = new MiniSearch<T>(options);
  const m = internals(search as MiniSearch<unknown>, field);
  if (m === undefined) throw new RangeError('MiniSearch has not the shape this snapshot was made for');
  m._documentCount = state.documentCount;
  m._nextId = state.nextId;
  m._dirtCount = state.dirtCount;
  m._avgFieldLength = [state.avgFieldLength];
  if (isIdentity(state)) {
    // Documents numbered 0..n-1 and stored in that order (our name index): the per-document maps become views of
    // the arrays, read-only like the loaded index itself (it is only searched).
    const ids = new IdentityIds(state.shortIds.length);
    const lengths = new LengthsById(state.fieldLengths);
    Object.assign(m, { _documentIds: ids, _idToShortId: ids, _fieldLength: lengths });
  } else {
    // Field lengths are small integers: documents of equal length share one (never modified) array.
    const lengthArrays: number[][] = [];
    for (let i = 0; i < state.shortIds.length; i++) {
      const length = state.fieldLengths[i];
      m._documentIds.set(state.shortIds[i], state.documentIds[i]);
      m._idToShortId.set(state.documentIds[i], state.shortIds[i]);
      m._fieldLength.set(state.shortIds[i], length < 256 ? (lengthArrays[length] ??= [length]) : [length]);
    }
  }
  const { termStart, postingDoc, postingFreq } = state;
  state.terms.forEach((term, t) => {
    const docs = new Map<number, number>();
    for (let p = termStart[t]; p < termStart[t + 1]; p++) docs.set(postingDoc[p], postingFreq[p]);
    m._index.set(term, new Map([[0, docs]]));
  });
  return search;
}

function isIdentity(state: MiniSearchState): boolean {
  const { shortIds, documentIds } = state;
  if (state.nextId !== shortIds.length || state.documentCount !== shortIds.length) return false;
  for (let i = 0; i < shortIds.length; i++) if (shortIds[i] !== i || documentIds[i] !== i) return false;
  return true;
}

/** The map i -> i over 0..n-1 (document ids equal to minisearch's short ids), read-only. */
class IdentityIds implements ReadonlyMap<number, number> {
  constructor(readonly size: number) {}

  has(key: number): boolean {
    return Number.isInteger(key) && key >= 0 && key < this.size;
  }

  get(key: number): number | undefined {
    return this.has(key) ? key : undefined;
  }

  forEach(f: (value: number, key: number, map: ReadonlyMap<number, number>) => void): void {
    for (let i = 0; i < this.size; i++) f(i, i, this);
  }

  *entries(): MapIterator<[number, number]> {
    for (let i = 0; i < this.size; i++) yield [i, i];
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) yield i;
  }

  values(): MapIterator<number> {
    return this.keys();
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }
}

/** Field lengths by short id as minisearch reads them (one-element arrays), shared per length, read-only. */
class LengthsById implements ReadonlyMap<number, number[]> {
  private readonly shared: number[][] = [];

  constructor(private readonly lengths: Int32Array) {}

  get size(): number {
    return this.lengths.length;
  }

  has(key: number): boolean {
    return Number.isInteger(key) && key >= 0 && key < this.lengths.length;
  }

  get(key: number): number[] | undefined {
    if (!this.has(key)) return undefined;
    const length = this.lengths[key];
    return (this.shared[length] ??= [length]);
  }

  forEach(f: (value: number[], key: number, map: ReadonlyMap<number, number[]>) => void): void {
    for (let i = 0; i < this.lengths.length; i++) f(this.get(i)!, i, this);
  }

  *entries(): MapIterator<[number, number[]]> {
    for (let i = 0; i < this.lengths.length; i++) yield [i, this.get(i)!];
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.lengths.length; i++) yield i;
  }

  *values(): MapIterator<number[]> {
    for (let i = 0; i < this.lengths.length; i++) yield this.get(i)!;
  }

  [Symbol.iterator](): MapIterator<[number, number[]]> {
    return this.entries();
  }
}
