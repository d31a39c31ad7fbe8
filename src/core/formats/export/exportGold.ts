import * as path from 'node:path';
import { writeTextAtomic } from '../../atomicFile';
import { LinkerError } from '../../errors';
import type { GoldMapper } from '../goldMapping';
import type { KnowledgeBase } from '../../kb/knowledgeBase';
import { DEFAULT_DEV_FRACTION, DEFAULT_SPLIT_SEED, devFractionProblem, seedProblem, splitByDocument } from '../documentSplit';
import type { GoldDocument } from '../goldDocument';
import { type BlinkExportOptions, blinkTrainingRecords, toJsonl } from './blinkTrainingWriter';
import { type BratExportOptions, writeBratStandoff } from './bratWriter';
import { type ExportFormat, checkExportTargets, goldInputFiles } from './exportTarget';
import { type NifExportOptions, nifTurtle } from './nifWriter';

// Defined beside the output checks (which need them and must not import this module); exported here for callers.
export { EXPORT_FORMATS, type ExportFormat } from './exportTarget';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** A file (blink, nif) or a folder (brat). */
  readonly out: string;
  /** Where the dev documents go; without it there is no split and everything goes to `out`. */
  readonly devOut?: string;
  /** Share of documents in dev (default 0.2). */
  readonly devFraction?: number;
  readonly seed?: number;
  /** Keep NIL mentions (default) or drop them. */
  readonly includeNil?: boolean;
  /** For KB coverage in the summary, and the labels of BLINK records. */
  readonly kb?: KnowledgeBase;
  readonly mapGold?: GoldMapper;
  readonly blink?: Omit<BlinkExportOptions, 'kb' | 'mapGold' | 'includeNil'>;
  readonly nif?: NifExportOptions;
  readonly brat?: BratExportOptions;
  /** Files read besides the gold documents' own (KB sources, a KB config ...): an output may not be one of them. */
  readonly inputs?: readonly string[];
  /** Replace an existing output that is not recognisably a previous export (see exportTarget.ts). */
  readonly force?: boolean;
  /** Records the reader left out (rejected or pending annotations ...), by reason, copied into the summary. */
  readonly skipped?: Readonly<Record<string, number>>;
}

export interface ExportSummary {
  readonly format: ExportFormat;
  readonly files: { readonly train: string; readonly dev?: string };
  readonly documents: { readonly train: number; readonly dev: number };
  readonly mentions: {
    readonly total: number;
    readonly linked: number;
    readonly nil: number;
    /** NIL mentions dropped with includeNil false. */
    readonly nilLeftOut: number;
    readonly written: number;
    /** Linked mentions whose gold is in the KB / is not (only with a KB). */
    readonly inKb?: number;
    readonly outOfKb?: number;
  };
  /** inKb / linked, with a KB. */
  readonly kbCoverage?: number;
  readonly distinctEntities: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly seed?: number;
}

/**
 * Writes gold documents in a training or interchange format, optionally split by document into train and dev
 * (seeded; never by mention). Files are written under a temporary name, fsynced and renamed (one atomic writer,
 * atomicFile.ts), so an interrupted export leaves the previous file in place. Where an export may
 * write is the caller's check (exportTarget.ts).
 */
export async function exportGold(docs: readonly GoldDocument[], options: ExportOptions): Promise<ExportSummary> {
  // Every caller (the CLI, the editor's worker) gets the same output checks, right before anything is written.
  checkExportTargets({ format: options.format, out: options.out, devOut: options.devOut, inputs: [...goldInputFiles(docs), ...(options.inputs ?? [])], force: options.force });
  if (options.devOut !== undefined) {
    const problem = devFractionProblem(options.devFraction ?? DEFAULT_DEV_FRACTION) ?? seedProblem(options.seed ?? DEFAULT_SPLIT_SEED);
    if (problem !== undefined) throw new LinkerError('usage', `Cannot split the export (dev share ${options.devFraction}, seed ${options.seed}): ${problem}.`);
  }
  const includeNil = options.includeNil ?? true;
  const split = options.devOut === undefined ? { train: [...docs], dev: [] as GoldDocument[] } : splitByDocument(docs, options.devFraction ?? DEFAULT_DEV_FRACTION, options.seed ?? DEFAULT_SPLIT_SEED, (d) => d.id);
  const filtered = (set: readonly GoldDocument[]): GoldDocument[] => (includeNil ? [...set] : set.map((d) => ({ ...d, mentions: d.mentions.filter((m) => !m.nil && m.goldIds.length > 0) })));
  await writeSet(filtered(split.train), options.out, options);
  if (options.devOut !== undefined) await writeSet(filtered(split.dev), options.devOut, options);

  let total = 0;
  let nil = 0;
  let inKb = 0;
  let outOfKb = 0;
  const entities = new Set<string>();
  for (const d of docs) {
    for (const m of d.mentions) {
      total++;
      if (m.nil || m.goldIds.length === 0) {
        nil++;
        continue;
      }
      if (options.kb !== undefined) {
        const mapped = options.mapGold?.(m) ?? { ids: m.goldIds.filter((id) => options.kb!.rowOf(id) !== undefined), status: 'in-kb' as const };
        if (mapped.ids.length > 0) inKb++;
        else outOfKb++;
        for (const id of mapped.ids.length > 0 ? mapped.ids.slice(0, 1) : m.goldIds.slice(0, 1)) entities.add(id);
      } else {
        entities.add(m.goldIds[0]!);
      }
    }
  }
  const linked = total - nil;
  const nilLeftOut = includeNil ? 0 : nil;
  return {
    format: options.format,
    files: { train: path.resolve(options.out), ...(options.devOut === undefined ? {} : { dev: path.resolve(options.devOut) }) },
    documents: { train: split.train.length, dev: split.dev.length },
    mentions: { total, linked, nil, nilLeftOut, written: total - nilLeftOut, ...(options.kb === undefined ? {} : { inKb, outOfKb }) },
    ...(options.kb === undefined || linked === 0 ? {} : { kbCoverage: inKb / linked }),
    distinctEntities: entities.size,
    skipped: options.skipped ?? {},
    ...(options.devOut === undefined ? {} : { seed: options.seed ?? DEFAULT_SPLIT_SEED }),
  };
}

async function writeSet(docs: readonly GoldDocument[], target: string, options: ExportOptions): Promise<void> {
  switch (options.format) {
    case 'blink': {
      const { records } = blinkTrainingRecords(docs, { ...options.blink, kb: options.kb, mapGold: options.mapGold, includeNil: options.includeNil });
      await writeTextAtomic(path.resolve(target), toJsonl(records));
      return;
    }
    case 'nif':
      await writeTextAtomic(path.resolve(target), nifTurtle(docs, options.nif));
      return;
    case 'brat':
      await writeBratStandoff(docs, target, options.brat);
      return;
  }
}
