import type { TextEncoder, TokenStates } from '../encoder/encoder';
import { LinkerError } from '../errors';
import type { SomModel } from './somModelFile';
import { projectStates, sumOfMax } from './somScorer';

export interface SomCandidate {
  /** The entity text the encoder reads (its template applied); also the cache key. */
  readonly text: string;
}

/**
 * Scores a mention's top candidates with a trained SOM model. Entity token states are encoded on demand, for the
 * candidates actually re-ranked, and only their projections (outDims x maxTokens floats, ~4 KB at 32 x 32) are
 * kept, least recently used dropped first, so a KB never has to be encoded token by token up front.
 */
export class SomReranker {
  private readonly entities = new Map<string, TokenStates>();

  constructor(
    readonly model: SomModel,
    private readonly encoder: Pick<TextEncoder, 'encodeTokens' | 'modelId'>,
    private readonly cacheEntries = 50_000,
  ) {
    if (encoder.encodeTokens === undefined) {
      throw new LinkerError('modelLoad', `The encoder ${encoder.modelId.slice(0, 12)} does not return token states, which SOM re-ranking needs.`, {
        hint: 'Use the built-in USE-lite model or a Hugging Face export, or link without som.json.',
      });
    }
  }

  /** Mean of the maxima (som / mention tokens, in [-1, 1]) of each candidate, in input order. */
  async scores(mentionText: string, candidates: readonly SomCandidate[], signal?: AbortSignal): Promise<Float64Array> {
    const encodeTokens = this.encoder.encodeTokens!.bind(this.encoder);
    const missing = [...new Set(candidates.map((c) => c.text).filter((t) => !this.entities.has(t)))];
    const [mentionStates] = await encodeTokens([mentionText], { signal, role: 'mention' });
    const entityStates = missing.length === 0 ? [] : await encodeTokens(missing, { signal, role: 'entity' });
    const m = projectStates(mentionStates!, this.model.mention, this.model.outDims, this.model.maxTokens);
    missing.forEach((t, i) => this.remember(t, projectStates(entityStates[i]!, this.model.entity, this.model.outDims, this.model.maxTokens)));
    return Float64Array.from(candidates.map((c) => sumOfMax(m, this.recall(c.text)) / Math.max(1, m.tokens)));
  }

  /** The ranker's scores with the SOM term added (`mixWeight`, 0 when the model has none). */
  mix(rankerScores: ArrayLike<number>, som: ArrayLike<number>): Float64Array {
    const w = this.model.mixWeight ?? 0;
    return Float64Array.from({ length: rankerScores.length }, (_, i) => rankerScores[i]! + w * som[i]!);
  }

  private remember(text: string, states: TokenStates): void {
    this.entities.set(text, states);
    if (this.entities.size > this.cacheEntries) this.entities.delete(this.entities.keys().next().value as string);
  }

  private recall(text: string): TokenStates {
    const s = this.entities.get(text)!;
    this.entities.delete(text);
    this.entities.set(text, s);
    return s;
  }
}
