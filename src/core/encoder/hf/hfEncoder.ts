import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { LinkerError, throwIfAborted } from '../../errors';
import type { Logger } from '../../log';
import type { EncodeOptions, EncoderLoadOptions, TextEncoder, TokenStates } from '../encoder';
import { createOnnxSession } from '../onnxSession';
import { loadOrt } from '../onnxRuntime';
import type { PoolingMode, TokenBatchView } from '../pooling';
import { normalizeInPlace } from '../../vectorMath';
import { poolRow } from '../pooling';
import { readHfModelSettings } from './hfModelConfig';
import type { TokenizedText } from './hfTokenizer';
import { HfTokenizer } from './hfTokenizer';
import { lengthSortedBatches } from '../lengthBatches';
import { sha256File } from './sha256File';

export interface HfEncoderLoadOptions extends EncoderLoadOptions {
  /** Overrides the folder's own pooling choice (manifest.json, 1_Pooling/config.json, default mean). */
  readonly pooling?: PoolingMode;
}

const DEFAULT_BATCH_SIZE = 32;
const TOKEN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
type TokenInput = (typeof TOKEN_INPUTS)[number];

/**
 * A user's Hugging Face ONNX export (model.onnx + tokenizer.json + config.json, e.g. all-MiniLM-L6-v2 or
 * bge-small): WordPiece/BPE/Unigram tokenisation from tokenizer.json, the token inputs the graph declares,
 * mean or CLS pooling of last_hidden_state, L2 normalisation.
 */
export class HfEncoder implements TextEncoder {
  private constructor(
    readonly modelId: string,
    readonly dims: number,
    readonly provider: string,
    readonly pooling: PoolingMode,
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: HfTokenizer,
    private readonly inputs: readonly { name: TokenInput; int32: boolean }[],
    private readonly outputName: string,
    /** True when the model's output is already one vector per text ([batch, dims]), not token states. */
    private readonly prePooled: boolean,
    private readonly logger: Logger,
  ) {}

  get maxLength(): number {
    return this.tokenizer.maxLength;
  }

  static async load(modelDir: string, options: HfEncoderLoadOptions): Promise<HfEncoder> {
    const dir = path.resolve(modelDir);
    const modelFile = path.join(dir, 'model.onnx');
    for (const [file, what] of [[modelFile, 'model.onnx'], [path.join(dir, 'tokenizer.json'), 'tokenizer.json'], [path.join(dir, 'config.json'), 'config.json']]) {
      if (!fs.existsSync(file)) {
        throw new LinkerError('modelMissing', `The model folder has no ${what}.`, {
          location: { file },
          hint: `A Hugging Face model folder needs model.onnx, tokenizer.json and config.json; copy ${what} from the model's ONNX export (e.g. \`optimum-cli export onnx\`).`,
        });
      }
    }
    throwIfAborted(options.signal);
    const settings = readHfModelSettings(dir);
    const pooling = options.pooling ?? settings.pooling;
    const tokenizer = HfTokenizer.load(dir, settings.maxLength);
    const modelId = await hashModel(modelFile, options.signal);
    throwIfAborted(options.signal);
    const { session, provider } = await createOnnxSession(modelFile, {
      provider: options.provider,
      threads: options.threads,
      logger: options.logger,
      loadHint: 'Check that model.onnx is a complete ONNX export of the model (re-export it, or copy it again if the copy was cut short).',
    });
    try {
      const inputs = tokenInputs(session, modelFile);
      const outputName = session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0];
      const rank = outputRank(session, outputName);
      const encoder = new HfEncoder(modelId, 0, provider, pooling, session, tokenizer, inputs, outputName, rank === 2, options.logger);
      // One short run finds the width (symbolic in many exports) and proves the graph runs on this provider.
      const probe = await encoder.runBatch([tokenizer.encode('a')]);
      const dims = encoder.prePooled ? probe.tokens : probe.dims;
      options.logger.info(
        `Hugging Face model ${dir}: ${dims}-d, ${pooling} pooling (${options.pooling !== undefined ? 'option' : settings.poolingSource}), max ${settings.maxLength} tokens, inputs ${inputs.map((i) => i.name).join('/')}, output ${outputName}.`,
      );
      return new HfEncoder(modelId, dims, provider, pooling, session, tokenizer, inputs, outputName, rank === 2, options.logger);
    } catch (e) {
      await session.release();
      if (e instanceof LinkerError) throw e;
      throw new LinkerError('modelLoad', `The model does not run: ${(e as Error).message.split('\n')[0]}.`, {
        location: { file: modelFile },
        hint: 'The folder must hold a BERT-style encoder export whose output is last_hidden_state [batch, tokens, hidden].',
        cause: e,
      });
    }
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    await this.forEachBatch(texts, options, (view, rows, encoded) => {
      rows.forEach((textIndex, row) => {
        const vector = this.prePooled
          ? view.data.slice(row * view.tokens, (row + 1) * view.tokens)
          : poolRow(view, row, encoded[row].ids.length, this.pooling);
        normalizeInPlace(vector);
        out[textIndex] = vector;
      });
    });
    return out;
  }

  /** Raw (unnormalised) last-layer states of each text's real tokens, special tokens included, padding dropped. */
  async encodeTokens(texts: readonly string[], options: EncodeOptions = {}): Promise<TokenStates[]> {
    if (this.prePooled) {
      throw new LinkerError('usage', 'This model outputs one vector per text, not token states.', {
        hint: 'Use an export whose output is last_hidden_state for multi-vector scoring.',
      });
    }
    const out = new Array<TokenStates>(texts.length);
    await this.forEachBatch(texts, options, (view, rows, encoded) => {
      rows.forEach((textIndex, row) => {
        const length = encoded[row].ids.length;
        const start = row * view.tokens * view.dims;
        out[textIndex] = { tokens: length, dims: view.dims, data: view.data.slice(start, start + length * view.dims) };
      });
    });
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  private async forEachBatch(
    texts: readonly string[],
    options: EncodeOptions,
    consume: (view: TokenBatchView, rows: readonly number[], encoded: readonly TokenizedText[]) => void,
  ): Promise<void> {
    throwIfAborted(options.signal);
    const encoded = texts.map((t) => this.tokenizer.encode(t));
    let done = 0;
    for (const rows of lengthSortedBatches(encoded.map((e) => e.ids.length), options.batchSize ?? DEFAULT_BATCH_SIZE)) {
      throwIfAborted(options.signal);
      const batch = rows.map((i) => encoded[i]);
      consume(await this.runBatch(batch), rows, batch);
      done += rows.length;
      options.onProgress?.(done, texts.length);
    }
  }

  /** Runs one right-padded batch; returns the output as a [batch, tokens, dims] view ([batch, dims] when pre-pooled). */
  private async runBatch(batch: readonly TokenizedText[]): Promise<TokenBatchView> {
    const ortApi = loadOrt();
    const width = Math.max(1, ...batch.map((e) => e.ids.length));
    const size = batch.length * width;
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of this.inputs) {
      const values = new Array<number>(size);
      batch.forEach((e, row) => {
        for (let t = 0; t < width; t++) {
          const real = t < e.ids.length;
          values[row * width + t] =
            input.name === 'input_ids' ? (real ? e.ids[t] : this.tokenizer.padId) : input.name === 'attention_mask' ? (real ? 1 : 0) : real ? (e.typeIds[t] ?? 0) : 0;
        }
      });
      feeds[input.name] = input.int32
        ? new ortApi.Tensor('int32', Int32Array.from(values), [batch.length, width])
        : new ortApi.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [batch.length, width]);
    }
    const result = await this.session.run(feeds);
    const output = result[this.outputName];
    const data = output.data;
    if (!(data instanceof Float32Array)) {
      throw new LinkerError('modelLoad', `The model's output ${this.outputName} is ${output.type}, not float32.`, {
        hint: 'Export the model with float32 outputs.',
      });
    }
    const dims = output.dims;
    if (dims.length === 2) {
      return { data, batch: dims[0], tokens: dims[1], dims: 1 };
    }
    if (dims.length !== 3 || dims[0] !== batch.length || dims[1] !== width) {
      throw new LinkerError('modelLoad', `The model's output ${this.outputName} has shape [${dims.join(', ')}], expected [${batch.length}, ${width}, hidden].`, {
        hint: 'Use an encoder export whose first output is last_hidden_state.',
      });
    }
    this.logger.trace(`HF batch ${batch.length} x ${width} tokens.`);
    return { data, batch: dims[0], tokens: dims[1], dims: dims[2] };
  }
}

function tokenInputs(session: ort.InferenceSession, modelFile: string): { name: TokenInput; int32: boolean }[] {
  const unknown = session.inputNames.filter((n) => !(TOKEN_INPUTS as readonly string[]).includes(n));
  if (unknown.length > 0 || !session.inputNames.includes('input_ids')) {
    throw new LinkerError('modelLoad', `The model's inputs are ${session.inputNames.join(', ')}; an encoder export takes input_ids, attention_mask and optionally token_type_ids.`, {
      location: { file: modelFile },
      hint: 'Export the model as a plain feature-extraction encoder (e.g. `optimum-cli export onnx --task feature-extraction`).',
    });
  }
  return session.inputNames.map((name) => {
    const meta = session.inputMetadata?.find((m) => m.name === name);
    return { name: name as TokenInput, int32: meta !== undefined && meta.isTensor && meta.type === 'int32' };
  });
}

function outputRank(session: ort.InferenceSession, name: string): number | undefined {
  const meta = session.outputMetadata?.find((m) => m.name === name);
  return meta !== undefined && meta.isTensor ? meta.shape.length : undefined;
}

async function hashModel(modelFile: string, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await sha256File(modelFile, signal);
  } catch (e) {
    throwIfAborted(signal);
    throw new LinkerError('modelLoad', `model.onnx could not be read: ${(e as Error).message}.`, {
      location: { file: modelFile },
      hint: 'Check the file permissions, or copy the file again.',
      cause: e,
    });
  }
}
