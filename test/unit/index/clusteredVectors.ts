/**
 * Seeded synthetic embeddings for index tests and the recall bench: points scattered around random unit centres,
 * then L2-normalised. Clustered data is what sentence embeddings look like to an index; uniform noise is the
 * HNSW worst case and says little about real recall.
 */
export function seededRandom(seed: number): () => number {
  // mulberry32: tiny, fast, and good enough for test data.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function normaliseRows(vectors: Float32Array, dims: number): Float32Array {
  for (let base = 0; base < vectors.length; base += dims) {
    let norm = 0;
    for (let i = 0; i < dims; i++) {
      norm += vectors[base + i]! * vectors[base + i]!;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < dims; i++) {
      vectors[base + i]! *= scale;
    }
  }
  return vectors;
}

export interface ClusteredOptions {
  readonly n: number;
  readonly dims: number;
  readonly clusters: number;
  /** Expected distance of a point from its (unit) centre before normalising: 0.5 is loose, 0.1 tight. */
  readonly spread: number;
  readonly seed: number;
}

export function clusteredVectors(options: ClusteredOptions): Float32Array {
  const { n, dims, clusters, spread } = options;
  const random = seededRandom(options.seed);
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) {
    centres[i] = gaussian(random);
  }
  normaliseRows(centres, dims);
  const scale = spread / Math.sqrt(dims);
  const out = new Float32Array(n * dims);
  for (let row = 0; row < n; row++) {
    const c = Math.floor(random() * clusters) * dims;
    for (let i = 0; i < dims; i++) {
      out[row * dims + i] = centres[c + i]! + gaussian(random) * scale;
    }
  }
  return normaliseRows(out, dims);
}

/** Queries near existing points (a mention is near, not at, its entity): `count` noisy copies of random rows. */
export function queriesNear(vectors: Float32Array, dims: number, count: number, noise: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const n = vectors.length / dims;
  const out = new Float32Array(count * dims);
  for (let q = 0; q < count; q++) {
    const row = Math.floor(random() * n);
    for (let i = 0; i < dims; i++) {
      out[q * dims + i] = vectors[row * dims + i]! + gaussian(random) * noise;
    }
  }
  return normaliseRows(out, dims);
}

/** Fraction of the exact top-k rows that the approximate top-k also found, averaged over queries. */
export function recallAtK(exact: readonly { row: number }[][], approx: readonly { row: number }[][]): number {
  let found = 0;
  let total = 0;
  for (let q = 0; q < exact.length; q++) {
    const truth = new Set(exact[q]!.map((h) => h.row));
    total += truth.size;
    for (const hit of approx[q]!) {
      if (truth.has(hit.row)) {
        found++;
      }
    }
  }
  return total === 0 ? 1 : found / total;
}
