import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerError, throwIfAborted } from '../errors';
import { silentLogger, type Logger, type ProgressListener } from '../log';
import { removeStaleTempFiles } from '../atomicFile';
import { readShardInto, textKey, writeShard, type ShardRead } from './embeddingShard';

export interface EmbedAllOptions {
  /** Root of the cache; each model gets its own sub-folder. */
  readonly cacheDir: string;
  readonly modelId: string;
  readonly dims: number;
  /** The encoded texts, template already applied; the cache key is sha256 of exactly this text. */
  readonly texts: readonly string[];
  /** Encodes texts into L2-normalised vectors, one per text, in order. Called only for texts not cached. */
  readonly encode: (texts: readonly string[]) => Promise<Float32Array[]>;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  readonly logger?: Logger;
  /** Texts per encode call (also the unit of progress and cancellation); default 1024. */
  readonly batchSize?: number;
  /**
   * Vectors encoded so far are written to the cache at least this often (ms, default 30 s), so a build killed
   * outright (SIGKILL, a closed terminal, the OOM killer: nothing runs on the way out) keeps all but the last
   * interval's work and the next run resumes there. 0 writes after every batch.
   */
  readonly checkpointMs?: number;
}

/** Beyond this many files the cache is rewritten as one file holding just the current texts (see below). */
const MAX_SHARDS = 8;
const SHARD_EXT = '.emb';

/** The folder of one model's cache: the model id is hashed because ids may hold characters paths cannot. */
export function modelCacheDir(cacheDir: string, modelId: string, dims: number): string {
  const id = createHash('sha256').update(modelId, 'utf8').digest('hex').slice(0, 16);
  return path.join(cacheDir, `${id}-${dims}d`);
}

/**
 * Returns the vector of every text (row-major, texts.length x dims), encoding only the texts not already in the
 * on-disk cache. New vectors go into a new file of their own, so adding entities to a KB writes only the new
 * ones; once more than MAX_SHARDS files pile up they are compacted into one holding the current texts (entries
 * no longer asked for are dropped then: the cache follows the KB instead of growing forever). A damaged file is
 * reported with its path, deleted, and its texts re-encoded. Vectors encoded before a cancellation or an encoder
 * failure are saved, and during encoding they are checkpointed to new files every `checkpointMs`, so a retry
 * resumes where it stopped even after a kill.
 */
export async function embedAll(options: EmbedAllOptions): Promise<Float32Array> {
  const { modelId, dims, texts } = options;
  const logger = options.logger ?? silentLogger;
  if (!Number.isInteger(dims) || dims <= 0) {
    throw new LinkerError('internal', `Embedding dimension must be a positive integer, got ${dims}.`);
  }
  const dir = modelCacheDir(options.cacheDir, modelId, dims);
  const n = texts.length;
  const out = new Float32Array(n * dims);
  const filled = new Uint8Array(n);

  const keys = texts.map(textKey);
  // Duplicate texts share the first occurrence's vector; `firstOf[i]` is that occurrence.
  const wanted = new Map<string, number>();
  const firstOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const first = wanted.get(keys[i]!);
    if (first === undefined) {
      wanted.set(keys[i]!, i);
      firstOf[i] = i;
    } else {
      firstOf[i] = first;
    }
  }

  throwIfAborted(options.signal);
  const shards = listShards(dir, logger);
  for (const file of shards.slice()) {
    const read = readShardSafely(file, modelId, dims, wanted, out, filled);
    if (read.status !== 'ok') {
      const say = read.status === 'corrupt' ? logger.warn.bind(logger) : logger.info.bind(logger);
      say(`Embedding cache file ${file} ${read.message}; removing it (its texts will be re-encoded if needed).`);
      fs.rmSync(file, { force: true });
      shards.splice(shards.indexOf(file), 1);
    }
  }

  const missing: number[] = [];
  for (const pos of wanted.values()) {
    if (filled[pos] === 0) {
      missing.push(pos);
    }
  }
  logger.info(`Embeddings: ${wanted.size - missing.length} of ${wanted.size} distinct texts cached, ${missing.length} to encode.`);

  // Positions encoded since the last file written; `save` writes them as one new shard.
  let pending: number[] = [];
  let warned = false;
  const save = (): void => {
    if (pending.length === 0) return;
    try {
      fs.mkdirSync(dir, { recursive: true });
      removeStaleTempFiles(dir);
      const file = path.join(dir, newShardName());
      writeShard(file, modelId, dims, keys, pending, out);
      shards.push(file);
      pending = [];
    } catch (e) {
      // The vectors stay pending: the next checkpoint or the end tries again. Warned once.
      if (!warned) logger.warn(`Could not save ${pending.length} new embeddings to ${dir} (${(e as Error).message}); unsaved ones will be encoded again next time.`);
      warned = true;
    }
  };
  const checkpointMs = options.checkpointMs ?? 30_000;
  let lastCheckpoint = Date.now();
  let failure: unknown;
  try {
    await encodeMissing(options, missing, out, filled, (positions) => {
      pending.push(...positions);
      if (Date.now() - lastCheckpoint >= checkpointMs) {
        save();
        lastCheckpoint = Date.now();
      }
    });
  } catch (e) {
    failure = e;
  }
  save();
  if (failure !== undefined) {
    throw failure;
  }

  if (shards.length > MAX_SHARDS) {
    compact(dir, shards, modelId, dims, keys, [...wanted.values()], out, logger);
  }
  for (let i = 0; i < n; i++) {
    if (firstOf[i] !== i) {
      out.copyWithin(i * dims, firstOf[i]! * dims, (firstOf[i]! + 1) * dims);
    }
  }
  return out;
}

async function encodeMissing(options: EmbedAllOptions, missing: readonly number[], out: Float32Array, filled: Uint8Array, onBatch: (positions: readonly number[]) => void): Promise<void> {
  const { dims, texts } = options;
  const batchSize = Math.max(1, options.batchSize ?? 1024);
  for (let start = 0; start < missing.length; start += batchSize) {
    throwIfAborted(options.signal);
    const positions = missing.slice(start, start + batchSize);
    const vectors = await options.encode(positions.map((pos) => texts[pos]!));
    if (vectors.length !== positions.length) {
      throw new LinkerError('internal', `The encoder returned ${vectors.length} vectors for ${positions.length} texts.`);
    }
    for (let i = 0; i < positions.length; i++) {
      const vector = vectors[i]!;
      if (vector.length !== dims) {
        throw new LinkerError('internal', `The encoder returned a ${vector.length}-dimensional vector; the cache expects ${dims}.`, {
          hint: 'Check that the model id and dimension passed to the cache belong to the same model.',
        });
      }
      const pos = positions[i]!;
      out.set(vector, pos * dims);
      filled[pos] = 1;
    }
    onBatch(positions);
    options.onProgress?.({ stage: 'Encoding entities', done: Math.min(missing.length, start + batchSize), total: missing.length });
  }
}

function readShardSafely(file: string, modelId: string, dims: number, wanted: ReadonlyMap<string, number>, out: Float32Array, filled: Uint8Array): ShardRead {
  try {
    return readShardInto(file, modelId, dims, wanted, out, filled);
  } catch (e) {
    // Another process compacting the same cache may delete a file between listing and opening it.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { status: 'ok', rows: 0, used: 0 };
    }
    return { status: 'corrupt', message: `could not be opened (${(e as Error).message})` };
  }
}

function listShards(dir: string, logger: Logger): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn(`Embedding cache folder ${dir} could not be listed (${(e as Error).message}); encoding everything.`);
    }
    return [];
  }
  // Sorted so that reads are deterministic: names start with a timestamp, so older files come first.
  return names
    .filter((name) => name.endsWith(SHARD_EXT))
    .sort()
    .map((name) => path.join(dir, name));
}

function newShardName(): string {
  return `shard-${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}${SHARD_EXT}`;
}

function compact(dir: string, shards: readonly string[], modelId: string, dims: number, keys: readonly string[], positions: readonly number[], out: Float32Array, logger: Logger): void {
  try {
    const merged = path.join(dir, newShardName());
    writeShard(merged, modelId, dims, keys, positions, out);
    for (const file of shards) {
      fs.rmSync(file, { force: true });
    }
    logger.info(`Compacted ${shards.length} embedding cache files in ${dir} into one of ${positions.length} vectors.`);
  } catch (e) {
    logger.warn(`Could not compact the embedding cache in ${dir} (${(e as Error).message}).`);
  }
}
