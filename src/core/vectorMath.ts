/**
 * The inner product every part of the core uses (index search, linking, training) over row-major
 * Float32Arrays. Unrolled by four: V8 does not vectorise, and independent accumulators roughly halve the time
 * per row.
 */
/** <a[aOffset ..], b[bOffset ..]> over `dims` components. */
export function dotAt(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const end4 = dims - (dims % 4);
  for (; i < end4; i += 4) {
    s0 += a[aOffset + i]! * b[bOffset + i]!;
    s1 += a[aOffset + i + 1]! * b[bOffset + i + 1]!;
    s2 += a[aOffset + i + 2]! * b[bOffset + i + 2]!;
    s3 += a[aOffset + i + 3]! * b[bOffset + i + 3]!;
  }
  for (; i < dims; i++) s0 += a[aOffset + i]! * b[bOffset + i]!;
  return s0 + s1 + s2 + s3;
}

/** Scales `v` to unit length in place and returns its previous norm (a zero vector stays zero, no NaN). */
export function normalizeInPlace(v: Float32Array): number {
  const norm = Math.sqrt(dotAt(v, 0, v, 0, v.length));
  if (norm > 0) {
    const inv = 1 / norm;
    for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  }
  return norm;
}
