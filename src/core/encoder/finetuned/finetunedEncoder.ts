import * as fs from 'node:fs';
import { LinkerError } from '../../errors';
import type { EncodeOptions, EncoderLoadOptions, TextEncoder } from '../encoder';
import { precisionOfModelId } from '../useLite/useLiteModel';
import { finetunedModelId, readFinetunedModel } from './finetunedModel';
import { type HeadWeights, headBytes, projectThroughSide } from './head';

/**
 * A parent encoder with a trained head: each vector is mapped by the head's mention or entity side (by the
 * `role` of the call) and re-normalised, so the dot product of a mention and an entity vector is the head's
 * cosine. The head's scale is left out: the index and the ranker work on cosines, and a constant factor does
 * not change a ranking. A call without a role is treated as a mention: the linker's mention path is the one
 * that historically passed none; entity encodings must say `role: 'entity'`.
 */
export class FinetunedEncoder implements TextEncoder {
  readonly modelId: string;

  constructor(
    private readonly parent: TextEncoder,
    readonly head: HeadWeights,
  ) {
    if (parent.dims !== head.dims) {
      throw new LinkerError('modelLoad', `The head is ${head.dims}-d but its parent model makes ${parent.dims}-d vectors.`, { hint: 'Fine-tune again from this parent model.' });
    }
    this.modelId = finetunedModelId(parent.modelId, headBytes(head));
  }

  get dims(): number {
    return this.parent.dims;
  }

  get provider(): string {
    return this.parent.provider;
  }

  async encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]> {
    const base = await this.parent.encode(texts, options);
    const d = options?.role === 'entity' ? this.head.entity : this.head.mention;
    return base.map((x) => {
      const out = new Float32Array(this.dims);
      projectThroughSide(d, x, 0, this.dims, out);
      return out;
    });
  }

  async dispose(): Promise<void> {
    await this.parent.dispose();
  }

  /**
   * Opens a fine-tuned folder: reads and checks the head, loads the parent folder with `loadParent` (the
   * process-wide loader, so a parent already in use is shared) and checks the parent is the one trained on.
   */
  static async load(dir: string, options: EncoderLoadOptions, loadParent: (dir: string, options: EncoderLoadOptions) => Promise<TextEncoder>): Promise<FinetunedEncoder> {
    const { manifest, head } = readFinetunedModel(dir);
    if (!fs.existsSync(manifest.parent.path)) {
      throw new LinkerError('modelMissing', `The parent model folder ${manifest.parent.path} of this fine-tuned model does not exist.`, {
        location: { file: dir },
        hint: 'Restore the parent folder (or edit parent.path in manifest.json), or switch back to another model.',
      });
    }
    // The parent loads at the precision it was fine-tuned on (its int8 and fp32 files have different ids).
    const parentPrecision = precisionOfModelId(manifest.parent.path, manifest.parent.modelId) ?? options.precision;
    const parent = await loadParent(manifest.parent.path, { ...options, precision: parentPrecision });
    if (parent.modelId !== manifest.parent.modelId) {
      await parent.dispose();
      throw new LinkerError('modelLoad', `The parent model at ${manifest.parent.path} has changed since fine-tuning (model id ${parent.modelId.slice(0, 12)}, trained on ${manifest.parent.modelId.slice(0, 12)}).`, {
        location: { file: dir },
        hint: 'Fine-tune again from the current parent model.',
      });
    }
    return new FinetunedEncoder(parent, head);
  }
}
