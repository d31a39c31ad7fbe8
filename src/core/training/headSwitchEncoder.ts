import type { EncodeOptions, TextEncoder } from '../encoder/encoder';
import { type HeadWeights, projectThroughSide } from '../encoder/finetuned/head';

/**
 * The parent encoder with a head that can be swapped, and the parent's vectors memoised per text and role:
 * fine-tuning evaluates every epoch's head through one linker (one lexical index, one entity-vector cache) and
 * runs the parent once per text however many heads it tries. Vectors match FinetunedEncoder's (the head's side
 * by role, re-normalised); without a head they are the parent's.
 */
export class HeadSwitchEncoder implements TextEncoder {
  head: HeadWeights | undefined;
  private readonly memo = new Map<string, Float32Array>();

  constructor(private readonly parent: TextEncoder) {}

  get modelId(): string {
    return this.parent.modelId;
  }

  get dims(): number {
    return this.parent.dims;
  }

  get provider(): string {
    return this.parent.provider;
  }

  async encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]> {
    const role = options?.role ?? 'mention';
    const key = (t: string): string => `${role}\u0000${t}`;
    const missing = [...new Set(texts.filter((t) => !this.memo.has(key(t))))];
    if (missing.length > 0) (await this.parent.encode(missing, options)).forEach((v, i) => this.memo.set(key(missing[i]!), v));
    const head = this.head;
    return texts.map((t) => {
      const base = this.memo.get(key(t))!;
      if (head === undefined) return base.slice();
      const out = new Float32Array(this.dims);
      projectThroughSide(role === 'entity' ? head.entity : head.mention, base, 0, this.dims, out);
      return out;
    });
  }

  /** The parent belongs to its owner (the session); nothing to release here. */
  async dispose(): Promise<void> {
    this.memo.clear();
  }
}
