import * as path from 'node:path';
import type { GoldMapper } from '../formats/goldMapping';
import type { GoldDocument, GoldMention } from '../formats/goldDocument';
import { embedAll } from '../index/embeddingCache';
import type { LearnedState } from '../learning/learnedState';
import type { LinkerOptions } from '../linker/linker';
import { entityText } from '../linker/textTemplates';
import type { Logger } from '../log';
import type { LinkingSession } from '../session/linkingSession';
import { type FinetuneLearning, type FinetuneProgress, type FinetuneResult, type FinetuneSelection, finetune } from './finetune';
import type { HeadTrainingOptions } from './trainHead';

export interface SessionFinetuneOptions {
  /** The open session whose model is the parent and whose KB is trained against. */
  readonly session: LinkingSession;
  /** The session's cache folder (embeddings live in `<cacheDir>/embeddings`, as openLinkingSession keeps them). */
  readonly cacheDir: string;
  readonly train: readonly GoldDocument[];
  readonly dev?: readonly GoldDocument[];
  readonly devFraction?: number;
  readonly mapGold: GoldMapper;
  readonly candidatesFor?: (mention: GoldMention, doc: GoldDocument) => readonly string[] | undefined;
  readonly duplicatesOf?: (id: string) => readonly string[];
  readonly outDir: string;
  readonly overwrite?: boolean;
  readonly training?: Partial<HeadTrainingOptions>;
  /** See FinetuneOptions.online: the workspace's online-learned state folded into the new folder. */
  readonly online?: LearnedState;
  /** See FinetuneOptions.selectOn (default: the whole linker's dev accuracy). */
  readonly selectOn?: FinetuneSelection;
  /** See FinetuneOptions.folds. */
  readonly folds?: number;
  /** See FinetuneOptions.learn (default 'all'). */
  readonly learn?: FinetuneLearning;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FinetuneProgress) => void;
}

/**
 * Fine-tunes the session's model on gold documents and writes the new model folder. The parent's entity vectors
 * come from the embedding cache (the session just filled it); afterwards the new model's entity vectors (the
 * parent's, re-projected by the head) are put into the same cache under the new model id, so opening a session
 * on the new folder builds its index without running the encoder over the KB again. The session itself is
 * left as it is: switching to the new model is opening a session on `outDir`.
 */
export async function finetuneFromSession(options: SessionFinetuneOptions): Promise<FinetuneResult> {
  const { session, signal } = options;
  const { encoder, kb } = session;
  const template = session.linker.options.template;
  const texts = kb.entities.map((e) => entityText(e, template));
  const cacheDir = path.join(options.cacheDir, 'embeddings');
  const entityVectors = await embedAll({
    cacheDir,
    modelId: encoder.modelId,
    dims: encoder.dims,
    texts,
    encode: (batch) => encoder.encode(batch, { signal, role: 'entity' }),
    signal,
    logger: options.logger,
  });
  // The session's own priors (read with its KB snapshot), so the whole-linker selection ranks as the editor does.
  const { entityPrior, formPrior } = session.priors;
  const result = await finetune({
    train: options.train,
    dev: options.dev,
    devFraction: options.devFraction,
    kb,
    encoder,
    parentDir: session.modelDir,
    entityVectors,
    rankerWeights: session.rankerWeights,
    entityIndex: session.index,
    ...(entityPrior === undefined ? {} : { entityPrior }),
    ...(formPrior === undefined ? {} : { formPrior }),
    linkerOptions: withoutTemplate(session.linker.options),
    ...(options.selectOn === undefined ? {} : { selectOn: options.selectOn }),
    ...(options.folds === undefined ? {} : { folds: options.folds }),
    ...(options.learn === undefined ? {} : { learn: options.learn }),
    ...(options.online === undefined ? {} : { online: options.online }),
    mapGold: options.mapGold,
    candidatesFor: options.candidatesFor,
    duplicatesOf: options.duplicatesOf,
    template,
    outDir: options.outDir,
    overwrite: options.overwrite,
    training: options.training,
    signal,
    onProgress: options.onProgress,
  });
  const dims = encoder.dims;
  const rowOfText = new Map<string, number>();
  texts.forEach((t, row) => {
    if (!rowOfText.has(t)) rowOfText.set(t, row);
  });
  await embedAll({
    cacheDir,
    modelId: result.manifest.modelId,
    dims,
    texts,
    encode: async (batch) => batch.map((t) => result.projectedEntities.slice(rowOfText.get(t)! * dims, (rowOfText.get(t)! + 1) * dims)),
    logger: options.logger,
  });
  return result;
}

function withoutTemplate(options: LinkerOptions): Partial<Omit<LinkerOptions, 'template'>> {
  const { template: _template, ...rest } = options;
  return rest;
}
