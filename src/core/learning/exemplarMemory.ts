import { LinkerError } from '../errors';

/**
 * Exemplars of the entities confirmed in context: per entity, the running centroid of the in-context mention
 * vectors (the encoder's mention-in-context vectors the linker already computes) of the mentions confirmed
 * for it — accepted, chosen, linked by hand, or gold in training data. The ranker's `exemplar` feature is the
 * cosine of a mention's in-context vector to a candidate's centroid: it generalises a decision to other
 * surface forms and other contexts of the same meaning, as supervised sense embeddings do (LMMS: the mean of a
 * sense's contextual embeddings; a 1-nearest-centroid classifier).
 *
 * Bounded: a centroid is a sum of unit vectors and a count (its memory does not grow with the decisions), and at
 * most `maxEntities` entities are kept, the one updated longest ago dropped first. Plain JSON (each sum as
 * base64 of little-endian float32), so it crosses to a worker thread and persists in learned.json.
 */
export interface ExemplarMemoryJson {
  readonly version: 1;
  /** Vector dimensions (0 while empty). */
  readonly dims: number;
  /** Entity id -> exemplars observed and the sum of their unit vectors (base64 float32), least recently updated first. */
  readonly entities: Readonly<Record<string, { readonly n: number; readonly sum: string }>>;
}

export interface ExemplarMemoryOptions {
  /** Entities kept at most; the one updated longest ago is dropped first. */
  readonly maxEntities: number;
}

export const DEFAULT_EXEMPLAR_OPTIONS: ExemplarMemoryOptions = { maxEntities: 20000 };

interface Centroid {
  n: number;
  readonly sum: Float32Array;
  /** Norm of `sum`, computed when first needed after a change. */
  norm: number | undefined;
}

export class ExemplarMemory {
  readonly options: ExemplarMemoryOptions;
  private readonly centroids = new Map<string, Centroid>();
  private dims = 0;

  constructor(options: Partial<ExemplarMemoryOptions> = {}) {
    this.options = { ...DEFAULT_EXEMPLAR_OPTIONS, ...options };
    if (!(this.options.maxEntities >= 1)) throw new LinkerError('usage', `ExemplarMemory: maxEntities must be at least 1, not ${this.options.maxEntities}.`);
  }

  /** The dimension of the vectors held (0 while empty). */
  get dimensions(): number {
    return this.dims;
  }

  /** Entities with exemplars. */
  get size(): number {
    return this.centroids.size;
  }

  /** Exemplars observed for the entity (0 when none). */
  count(entityId: string): number {
    return this.centroids.get(entityId)?.n ?? 0;
  }

  /**
   * Adds one confirmed mention's in-context vector to the entity's centroid (as a unit vector, so every mention
   * weighs the same). A zero vector is ignored; a vector of other dimensions than the memory's is an error.
   */
  observe(entityId: string, vector: ArrayLike<number>): void {
    const norm = Math.sqrt(dot(vector, vector));
    if (!(norm > 0) || !Number.isFinite(norm)) return;
    if (this.dims === 0) this.dims = vector.length;
    if (vector.length !== this.dims) {
      throw new LinkerError('usage', `ExemplarMemory: a ${vector.length}-d vector for "${entityId}", but the memory holds ${this.dims}-d ones.`, {
        hint: 'The encoder changed: start the exemplar memory afresh (fine-tune again or delete the learned state).',
      });
    }
    let c = this.centroids.get(entityId);
    if (c === undefined) c = { n: 0, sum: new Float32Array(this.dims), norm: undefined };
    else this.centroids.delete(entityId); // re-inserted below: most recently updated last
    for (let k = 0; k < this.dims; k++) c.sum[k] += vector[k] / norm;
    c.n++;
    c.norm = undefined;
    this.centroids.set(entityId, c);
    this.evict();
  }

  /**
   * Takes one exemplar back out of the entity's centroid (its decision was undone): the inverse of `observe` with
   * the same vector; the entity is dropped with its last exemplar. A vector of other dimensions is ignored.
   */
  forget(entityId: string, vector: ArrayLike<number>): void {
    const c = this.centroids.get(entityId);
    const norm = Math.sqrt(dot(vector, vector));
    if (c === undefined || vector.length !== this.dims || !(norm > 0) || !Number.isFinite(norm)) return;
    if (c.n <= 1) {
      this.centroids.delete(entityId);
      return;
    }
    for (let k = 0; k < this.dims; k++) c.sum[k] -= vector[k] / norm;
    c.n--;
    c.norm = undefined;
  }

  /**
   * Cosine of `vector` and the entity's centroid; 0 when the entity has no exemplars (or the dimensions differ:
   * a memory of another encoder says nothing). `vectorNorm` saves recomputing the mention's norm per candidate.
   */
  similarity(entityId: string, vector: ArrayLike<number>, vectorNorm = Math.sqrt(dot(vector, vector))): number {
    const c = this.centroids.get(entityId);
    if (c === undefined || vector.length !== this.dims || !(vectorNorm > 0)) return 0;
    c.norm ??= Math.sqrt(dot(c.sum, c.sum));
    return c.norm > 0 ? dot(vector, c.sum) / (vectorNorm * c.norm) : 0;
  }

  /** The sum of the entity's exemplar unit vectors (read-only; undefined when it has none): linker/selfExemplars.ts adds to it. */
  sumOf(entityId: string): Readonly<Float32Array> | undefined {
    return this.centroids.get(entityId)?.sum;
  }

  toJSON(): ExemplarMemoryJson {
    const entities: Record<string, { n: number; sum: string }> = {};
    for (const [id, c] of this.centroids) entities[id] = { n: c.n, sum: encodeFloats(c.sum) };
    return { version: 1, dims: this.dims, entities };
  }

  /** Restores a memory; a malformed one is an error naming `file`. */
  static fromJSON(json: unknown, file = 'exemplar memory', options: Partial<ExemplarMemoryOptions> = {}): ExemplarMemory {
    const bad = (what: string): LinkerError =>
      new LinkerError('inputFormat', `The exemplar memory is malformed: ${what}.`, {
        location: { file },
        hint: 'Expected {"version": 1, "dims": N, "entities": {id: {"n": count, "sum": base64 float32}}}; delete the learned state (or fine-tune again) to start afresh.',
      });
    const o = json as Partial<ExemplarMemoryJson> | null;
    if (typeof o !== 'object' || o === null || o.version !== 1) throw bad('not {"version": 1, ...}');
    if (typeof o.dims !== 'number' || !Number.isInteger(o.dims) || o.dims < 0) throw bad('"dims" is not a whole number');
    if (typeof o.entities !== 'object' || o.entities === null || Array.isArray(o.entities)) throw bad('"entities" is not an object');
    const memory = new ExemplarMemory(options);
    memory.dims = o.dims;
    for (const [id, e] of Object.entries(o.entities)) {
      if (typeof e !== 'object' || e === null || typeof e.n !== 'number' || !(e.n >= 1) || typeof e.sum !== 'string') throw bad(`entity "${id}" is not {"n": count >= 1, "sum": string}`);
      const sum = decodeFloats(e.sum);
      if (sum === undefined || sum.length !== o.dims) throw bad(`the sum of entity "${id}" is not ${o.dims} base64 float32 values`);
      if (!sum.every(Number.isFinite)) throw bad(`the sum of entity "${id}" holds a non-finite value`);
      memory.centroids.set(id, { n: e.n, sum, norm: undefined });
    }
    memory.evict();
    return memory;
  }

  /** Two memories as one (a model folder's under a workspace's): per entity the sums and counts add up. */
  static merge(a: ExemplarMemoryJson, b: ExemplarMemoryJson, options: Partial<ExemplarMemoryOptions> = {}): ExemplarMemoryJson {
    const out = ExemplarMemory.fromJSON(a, 'exemplar memory', options);
    const other = ExemplarMemory.fromJSON(b, 'exemplar memory', options);
    if (out.size > 0 && other.size > 0 && out.dims !== other.dims) return other.toJSON();
    if (out.dims === 0) out.dims = other.dims;
    for (const [id, c] of other.centroids) {
      const into = out.centroids.get(id);
      if (into === undefined) {
        out.centroids.set(id, { n: c.n, sum: Float32Array.from(c.sum), norm: undefined });
        continue;
      }
      out.centroids.delete(id);
      for (let k = 0; k < out.dims; k++) into.sum[k] += c.sum[k];
      into.n += c.n;
      into.norm = undefined;
      out.centroids.set(id, into);
    }
    out.evict();
    return out.toJSON();
  }

  private evict(): void {
    for (const id of this.centroids.keys()) {
      if (this.centroids.size <= this.options.maxEntities) return;
      this.centroids.delete(id);
    }
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

function encodeFloats(v: Float32Array): string {
  const bytes = new Uint8Array(v.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < v.length; k++) view.setFloat32(k * 4, v[k], true);
  return Buffer.from(bytes).toString('base64');
}

function decodeFloats(s: string): Float32Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float32Array(bytes.length / 4);
  for (let k = 0; k < out.length; k++) out[k] = view.getFloat32(k * 4, true);
  return out;
}
