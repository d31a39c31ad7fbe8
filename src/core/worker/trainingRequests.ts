import * as path from 'node:path';
import { LinkerError } from '../errors';
import { createGoldMapper } from '../formats/goldMapping';
import { type ExportFormat, type ExportSummary, exportGold } from '../formats/export/exportGold';
import { mineExportNegatives } from '../formats/export/exportNegatives';
import type { GoldDocument } from '../formats/goldDocument';
import { readGold } from '../formats/goldFormat';
import type { Logger, ProgressListener } from '../log';
import type { LinkingSession } from '../session/linkingSession';
import { onlineStateFileFor, readOnlineLearner } from '../training/onlineStateFile';
import { finetuneFromSession } from '../training/finetuneSession';
import type { EpochReport, HeadTrainingOptions } from '../training/trainHead';

/**
 * The editor's export and fine-tune requests, answered in the linker worker against its open session, so that
 * mining negatives and training never run on the extension host's thread. The gold is the annotation store of
 * a workspace folder (only confirmed records: accepted and NIL), read here rather than sent over the channel.
 */

export interface ExportRequest {
  /** A folder holding `.entity-links/` (the workspace folder). */
  readonly storeRoot: string;
  readonly format: ExportFormat;
  readonly out: string;
  /** With it, a seeded by-document split writes the dev documents here. */
  readonly devOut?: string;
  readonly devFraction?: number;
  readonly seed?: number;
  /** BLINK: negatives mined per in-KB mention by the current model (0: none). */
  readonly hardNegatives: number;
}

/**
 * The fine-tune settings a caller (the host's command, its programmatic arguments) may choose, derived from the
 * head training's options; one left out takes its default where defaults are applied (headTrainingOptions, and
 * DEFAULT_DEV_FRACTION for the split).
 */
export type FinetuneChoices = Partial<Pick<HeadTrainingOptions, 'negatives' | 'numNegatives' | 'epochs' | 'seed'>> & { readonly devFraction?: number };

export interface FinetuneRequest extends FinetuneChoices {
  readonly storeRoot: string;
  readonly outDir: string;
  /** The annotator whose online learning state is folded in, when they keep their own files (onlineStateFileFor). */
  readonly annotator?: string;
}

export interface DevMetricsSummary {
  readonly mentions: number;
  readonly 'recall@1': number;
  readonly 'recall@10': number;
  readonly 'recall@64': number;
}

/** What the host shows after fine-tuning (structured-cloneable: no typed arrays). */
export interface FinetuneSummary {
  readonly outDir: string;
  readonly modelId: string;
  readonly parent: { readonly path: string; readonly modelId: string };
  readonly before: DevMetricsSummary;
  readonly after: DevMetricsSummary;
  readonly bestEpoch: number;
  readonly epochs: readonly EpochReport[];
  readonly trainMentions: number;
  readonly devMentions: number;
  readonly seconds: number;
  /** The whole linker's dev accuracy, parent -> new folder (what the epoch was selected on). */
  readonly linker?: { readonly before: number; readonly after: number };
  /** Decisions the folder's learned state (names, prior) comes from. */
  readonly learnedDecisions?: number;
}

/** Confirmed annotations of the store; records left out (suggested, rejected, needing review) counted by reason. */
export async function readStoreGold(storeRoot: string): Promise<{ docs: GoldDocument[]; skipped: Record<string, number> }> {
  const skipped: Record<string, number> = {};
  const docs = await readGold(storeRoot, 'annotations', { onSkip: (_source, reason) => (skipped[reason] = (skipped[reason] ?? 0) + 1) });
  return { docs, skipped };
}

export async function exportStore(session: LinkingSession, request: ExportRequest, signal: AbortSignal, onProgress: ProgressListener): Promise<ExportSummary> {
  const { docs, skipped } = await readStoreGold(request.storeRoot);
  if (docs.length === 0) {
    throw new LinkerError('inputMissing', 'The annotation store has no confirmed annotations to export.', {
      location: { file: path.join(request.storeRoot, '.entity-links') },
      hint: 'Accept or mark NIL some mentions first (suggestions and rejections are not gold).',
    });
  }
  const mapGold = createGoldMapper(session.kb, { kind: 'id' });
  const negatives = request.format === 'blink' && request.hardNegatives > 0 ? await mineExportNegatives(docs, session.linker, { mapGold, count: request.hardNegatives, signal, onProgress }) : undefined;
  return exportGold(docs, {
    format: request.format,
    out: request.out,
    devOut: request.devOut,
    devFraction: request.devFraction,
    seed: request.seed,
    kb: session.kb,
    mapGold,
    skipped,
    blink: negatives === undefined ? {} : { hardNegatives: (m) => negatives.get(m) },
  });
}

export async function finetuneStore(session: LinkingSession, cacheDir: string, request: FinetuneRequest, logger: Logger, signal: AbortSignal, onProgress: ProgressListener): Promise<FinetuneSummary> {
  const { docs, skipped } = await readStoreGold(request.storeRoot);
  const left = Object.entries(skipped).map(([reason, n]) => `${n} ${reason}`).join(', ');
  logger.info(`fine-tune: ${docs.length} documents with confirmed annotations in ${request.storeRoot}${left === '' ? '' : ` (left out: ${left})`}.`);
  // What the editor learned online from this store is folded into the new folder.
  const onlineFile = onlineStateFileFor(request.storeRoot, request.annotator);
  const online = (await readOnlineLearner(onlineFile, session.rankerWeights).catch((e: unknown) => {
    logger.warn(`fine-tune: the online learning state is left out: ${(e as Error).message}`);
    return undefined;
  }))?.state;
  if (online !== undefined) logger.info(`fine-tune: folding in what the editor learned online (${online.decisions} decisions, ${online.weights === undefined ? 'no refit yet' : 'refitted ranker'}) from ${onlineFile}.`);
  const result = await finetuneFromSession({
    session,
    cacheDir,
    ...(online === undefined ? {} : { online }),
    train: docs,
    devFraction: request.devFraction,
    mapGold: createGoldMapper(session.kb, { kind: 'id' }),
    outDir: request.outDir,
    training: { negatives: request.negatives, numNegatives: request.numNegatives, epochs: request.epochs, seed: request.seed },
    logger,
    signal,
    onProgress: (p) => {
      if (p.stage === 'epoch') {
        const r = p.report;
        logger.info(`fine-tune: epoch ${r.epoch}/${r.epochs}: loss ${r.loss.toFixed(4)}, dev recall@64 ${percent(r.dev['recall@64'])}, recall@1 ${percent(r.dev['recall@1'])} (${r.seconds.toFixed(1)} s)`);
        onProgress({ stage: 'epoch', epoch: r.epoch, done: r.epoch, total: r.epochs, figures: { loss: r.loss, 'recall@64': r.dev['recall@64'], 'recall@1': r.dev['recall@1'] } });
      } else {
        onProgress(p);
      }
    },
  });
  const t = result.training;
  return {
    outDir: path.resolve(result.outDir),
    modelId: result.manifest.modelId,
    parent: { path: result.manifest.parent.path, modelId: result.manifest.parent.modelId },
    before: { ...t.before },
    after: { ...t.after },
    bestEpoch: t.bestEpoch,
    epochs: t.epochs.map((e) => ({ ...e, dev: { ...e.dev } })),
    trainMentions: result.counts.trainMentions,
    devMentions: result.counts.devMentions,
    seconds: t.seconds,
    ...(result.manifest.metrics.linker === undefined ? {} : { linker: { before: result.manifest.metrics.linker.before, after: result.manifest.metrics.linker.after } }),
    ...(result.learned === undefined ? {} : { learnedDecisions: result.learned.decisions }),
  };
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
