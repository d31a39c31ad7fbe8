import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerError, throwIfAborted } from '../errors';
import { silentLogger, type Logger, type ProgressListener } from '../log';
import { removeStaleTempFiles, writeAtomic, writeBytesAtomic } from '../atomicFile';
import { bytesOf, sha256OfFile } from './fileHash';
import { ExactIndex, checkShape } from './exactIndex';
import { HnswIndex, resolveHnswParams, type HnswParams } from './hnswIndex';
import {
  DATA_FILE,
  INDEX_MANIFEST_VERSION,
  MANIFEST_FILE,
  readManifest,
  staleReason,
  type IndexBuildParams,
  type IndexKey,
  type IndexKind,
  type IndexManifest,
  type IndexProblem,
} from './indexManifest';
import type { VectorIndex } from './vectorIndex';
import { stampVerified, verifiedUnchanged } from './verifiedStamp';
import { openRegularFileSync } from '../inputFile';

export interface OpenOrBuildIndexOptions {
  /** The index folder (created when missing). One index per folder. */
  readonly dir: string;
  readonly kind: IndexKind;
  readonly dims: number;
  /** Row-major n x dims L2-normalised vectors, or a function producing them, called only when a build is needed
   * (so opening a valid index never has to embed the KB). */
  readonly vectors: Float32Array | (() => Promise<Float32Array>);
  readonly modelId: string;
  readonly kbHash: string;
  readonly templateId: string;
  /** HNSW parameters (ignored for 'exact'); defaults: DEFAULT_HNSW_PARAMS. */
  readonly params?: Partial<HnswParams>;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

export interface OpenedIndex {
  readonly index: VectorIndex;
  /** 'opened': reused from disk; 'built': (re)built now. */
  readonly action: 'opened' | 'built';
  /** Why a build was needed (missing, stale or corrupt), with the file at fault; absent when opened. */
  readonly problem?: IndexProblem;
  readonly manifest: IndexManifest;
  /** False when the build succeeded but could not be saved (the index is still usable for this session). */
  readonly persisted: boolean;
}

/**
 * Opens the index in `dir` when its manifest matches the model, KB, template and build parameters and every file
 * passes its checksum; otherwise builds it from the vectors and saves it. A stale or corrupt folder is never an
 * error: it is logged with the reason (the key that changed, or the file that failed) and rebuilt.
 */
export async function openOrBuildIndex(options: OpenOrBuildIndexOptions): Promise<OpenedIndex> {
  const logger = options.logger ?? silentLogger;
  const hnswParams = options.kind === 'hnsw' ? resolveHnswParams(options.params) : undefined;
  const buildParams: IndexBuildParams = hnswParams === undefined ? {} : { m: hnswParams.m, efConstruction: hnswParams.efConstruction };
  const key: IndexKey = {
    kind: options.kind,
    dims: options.dims,
    params: buildParams,
    modelId: options.modelId,
    kbHash: options.kbHash,
    templateId: options.templateId,
    size: options.vectors instanceof Float32Array ? options.vectors.length / options.dims : undefined,
  };

  throwIfAborted(options.signal);
  const read = readManifest(options.dir);
  let problem: IndexProblem;
  if (read.ok) {
    const stale = staleReason(read.manifest, key);
    if (stale === undefined) {
      const opened = await openFromDisk(options.dir, read.manifest, hnswParams);
      if ('index' in opened) {
        logger.info(`Opened ${options.kind} index of ${read.manifest.size} vectors from ${options.dir}.`);
        return { index: opened.index, action: 'opened', manifest: read.manifest, persisted: true };
      }
      problem = opened.problem;
    } else {
      problem = { kind: 'stale', message: `index in ${options.dir} is stale: ${stale}`, file: path.join(options.dir, MANIFEST_FILE) };
    }
  } else {
    problem = read.problem;
  }

  if (problem.kind === 'corrupt') {
    logger.warn(`Rebuilding the index: ${problem.message}.`);
  } else {
    logger.info(`Building the index: ${problem.message}.`);
  }
  const built = await buildAndSave(options, key, hnswParams, logger);
  return { ...built, action: 'built', problem };
}

type OpenResult = { readonly index: VectorIndex } | { readonly problem: IndexProblem };

/** Checks and reads the index files; the graph is read on a libuv thread (the caller may work meanwhile). */
async function openFromDisk(dir: string, manifest: IndexManifest, hnswParams: HnswParams | undefined): Promise<OpenResult> {
  const name = DATA_FILE[manifest.kind];
  const file = path.join(dir, name);
  const entry = manifest.files[name]!;
  const corrupt = (why: string): OpenResult => ({ problem: { kind: 'corrupt', message: `${file} ${why}`, file } });
  let bytes: number;
  try {
    bytes = fs.statSync(file).size;
  } catch (e) {
    return corrupt(`could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (bytes !== entry.bytes) {
    return corrupt(`is ${bytes} bytes but the manifest says ${entry.bytes} (truncated or replaced)`);
  }
  if (manifest.kind === 'exact') {
    const floats = manifest.size * manifest.dims;
    if (bytes !== floats * 4) {
      return corrupt(`is ${bytes} bytes, not ${manifest.size} x ${manifest.dims} float32 vectors`);
    }
    const vectors = new Float32Array(floats);
    try {
      readInto(file, bytesOf(vectors));
    } catch (e) {
      return corrupt(`could not be read (${(e as Error).message})`);
    }
    if (!verifiedUnchanged(dir, name, entry.sha256)) {
      const sum = createHash('sha256').update(bytesOf(vectors)).digest('hex');
      if (sum !== entry.sha256) {
        return corrupt('failed its sha256 checksum');
      }
      stampVerified(dir, name, sum);
    }
    return { index: new ExactIndex(vectors, manifest.dims) };
  }
  // A file checked before and not written since (verifiedStamp.ts) is not hashed again: 200 MB take ~0.4 s.
  if (!verifiedUnchanged(dir, name, entry.sha256)) {
    let sum: string;
    try {
      sum = sha256OfFile(file);
    } catch (e) {
      return corrupt(`could not be read (${(e as Error).message})`);
    }
    if (sum !== entry.sha256) {
      return corrupt('failed its sha256 checksum');
    }
    stampVerified(dir, name, sum);
  }
  try {
    const index = await HnswIndex.readAsync(file, manifest.dims, hnswParams!);
    if (index.size !== manifest.size) {
      return corrupt(`holds ${index.size} vectors but the manifest says ${manifest.size}`);
    }
    return { index };
  } catch (e) {
    return corrupt(`could not be loaded by hnswlib (${(e as Error).message})`);
  }
}

function readInto(file: string, target: Uint8Array): void {
  const fd = openRegularFileSync(file);
  try {
    let offset = 0;
    while (offset < target.byteLength) {
      const read = fs.readSync(fd, target, offset, target.byteLength - offset, offset);
      if (read === 0) {
        throw new Error(`unexpected end of file at byte ${offset}`);
      }
      offset += read;
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function buildAndSave(
  options: OpenOrBuildIndexOptions,
  key: IndexKey,
  hnswParams: HnswParams | undefined,
  logger: Logger,
): Promise<{ index: VectorIndex; manifest: IndexManifest; persisted: boolean }> {
  const vectors = options.vectors instanceof Float32Array ? options.vectors : await options.vectors();
  checkShape(vectors, options.dims);
  throwIfAborted(options.signal);
  const started = Date.now();
  const index: ExactIndex | HnswIndex =
    options.kind === 'exact'
      ? new ExactIndex(vectors, options.dims)
      : await HnswIndex.build(vectors, options.dims, { params: hnswParams, signal: options.signal, onProgress: options.onProgress });
  logger.info(`Built ${options.kind} index of ${index.size} vectors in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

  const manifest: IndexManifest = {
    version: INDEX_MANIFEST_VERSION,
    kind: options.kind,
    dims: options.dims,
    metric: 'ip',
    params: key.params,
    size: index.size,
    modelId: options.modelId,
    kbHash: options.kbHash,
    templateId: options.templateId,
    createdAt: new Date().toISOString(),
    files: {},
  };
  try {
    const files = saveIndex(options.dir, index);
    const complete = { ...manifest, files };
    writeBytesAtomic(path.join(options.dir, MANIFEST_FILE), [Buffer.from(`${JSON.stringify(complete, null, 2)}\n`, 'utf8')]);
    for (const [name, entry] of Object.entries(files)) stampVerified(options.dir, name, entry.sha256);
    return { index, manifest: complete, persisted: true };
  } catch (e) {
    if (LinkerError.is(e, 'cancelled')) {
      throw e;
    }
    logger.warn(`The index was built but could not be saved to ${options.dir} (${(e as Error).message}); it will be rebuilt next time.`);
    return { index, manifest, persisted: false };
  }
}

/** Writes the data file and returns its manifest entry. The old manifest goes first, so a crash part-way leaves
 * a folder that reads as "missing" rather than a manifest describing files that are not there. */
function saveIndex(dir: string, index: ExactIndex | HnswIndex): IndexManifest['files'] {
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTempFiles(dir);
  fs.rmSync(path.join(dir, MANIFEST_FILE), { force: true });
  const name = DATA_FILE[index.kind];
  const file = path.join(dir, name);
  let sha256: string;
  if (index instanceof ExactIndex) {
    const bytes = bytesOf(index.vectors);
    writeBytesAtomic(file, [bytes]);
    sha256 = createHash('sha256').update(bytes).digest('hex');
  } else {
    writeAtomic(file, (temp) => index.write(temp));
    sha256 = sha256OfFile(file);
    index.useFileRows(file);
  }
  // A folder switched from one kind to the other should not keep the old, now unreferenced, data file.
  for (const [kind, other] of Object.entries(DATA_FILE)) {
    if (kind !== index.kind) {
      fs.rmSync(path.join(dir, other), { force: true });
    }
  }
  return { [name]: { sha256, bytes: fs.statSync(file).size } };
}
