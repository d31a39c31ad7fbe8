import * as path from 'node:path';
import type { ExecutionProviderChoice, TextEncoder } from '../encoder/encoder';
import { loadEncoder } from '../encoder/loadEncoder';
import { setCudaProviderDir } from '../encoder/onnxRuntime';
import { decidePrecision, readCpuInfo, type PrecisionChoice } from '../encoder/precision';
import { defaultModelDir, ensureUseLiteModel } from '../encoder/useLite/useLiteModel';
import type { Logger, ProgressListener } from '../log';

export interface OpenEncoderOptions {
  /** A model folder; undefined means the bundled USE-lite model, converted on first use when missing. */
  readonly modelDir?: string;
  /** The entity-linker package folder (holds models/). */
  readonly packageRoot: string;
  readonly provider: ExecutionProviderChoice;
  /**
   * A folder of onnxruntime CUDA provider libraries the user already has (checked, then used instead of the ones
   * onnxruntime-node would download; see encoder/gpu/cudaOrtPackage.ts). Applies to the whole process.
   */
  readonly cudaProviderDir?: string;
  readonly threads?: number;
  /** The built-in model's precision (default fp32); see encoder/precision.ts. */
  readonly precision?: PrecisionChoice;
  readonly logger: Logger;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

export interface OpenedEncoder {
  readonly encoder: TextEncoder;
  readonly modelDir: string;
}

/** Resolves the model folder and loads its encoder; the bundled default is (re)built when missing or damaged. */
export async function openEncoder(options: OpenEncoderOptions): Promise<OpenedEncoder> {
  setCudaProviderDir(options.cudaProviderDir);
  let modelDir: string;
  let precision = options.precision;
  if (options.modelDir === undefined) {
    modelDir = defaultModelDir(options.packageRoot);
    const wanted = decidePrecision(options.precision ?? 'fp32', options.provider, options.precision === 'auto' ? readCpuInfo() : '').precision;
    try {
      await ensureUseLiteModel(modelDir, { logger: options.logger, onProgress: options.onProgress, precision: wanted });
    } catch (e) {
      // auto only prefers int8: a folder it cannot write the int8 model into (a read-only install) still runs fp32.
      if (wanted !== 'int8' || options.precision !== 'auto') throw e;
      options.logger.warn(`The int8 model could not be prepared (${(e as Error).message}); precision auto runs fp32.`);
      await ensureUseLiteModel(modelDir, { logger: options.logger, onProgress: options.onProgress });
      precision = 'fp32';
    }
  } else {
    modelDir = path.resolve(options.modelDir);
  }
  const encoder = await loadEncoder(modelDir, { provider: options.provider, threads: options.threads, precision, logger: options.logger, signal: options.signal });
  return { encoder, modelDir };
}
