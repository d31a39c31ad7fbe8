import * as os from 'node:os';
import type * as ort from 'onnxruntime-node';
import { LinkerError } from '../errors';
import type { Logger } from '../log';
import type { ExecutionProviderChoice } from './encoder';
import { loadOrt } from './onnxRuntime';

export interface OnnxSessionOptions {
  readonly provider: ExecutionProviderChoice;
  readonly threads?: number;
  readonly logger: Logger;
}

export interface OnnxSession {
  readonly session: ort.InferenceSession;
  /** The provider the session actually runs on. */
  readonly provider: string;
}

/** GPU providers worth trying on this platform, best first; CPU always comes last. */
export function providerCandidates(choice: ExecutionProviderChoice, platform: NodeJS.Platform = process.platform): string[] {
  if (choice !== 'auto') {
    return [choice];
  }
  const gpu: Record<string, string[]> = {
    linux: ['cuda', 'webgpu'],
    win32: ['cuda', 'dml', 'webgpu'],
    darwin: ['coreml', 'webgpu'],
  };
  return [...(gpu[platform] ?? []), 'cpu'];
}

export function defaultThreadCount(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Opens an inference session, trying each provider in turn. onnxruntime-node throws (rather than falling back)
 * when a listed provider cannot load, so each is tried alone and the reason it failed is logged. With `auto`
 * a machine without a GPU only sees log lines; an explicit choice that fails is an error.
 */
export async function createOnnxSession(modelPath: string, options: OnnxSessionOptions): Promise<OnnxSession> {
  const ortApi = loadOrt();
  const threads = options.threads ?? defaultThreadCount();
  const failures: string[] = [];
  for (const provider of providerCandidates(options.provider)) {
    try {
      const session = await ortApi.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      options.logger.info(`ONNX session for ${modelPath} runs on '${provider}' with ${threads} thread(s).`);
      return { session, provider };
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      failures.push(`${provider}: ${reason}`);
      options.logger.info(`Execution provider '${provider}' is not available (${reason}); trying the next one.`);
    }
  }
  const explicit = options.provider !== 'auto';
  throw new LinkerError(explicit ? 'providerUnavailable' : 'modelLoad', `Could not open ${modelPath}: ${failures.join('; ')}.`, {
    location: { file: modelPath },
    hint: explicit ? "Choose the provider 'auto' or 'cpu'." : 'Check that the file is a valid ONNX model; rebuild it with `npm run build:model`.',
  });
}
