import type { TextEncoder } from '../encoder/encoder';
import type { ExemplarMemory } from '../learning/exemplarMemory';
import { meanState, targetTokenMean } from '../learning/targetTokens';
import { dotAt } from '../vectorMath';

/**
 * Target-word exemplars (LMMS, Loureiro & Jorge 2019): the `exemplar` feature of a given sense list read on the
 * target word's own vector (the mean of the encoder's token states at the mention's tokens in its marked context)
 * instead of the whole context's vector. A sense with exemplars: the cosine with the centroid of its exemplars'
 * target-word vectors (ExemplarMemory.tokens); a sense with none: the cosine with its gloss's mean token state
 * (LMMS's gloss embedding), so every sense of the lemma is compared in the same space. Used only when the learned
 * exemplars carry target-word vectors (finetune writes them since session 10) and the encoder gives token states
 * and tokens; otherwise the sentence-vector feature stands as before.
 */
export class TargetWordVectors {
  /** KB row -> its gloss's mean token state (bounded: cleared when full). */
  private readonly glosses = new Map<number, Float32Array>();

  constructor(
    private readonly encoder: Pick<TextEncoder, 'encodeTokens' | 'tokenize'>,
    private readonly maxGlosses: number,
  ) {}

  /** Whether the encoder gives token states and its tokens. */
  get available(): boolean {
    return this.encoder.encodeTokens !== undefined && this.encoder.tokenize !== undefined;
  }

  /** The target-word vector of each marked context text (textTemplates.mentionText); undefined where not found. */
  async ofMentions(contextTexts: readonly string[], markers: readonly [string, string], signal?: AbortSignal): Promise<(Float32Array | undefined)[]> {
    if (!this.available || contextTexts.length === 0) return contextTexts.map(() => undefined);
    const states = await this.encoder.encodeTokens!(contextTexts, { signal, role: 'mention' });
    const tokenizer = { tokenize: (t: string): readonly number[] => this.encoder.tokenize!(t) };
    return states.map((s, i) => targetTokenMean(tokenizer, contextTexts[i], markers, s));
  }

  /** Encodes the glosses of `rows` not held yet (`textOf`: the entity text the encoder reads). */
  async ensureGlosses(rows: readonly number[], textOf: (row: number) => string, signal?: AbortSignal): Promise<void> {
    const missing = [...new Set(rows)].filter((r) => !this.glosses.has(r));
    if (missing.length === 0 || !this.available) return;
    if (this.glosses.size + missing.length > this.maxGlosses) this.glosses.clear();
    const states = await this.encoder.encodeTokens!(missing.map(textOf), { signal, role: 'entity' });
    missing.forEach((row, i) => this.glosses.set(row, meanState(states[i], 0, states[i].tokens)));
  }

  /** The row's gloss vector, when encoded. */
  glossOf(row: number): Float32Array | undefined {
    return this.glosses.get(row);
  }
}

/**
 * The `exemplar` feature on target-word vectors: the cosine of the mention's target-word vector with the entity's
 * target-word exemplar centroid when it has exemplars there, else with its gloss vector (0 without either).
 */
export function targetWordExemplar(tokens: ExemplarMemory, entityId: string, vector: Float32Array, gloss: Float32Array | undefined): number {
  if (tokens.count(entityId) > 0) return tokens.similarity(entityId, vector);
  if (gloss === undefined || gloss.length !== vector.length) return 0;
  const norms = Math.sqrt(dotAt(vector, 0, vector, 0, vector.length) * dotAt(gloss, 0, gloss, 0, gloss.length));
  return norms > 0 ? dotAt(vector, 0, gloss, 0, gloss.length) / norms : 0;
}
