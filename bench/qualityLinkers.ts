/**
 * DocumentLinkers the quality bench wraps around the real one: a memo that lets a pooled evaluation (WSD ALL,
 * all elevant files) reuse the per-set results instead of encoding every mention twice, and the first-sense
 * baseline that ranks a fixed candidate set in the order given.
 */
import type { EncodeOptions, TextEncoder } from '../src/core/encoder/encoder';
import type { DocumentLinker, LinkedMention, LinkOptions, SpanRequest } from '../src/core/linker/types';

/**
 * Remembers linkSpans answers by (text, spans, candidate ids, topK). The linker is deterministic for a given
 * request, so a replay equals a fresh call; `misses` counts the requests that had to go to the inner linker.
 */
export class MemoLinker implements DocumentLinker {
  private readonly answers = new Map<string, LinkedMention[]>();
  hits = 0;
  misses = 0;

  constructor(private readonly inner: DocumentLinker) {}

  async linkSpans(text: string, spans: readonly SpanRequest[], options: LinkOptions = {}): Promise<LinkedMention[]> {
    const key = JSON.stringify([text, options.topK ?? null, spans.map((s) => [s.start, s.end, s.candidateIds ?? null])]);
    const known = this.answers.get(key);
    if (known !== undefined) {
      this.hits += spans.length;
      return known;
    }
    this.misses += spans.length;
    const linked = await this.inner.linkSpans(text, spans, options);
    this.answers.set(key, linked);
    return linked;
  }

  linkDocument(text: string, options?: LinkOptions): Promise<LinkedMention[]> {
    return this.inner.linkDocument(text, options);
  }

  resetCounts(): void {
    this.hits = 0;
    this.misses = 0;
  }
}

/**
 * Ranks each span's given candidates in the order given. With WordNet's lemma sense order (index.<pos>, most
 * frequent sense first) that is the most-frequent-sense baseline WSD papers report. Spans without candidates
 * get none (counted as misses).
 */
export const givenOrderLinker: DocumentLinker = {
  async linkSpans(text: string, spans: readonly SpanRequest[], options: LinkOptions = {}): Promise<LinkedMention[]> {
    const topK = options.topK ?? 64;
    return spans.map((s) => {
      const all = (s.candidateIds ?? []).map((id, i) => ({ id, title: id, score: -i, probability: 0, signals: { retrievedBy: ['given' as const] } }));
      const candidates = all.slice(0, topK);
      return {
        start: s.start,
        end: s.end,
        text: text.slice(s.start, s.end),
        candidates,
        nil: candidates.length === 0,
        margin: all.length < 2 ? Infinity : 1,
        hardNegatives: all.slice(1, 6),
      };
    });
  },
  async linkDocument(): Promise<LinkedMention[]> {
    return [];
  },
};

/**
 * An encoder that remembers every vector it returns, by text, so a second linker over the same mentions (the
 * cosine-only ranking of the dense pool) does not encode them again. Both linkers apply the same template, so
 * the texts, and hence the vectors, are identical.
 */
export class MemoEncoder implements TextEncoder {
  private readonly known = new Map<string, Float32Array>();

  constructor(private readonly inner: TextEncoder) {}

  get modelId(): string {
    return this.inner.modelId;
  }

  get dims(): number {
    return this.inner.dims;
  }

  get provider(): string {
    return this.inner.provider;
  }

  async encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]> {
    const todo = [...new Set(texts.filter((t) => !this.known.has(t)))];
    if (todo.length > 0) {
      const vectors = await this.inner.encode(todo, options);
      todo.forEach((t, i) => this.known.set(t, vectors[i]));
    }
    return texts.map((t) => this.known.get(t) as Float32Array);
  }

  /** The wrapped encoder is owned (and disposed) by the caller. */
  async dispose(): Promise<void> {
    this.known.clear();
  }
}
