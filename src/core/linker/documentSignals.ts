import { dotAt } from '../vectorMath';
import { nameKey } from './tokens';
import type { DocumentContext, Span } from './types';

/**
 * Document-level ranker signals: one sense per discourse (how the same form was decided elsewhere in the
 * document), type agreement (the types chosen for the form) and coherence (how close a candidate is to the
 * entities the document is about).
 */

/** An entity the document is about, at the span that names it. */
export interface ContextEntity extends Span {
  readonly vector: Float32Array;
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/**
 * Entity id -> the share of the document's decisions on the same form (other spans) that chose it; NIL and
 * rejected decisions count in the total, so a form marked NIL elsewhere lowers every candidate.
 */
export function discourseShares(mention: Span & { readonly text: string }, context: DocumentContext | undefined): Map<string, number> {
  const shares = new Map<string, number>();
  if (context === undefined || context.decisions.length === 0) return shares;
  const key = nameKey(mention.text);
  const same = context.decisions.filter((d) => !overlaps(d, mention) && nameKey(d.text) === key);
  for (const d of same) if (d.entityId !== null) shares.set(d.entityId, (shares.get(d.entityId) ?? 0) + 1 / same.length);
  return shares;
}

/**
 * The share of the form's decisions (type -> count) whose entity has `type`, add-one smoothed; 0 for an entity
 * without a type or a form never decided.
 */
export function typeAgreement(type: string | undefined, formTypes: ReadonlyMap<string | undefined, number>): number {
  if (type === undefined) return 0;
  let total = 0;
  for (const n of formTypes.values()) total += n;
  return total === 0 ? 0 : (formTypes.get(type) ?? 0) / (total + 1);
}

/** The sum of the context entities' vectors (computed once per document; coherenceScores subtracts a mention's own). */
export function contextSum(context: readonly ContextEntity[]): Float32Array | undefined {
  if (context.length === 0) return undefined;
  const sum = new Float32Array(context[0].vector.length);
  for (const e of context) for (let k = 0; k < sum.length; k++) sum[k] += e.vector[k];
  return sum;
}

/**
 * Per candidate (by its vector; undefined scores 0): cosine with the mean of the context entities' vectors,
 * leaving out the ones at the mention's own span. `sum` is contextSum(context), when already computed.
 */
export function coherenceScores(mention: Span, candidates: readonly (Float32Array | undefined)[], context: readonly ContextEntity[], sum = contextSum(context)): number[] {
  const own = context.filter((e) => overlaps(e, mention));
  if (sum === undefined || own.length === context.length) return candidates.map(() => 0);
  const dims = sum.length;
  let mean = sum;
  if (own.length > 0) {
    mean = Float32Array.from(sum);
    for (const e of own) for (let k = 0; k < dims; k++) mean[k] -= e.vector[k];
  }
  const norm = Math.sqrt(dotAt(mean, 0, mean, 0, dims));
  if (norm < 1e-6) return candidates.map(() => 0);
  return candidates.map((v) => {
    if (v === undefined) return 0;
    const vn = vectorNorm(v);
    return vn === 0 ? 0 : dotAt(v, 0, mean, 0, dims) / (vn * norm);
  });
}

const norms = new WeakMap<Float32Array, number>();

/** The Euclidean norm of an entity vector, remembered per vector object (the linker keeps its vectors). */
function vectorNorm(v: Float32Array): number {
  let n = norms.get(v);
  if (n === undefined) {
    n = Math.sqrt(dotAt(v, 0, v, 0, v.length));
    norms.set(v, n);
  }
  return n;
}
