import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerError } from '../errors';
import { writeBytesAtomic } from '../atomicFile';
import { silentLogger } from '../log';
import type { Entity } from './entity';
import { kbContentHash } from './kbContentHash';
import { SnapshotError } from '../index/binarySnapshot';
import { KB_SNAPSHOT_VERSION, decodeKbSnapshot, encodeKbSnapshot, readKbSnapshotHeader, type KbSnapshotContent, type KbSnapshotHeader } from './kbSnapshot';
import { changedFile, sameFilesAndSizes, sourceFilesHash, statSourceFiles, type SourceFileStat } from './kbSourceFiles';
import { KnowledgeBase } from './knowledgeBase';
import { loadKnowledgeBase, mergeEntities, readKbSource, type KbLoadOptions, type KbLoadReport } from './loadKnowledgeBase';
import { makeEntity, readBlinkKb, readJsonlKb, readZeshelKb, readZeshelWorld } from './jsonLineReaders';
import { readBratKb } from './bratReader';
import { readDelimitedKb } from './delimitedReader';
import { readSparqlJsonKb } from './sparqlJsonReader';
import { parseWordNetDataLine, readWordNetKb } from './wordnetReader';
import { readLineBatches, readLines, readTextChunks } from './lineReader';
import { detach, scalarString, splitAliases } from './kbReadOptions';
import { exactFieldOfName, fieldOfName, normaliseName, positionalColumns, resolveColumns } from './columnRules';
import type { KbSourceSpec } from './sniffFormat';
import { wordnetDictDir } from './wordnetLexicon';
import { readRegularFileSync } from '../inputFile';

export interface CachedKbOptions extends KbLoadOptions {
  /** The cache root; snapshots live in `<cacheDir>/kb`. */
  readonly cacheDir: string;
  /** Files the derived priors are read from (WordNet's index.sense): a change to them rebuilds the snapshot too. */
  readonly derivedFrom?: readonly string[];
  /** Per-row priors worked out once when the KB is read (NaN where none; undefined when none at all), kept in the snapshot. */
  readonly derivePriors?: (entities: readonly Entity[]) => Promise<Float64Array | undefined>;
  /** A count per name (title, then aliases, row by row; NaN where none), worked out once and kept in the snapshot. */
  readonly deriveNameCounts?: (entities: readonly Entity[]) => Promise<Float64Array | undefined>;
  /** What decides the derived priors besides their files (the deriving code), so a change to it makes a new snapshot. */
  readonly derivationKey?: string;
}

/**
 * The source text of the code that turns source bytes into entities: any edit to a reader, the merging or the
 * content hash makes a new snapshot key, so a snapshot never outlives the code that made it (KB_SNAPSHOT_VERSION
 * covers the layout).
 */
function readerCode(): string {
  const fns: unknown[] = [loadKnowledgeBase, readKbSource, mergeEntities, kbContentHash, makeEntity, readJsonlKb, readBlinkKb, readZeshelKb, readZeshelWorld, readBratKb, readDelimitedKb, readSparqlJsonKb, readWordNetKb, parseWordNetDataLine, readLines, readLineBatches, readTextChunks, detach, splitAliases, scalarString, resolveColumns, positionalColumns, fieldOfName, exactFieldOfName, normaliseName];
  return fns.map(String).join('\n');
}

export interface CachedKb {
  readonly kb: KnowledgeBase;
  readonly report: KbLoadReport;
  /** kbContentHash(kb), stored in the snapshot so an opened KB is not hashed again. */
  readonly kbHash: string;
  readonly priors?: Float64Array;
  /** CachedKbOptions.deriveNameCounts' result, from the snapshot or worked out now. */
  readonly nameCounts?: Float64Array;
  /** 'snapshot': opened from the snapshot; 'read': the sources were parsed (and the snapshot written). */
  readonly action: 'snapshot' | 'read';
  /** The snapshot file. */
  readonly file: string;
  /** Why the sources were read again (no snapshot yet, a changed source, a damaged file); absent when opened. */
  readonly problem?: string;
}

/** The file the snapshot of these sources and options lives in: named by a hash of the sources and options. */
export function kbSnapshotFile(cacheDir: string, sources: readonly KbSourceSpec[], options: KbLoadOptions | CachedKbOptions = {}): string {
  return path.join(cacheDir, 'kb', `${kbSnapshotKey(sources, options).slice(0, 24)}.kbsnap`);
}

/** sha256 of what decides a KB's content besides the bytes of its files: the resolved sources and the load options. */
export function kbSnapshotKey(sources: readonly KbSourceSpec[], options: KbLoadOptions | CachedKbOptions = {}): string {
  const key = {
    version: KB_SNAPSHOT_VERSION,
    sources: sources.map((s) => ({ ...s, path: path.resolve(sourcePath(s)) })),
    strict: options.strict ?? true,
    maxTextChars: options.maxTextChars ?? null,
    sourceLocations: options.sourceLocations ?? true,
    name: options.name ?? null,
    derivation: (options as CachedKbOptions).derivationKey ?? null,
  };
  return createHash('sha256').update(JSON.stringify(key)).update('\u0000').update(readerCode()).digest('hex');
}

/** The path a source reads: the built-in WordNet's dict folder for `wordnet`. */
function sourcePath(spec: KbSourceSpec): string {
  return spec.format === 'wordnet' && (spec.path === '' || spec.path === 'wordnet') ? wordnetDictDir() : spec.path;
}

/**
 * loadKnowledgeBase with a binary snapshot in the cache: when the snapshot was made from the same sources and
 * options and no source file changed (same size and mtime, or, when only the mtime moved, the same bytes by
 * sha256), the KB is decoded from it in one read; otherwise the sources are parsed and the snapshot rewritten
 * (atomically). A damaged or stale snapshot is never an error: it is logged with the reason and rebuilt.
 */
export async function loadKnowledgeBaseCached(sources: readonly KbSourceSpec[], options: CachedKbOptions): Promise<CachedKb> {
  const logger = options.logger ?? silentLogger;
  const file = kbSnapshotFile(options.cacheDir, sources, options);
  const key = kbSnapshotKey(sources, options);
  const paths = [...sources.map(sourcePath), ...(options.derivedFrom ?? [])];
  const before = statSourceFiles(paths);
  if (typeof before === 'string') {
    // A missing or unreadable source: the loader names it properly.
    const read = await loadKnowledgeBase(sources, options);
    return finishRead(read, options, file, `a source cannot be listed (${before})`, undefined);
  }

  const opened = openSnapshot(file, key, before);
  if ('content' in opened) {
    const { content } = opened;
    const kb = new KnowledgeBase(content.header.name, content.entities);
    if (opened.refresh) {
      // Only mtimes moved (a touch, a copy, a reinstall of the same files): record them so the next open is fast.
      trySave(file, { ...content.header, files: before, writtenAtMs: Date.now() }, content.entities, { priors: content.derivedPriors, nameCounts: content.derivedNameCounts }, logger);
    }
    const { derivedPriors: priors, derivedNameCounts: nameCounts } = content;
    return { kb, report: content.header.report, kbHash: content.header.kbHash, ...(priors === undefined ? {} : { priors }), ...(nameCounts === undefined ? {} : { nameCounts }), action: 'snapshot', file };
  }
  if (opened.corrupt) logger.warn(`KB snapshot ${file} ${opened.problem}; reading the KB sources again.`);
  else logger.info(`KB snapshot: ${opened.problem}; reading the KB sources.`);
  const read = await loadKnowledgeBase(sources, options);
  return finishRead(read, options, file, opened.problem, { key, paths, before });
}

type OpenedSnapshot = { readonly content: KbSnapshotContent; readonly refresh: boolean } | { readonly problem: string; readonly corrupt: boolean };

function openSnapshot(file: string, key: string, now: readonly SourceFileStat[]): OpenedSnapshot {
  let data: Buffer;
  try {
    data = readRegularFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { problem: `none yet at ${file}`, corrupt: false } : { problem: `could not be read (${code ?? (e as Error).message})`, corrupt: true };
  }
  try {
    const header = readKbSnapshotHeader(data);
    if (header.key !== key) return { problem: `${file} was made from other sources or options`, corrupt: false };
    const changed = changedFile(header.files, now, header.writtenAtMs);
    let refresh = false;
    if (changed !== undefined) {
      if (!sameFilesAndSizes(header.files, now) || sourceFilesHash(now) !== header.filesHash) return { problem: `${file} is stale: ${changed}`, corrupt: false };
      refresh = true;
    }
    return { content: decodeKbSnapshot(data, file), refresh };
  } catch (e) {
    if (e instanceof SnapshotError) return { problem: e.message, corrupt: true };
    throw e;
  }
}

async function finishRead(
  read: { kb: KnowledgeBase; report: KbLoadReport },
  options: CachedKbOptions,
  file: string,
  problem: string,
  save: { key: string; paths: readonly string[]; before: readonly SourceFileStat[] } | undefined,
): Promise<CachedKb> {
  const { kb, report } = read;
  const kbHash = kbContentHash(kb);
  const priors = options.derivePriors === undefined ? undefined : await options.derivePriors(kb.entities);
  const nameCounts = options.deriveNameCounts === undefined ? undefined : await options.deriveNameCounts(kb.entities);
  if (save !== undefined) {
    const after = statSourceFiles(save.paths);
    if (typeof after !== 'string' && changedFile(save.before, after) === undefined) {
      const header = { key: save.key, name: kb.name, kbHash, files: save.before, filesHash: sourceFilesHash(save.before), writtenAtMs: Date.now(), report };
      trySave(file, header, kb.entities, { priors, nameCounts }, options.logger ?? silentLogger);
    } else {
      (options.logger ?? silentLogger).info('KB snapshot not written: a source changed while it was read.');
    }
  }
  return { kb, report, kbHash, ...(priors === undefined ? {} : { priors }), ...(nameCounts === undefined ? {} : { nameCounts }), action: 'read', file, problem };
}

function trySave(file: string, header: KbSnapshotHeader, entities: readonly Entity[], derived: { priors?: Float64Array; nameCounts?: Float64Array }, logger: { warn(m: string): void }): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeBytesAtomic(file, encodeKbSnapshot(header, entities, derived.priors, derived.nameCounts));
  } catch (e) {
    if (LinkerError.is(e, 'cancelled')) throw e;
    logger.warn(`The KB snapshot could not be written to ${file} (${(e as Error).message}); the KB will be read from its sources next time.`);
  }
}
