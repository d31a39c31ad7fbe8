import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { LinkerError, throwIfAborted } from '../../errors';
import { readRegularFileIfExists } from '../../inputFile';
import type { Logger } from '../../log';
import { SentencePieceUnigramTokenizer, UNKNOWN_ID, type SentencePieceVocabulary } from '../../text/sentencePieceUnigram';
import type { EncodeOptions, EncoderLoadOptions, ExecutionProviderChoice, TextEncoder, TokenStates } from '../encoder';
import { loadOrt } from '../onnxRuntime';
import { createOnnxSession } from '../onnxSession';
import { lengthSortedBatches } from '../lengthBatches';
import { decidePrecision, keepsFp32OnGpu, readCpuInfo, type Precision } from '../precision';
import { REBUILD_HINT, ensureInt8, readUseLiteManifest, type UseLiteManifest } from './useLiteModel';

/**
 * The built-in encoder: universal-sentence-encoder-lite converted to ONNX (see convertUseLite.ts), fed with the
 * model's own SentencePiece tokenization in the original sparse (row, position) -> id form.
 */

export const DEFAULT_BATCH_SIZE = 32;

interface BatchOutput {
  readonly embeddings: Float32Array;
  /** [rows, length, dims], only when token states were asked for. */
  readonly tokenStates?: { readonly data: Float32Array; readonly length: number };
}

export class UseLiteEncoder implements TextEncoder {
  readonly modelId: string;
  readonly dims: number;
  readonly provider: string;
  readonly maxTokens: number;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: SentencePieceUnigramTokenizer,
    private readonly manifest: UseLiteManifest,
    provider: string,
    private readonly logger: Logger,
    readonly precision: Precision,
  ) {
    // Each precision has its own file and id, so embedding caches and indexes never mix fp32 and int8 vectors.
    this.modelId = precision === 'int8' ? (manifest.int8 as NonNullable<UseLiteManifest['int8']>).sha256 : manifest.sha256;
    this.dims = manifest.dims;
    this.maxTokens = manifest.maxTokens;
    this.provider = provider;
  }

  /** Opens a converted model folder (see ensureUseLiteModel), at the precision `options.precision` resolves to. */
  static async load(modelDir: string, options: EncoderLoadOptions): Promise<UseLiteEncoder> {
    throwIfAborted(options.signal);
    let manifest = await readUseLiteManifest(modelDir);
    const vocabFile = path.join(modelDir, manifest.vocab);
    const bytes = await readRegularFileIfExists(vocabFile, { what: 'The vocabulary', hint: REBUILD_HINT });
    if (bytes === undefined) throw new LinkerError('modelLoad', 'The vocabulary could not be read: the file does not exist.', { location: { file: vocabFile }, hint: REBUILD_HINT });
    let vocabulary: SentencePieceVocabulary;
    try {
      vocabulary = JSON.parse(bytes.toString('utf8')) as SentencePieceVocabulary;
    } catch (e) {
      throw new LinkerError('modelLoad', `The vocabulary could not be read: ${(e as Error).message}.`, { location: { file: vocabFile }, hint: REBUILD_HINT, cause: e });
    }
    const tokenizer = new SentencePieceUnigramTokenizer(vocabulary);
    throwIfAborted(options.signal);
    const choice = options.precision ?? 'fp32';
    let decision = decidePrecision(choice, options.provider, choice === 'auto' ? readCpuInfo() : '');
    if (decision.precision === 'int8' && (manifest.int8 === undefined || manifest.int8.from !== manifest.sha256)) {
      try {
        manifest = await ensureInt8(modelDir, manifest, options.logger);
      } catch (e) {
        if (choice !== 'auto') throw e;
        decision = { precision: 'fp32', reason: `the int8 model could not be written (${(e as Error).message})` };
      }
    }
    const file = (precision: Precision): string => path.join(modelDir, precision === 'int8' ? (manifest.int8 as NonNullable<UseLiteManifest['int8']>).file : manifest.file);
    let precision = decision.precision;
    let opened = await createOnnxSession(file(precision), { provider: options.provider, threads: options.threads, logger: options.logger, loadHint: REBUILD_HINT });
    if (precision === 'int8' && keepsFp32OnGpu(choice, opened.provider)) {
      options.logger.info(`Precision auto: the session runs on '${opened.provider}', which keeps fp32; reopening the fp32 model there.`);
      await opened.session.release();
      precision = 'fp32';
      opened = await createOnnxSession(file(precision), { provider: opened.provider as ExecutionProviderChoice, threads: options.threads, logger: options.logger, loadHint: REBUILD_HINT });
    } else {
      options.logger.info(`USE-lite encoder at ${precision}: ${decision.reason}.`);
    }
    return new UseLiteEncoder(opened.session, tokenizer, manifest, opened.provider, options.logger, precision);
  }

  /** Token ids as fed to the model: clipped to maxTokens, and [unknown] for a text with no tokens. */
  tokenize(text: string): number[] {
    const ids = this.tokenizer.encode(text);
    // A row with no tokens would vanish from the sparse batch and shift every later row.
    return ids.length === 0 ? [UNKNOWN_ID] : ids.slice(0, this.maxTokens);
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    await this.runBatches(texts, options, false, (index, batch, row) => {
      out[index] = batch.embeddings.slice(row * this.dims, (row + 1) * this.dims);
    });
    return out;
  }

  async encodeTokens(texts: readonly string[], options: EncodeOptions = {}): Promise<TokenStates[]> {
    const out = new Array<TokenStates>(texts.length);
    await this.runBatches(texts, options, true, (index, batch, row, tokenCount) => {
      const states = batch.tokenStates as NonNullable<BatchOutput['tokenStates']>;
      const rowStart = row * states.length * this.dims;
      const tokens = Math.min(tokenCount, states.length);
      out[index] = { tokens, dims: this.dims, data: states.data.slice(rowStart, rowStart + tokens * this.dims) };
    });
    return out;
  }

  private async runBatches(
    texts: readonly string[],
    options: EncodeOptions,
    withTokens: boolean,
    take: (index: number, batch: BatchOutput, row: number, tokenCount: number) => void,
  ): Promise<void> {
    const ids = texts.map((t) => this.tokenize(t));
    const batches = lengthSortedBatches(
      ids.map((x) => x.length),
      options.batchSize ?? DEFAULT_BATCH_SIZE,
    );
    let done = 0;
    for (const batch of batches) {
      throwIfAborted(options.signal);
      const result = await this.runBatch(
        batch.map((i) => ids[i]),
        withTokens,
      );
      batch.forEach((index, row) => take(index, result, row, ids[index].length));
      done += batch.length;
      options.onProgress?.(done, texts.length);
    }
  }

  private async runBatch(rows: readonly number[][], withTokens: boolean): Promise<BatchOutput> {
    const feeds = sparseFeeds(rows, this.manifest.inputs);
    const fetches = withTokens ? [this.manifest.outputs.embeddings, this.manifest.outputs.tokenStates] : [this.manifest.outputs.embeddings];
    const result = await this.session.run(feeds, fetches);
    const embeddings = result[this.manifest.outputs.embeddings];
    if (embeddings.dims[0] !== rows.length || embeddings.dims[1] !== this.dims) {
      throw new LinkerError('internal', `The encoder returned shape [${embeddings.dims.join(', ')}] for ${rows.length} texts.`);
    }
    if (!withTokens) {
      return { embeddings: embeddings.data as Float32Array };
    }
    const states = result[this.manifest.outputs.tokenStates];
    return { embeddings: embeddings.data as Float32Array, tokenStates: { data: states.data as Float32Array, length: states.dims[1] } };
  }

  async dispose(): Promise<void> {
    this.logger.debug('Releasing the USE-lite session.');
    await this.session.release();
  }
}

/** The model's sparse input for a batch of token-id rows: `indices` (row, position) and `values` (ids), int64. */
export function sparseFeeds(rows: readonly number[][], names: UseLiteManifest['inputs']): Record<string, ort.Tensor> {
  const ortApi = loadOrt();
  const count = rows.reduce((n, r) => n + r.length, 0);
  const indices = new BigInt64Array(count * 2);
  const values = new BigInt64Array(count);
  let k = 0;
  rows.forEach((row, r) => {
    row.forEach((id, position) => {
      indices[2 * k] = BigInt(r);
      indices[2 * k + 1] = BigInt(position);
      values[k] = BigInt(id);
      k++;
    });
  });
  return {
    [names.indices]: new ortApi.Tensor('int64', indices, [count, 2]),
    [names.values]: new ortApi.Tensor('int64', values, [count]),
  };
}
