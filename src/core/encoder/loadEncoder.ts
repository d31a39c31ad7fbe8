import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinkerError, throwIfAborted } from '../errors';
import { readRegularFileIfExistsSync } from '../inputFile';
import type { EncodeOptions, EncoderLoadOptions, TextEncoder, TokenStates } from './encoder';
import { FinetunedEncoder } from './finetuned/finetunedEncoder';
import { HfEncoder } from './hf/hfEncoder';
import type * as UseLiteModule from './useLite/useLiteEncoder';

/** What a model folder holds, decided from its files alone. */
export type ModelFolderKind = 'use-lite' | 'hf' | 'finetuned';

const FOLDER_HINT =
  'A model folder holds either the built-in USE-lite model (manifest.json with "kind": "use-lite" and model.onnx) or a Hugging Face ONNX export (model.onnx, tokenizer.json and config.json; optionally manifest.json with "kind": "hf" and "pooling": "mean" or "cls").';

/** Tells which encoder a folder needs; throws a LinkerError naming the folder when it is neither. */
export function detectModelFolder(modelDir: string): ModelFolderKind {
  const dir = path.resolve(modelDir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    const what = fs.existsSync(dir) ? 'is a file, not a folder' : 'does not exist';
    throw new LinkerError('modelMissing', `The model folder ${dir} ${what}.`, { location: { file: dir }, hint: FOLDER_HINT });
  }
  const manifestFile = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    let kind: unknown;
    try {
      const bytes = readRegularFileIfExistsSync(manifestFile, { what: 'The model manifest', hint: FOLDER_HINT });
      kind = (JSON.parse(bytes?.toString('utf8') ?? '{}') as { kind?: unknown }).kind;
    } catch (e) {
      if (LinkerError.is(e)) throw e;
      throw new LinkerError('modelLoad', `manifest.json is not valid JSON: ${(e as Error).message}.`, { location: { file: manifestFile }, hint: FOLDER_HINT, cause: e });
    }
    if (kind === 'use-lite' || kind === 'hf' || kind === 'finetuned') {
      return kind;
    }
    throw new LinkerError('modelLoad', `manifest.json has kind ${JSON.stringify(kind)}; expected "use-lite", "hf" or "finetuned".`, { location: { file: manifestFile }, hint: FOLDER_HINT });
  }
  if (fs.existsSync(path.join(dir, 'model.onnx')) && fs.existsSync(path.join(dir, 'tokenizer.json'))) {
    return 'hf';
  }
  const present = fs.readdirSync(dir).slice(0, 8);
  throw new LinkerError('modelMissing', `${dir} is not a model folder (it holds ${present.length === 0 ? 'nothing' : present.join(', ')}).`, {
    location: { file: dir },
    hint: FOLDER_HINT,
  });
}

interface CacheEntry {
  readonly loading: Promise<TextEncoder>;
  users: number;
}

const cache = new Map<string, CacheEntry>();

/**
 * Loads the encoder a model folder needs. Within one process each (folder, provider, precision) loads once: later
 * calls share the session and get their own handle; the session is released when the last handle is disposed.
 */
export async function loadEncoder(modelDir: string, options: EncoderLoadOptions): Promise<TextEncoder> {
  throwIfAborted(options.signal);
  const dir = path.resolve(modelDir);
  const key = `${dir}\u0000${options.provider}\u0000${options.precision ?? 'fp32'}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    const kind = detectModelFolder(dir);
    // Shared by every caller, so no single caller's signal may cancel it; each caller checks its own below.
    const shared: EncoderLoadOptions = { provider: options.provider, threads: options.threads, logger: options.logger, precision: options.precision };
    const created: CacheEntry = { loading: openEncoder(kind, dir, shared), users: 0 };
    entry = created;
    cache.set(key, created);
    created.loading.catch(() => {
      if (cache.get(key) === created) cache.delete(key);
    });
  } else {
    options.logger.debug(`Encoder for ${dir} (${options.provider}) already loaded in this process; sharing it.`);
  }
  const encoder = await entry.loading;
  throwIfAborted(options.signal);
  entry.users++;
  return new SharedEncoderHandle(encoder, () => release(key, entry));
}

async function release(key: string, entry: CacheEntry): Promise<void> {
  entry.users--;
  if (entry.users <= 0 && cache.get(key) === entry) {
    cache.delete(key);
    await (await entry.loading).dispose();
  }
}

async function openEncoder(kind: ModelFolderKind, dir: string, options: EncoderLoadOptions): Promise<TextEncoder> {
  if (kind === 'use-lite') {
    // Required only when a folder needs it, so an HF-only user never loads the USE-lite code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { UseLiteEncoder } = require('./useLite/useLiteEncoder') as typeof UseLiteModule;
    return UseLiteEncoder.load(dir, options);
  }
  if (kind === 'finetuned') {
    // The parent loads through loadEncoder, so a parent folder already open in this process is shared.
    return FinetunedEncoder.load(dir, options, loadEncoder);
  }
  return HfEncoder.load(dir, options);
}

/** One caller's view of a shared encoder: disposing it twice is harmless and never frees another caller's session. */
class SharedEncoderHandle implements TextEncoder {
  private disposed = false;
  readonly encodeTokens?: (texts: readonly string[], options?: EncodeOptions) => Promise<TokenStates[]>;

  constructor(
    private readonly inner: TextEncoder,
    private readonly onDispose: () => Promise<void>,
  ) {
    const tokens = inner.encodeTokens;
    if (tokens !== undefined) {
      this.encodeTokens = (texts, options) => {
        this.checkOpen();
        return tokens.call(inner, texts, options);
      };
    }
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  get dims(): number {
    return this.inner.dims;
  }

  get provider(): string {
    return this.inner.provider;
  }

  encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]> {
    this.checkOpen();
    return this.inner.encode(texts, options);
  }

  async dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      await this.onDispose();
    }
  }

  private checkOpen(): void {
    if (this.disposed) {
      throw new LinkerError('internal', 'This encoder handle was disposed.', { hint: 'Call loadEncoder again for a new handle.' });
    }
  }
}
