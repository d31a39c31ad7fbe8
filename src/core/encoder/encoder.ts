import type { Logger } from '../log';
import type { PrecisionChoice } from './precision';

/**
 * The text encoder interface every linker component depends on. Implementations: the converted USE-lite ONNX
 * model (the built-in default) and a user's Hugging Face ONNX export. Vectors are L2-normalised, so the dot
 * product is the cosine similarity.
 */
export type ExecutionProviderChoice = 'auto' | 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'cpu';

export const EXECUTION_PROVIDER_CHOICES: readonly ExecutionProviderChoice[] = ['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu'];

export interface EncodeOptions {
  readonly signal?: AbortSignal;
  /** Called after each batch with the number of texts encoded so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Texts per model call; the encoder sorts by length and buckets, so padding waste stays small. */
  readonly batchSize?: number;
  /**
   * Which side of the bi-encoder the texts are: a mention in context or an entity description. Symmetric
   * encoders ignore it; a fine-tuned model applies a different head to each side.
   */
  readonly role?: EncodeRole;
}

export type EncodeRole = 'mention' | 'entity';

/** Token-level states of one text (for multi-vector scoring): `tokens` rows of `dims` floats, row-major. */
export interface TokenStates {
  readonly tokens: number;
  readonly dims: number;
  readonly data: Float32Array;
}

export interface TextEncoder {
  /** Identifies the exact weights (the model file's sha256); caches and indexes are keyed by it. */
  readonly modelId: string;
  readonly dims: number;
  /** The execution provider the session runs on, e.g. 'cpu' or 'cuda'. */
  readonly provider: string;
  /** One L2-normalised vector per text, in input order. */
  encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]>;
  /** Token-level states per text, in input order (models that expose them; others throw). */
  encodeTokens?(texts: readonly string[], options?: EncodeOptions): Promise<TokenStates[]>;
  dispose(): Promise<void>;
}

/** How an encoder is loaded from a model folder. */
export interface EncoderLoadOptions {
  readonly provider: ExecutionProviderChoice;
  /** Intra-op threads; default: the number of CPU cores, at most 4. */
  readonly threads?: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** The built-in model's precision (see precision.ts); default fp32. Other model folders run as exported. */
  readonly precision?: PrecisionChoice;
}
