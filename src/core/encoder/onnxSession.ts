import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { LinkerError } from '../errors';
import { fileTypeName } from '../inputFile';
import type { Logger } from '../log';
import type { ExecutionProviderChoice } from './encoder';
import { loadOrt, ortBindingDir } from './onnxRuntime';

export interface OnnxSessionOptions {
  readonly provider: ExecutionProviderChoice;
  readonly threads?: number;
  readonly logger: Logger;
  /** What to tell the user when the model file itself will not load (every provider, cpu included, failed). */
  readonly loadHint?: string;
}

export interface OnnxSession {
  readonly session: ort.InferenceSession;
  /** The provider the session actually runs on. */
  readonly provider: string;
}

/** What onnxruntime-node reports about one execution provider (`ort.listSupportedBackends()`). */
export interface OrtBackendInfo {
  readonly name: string;
  /** False when the provider lives in a separate library that the install step may or may not have fetched. */
  readonly bundled: boolean;
}

/** What the pre-check needs to know about this machine; injectable so tests can describe any machine. */
export interface ProviderEnvironment {
  readonly platform: NodeJS.Platform;
  readonly backends: readonly OrtBackendInfo[];
  /** Folder holding onnxruntime_binding.node, where unbundled provider libraries must sit. */
  readonly bindingDir: string;
  readonly fileExists: (file: string) => boolean;
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
 * Why `provider` cannot work on this machine, decided without creating a session (which for cuda prints native
 * errors and for webgpu probes the GPU), or undefined when it is worth trying. `definitive` reasons (not in this
 * binary, provider library missing) also fail an explicit choice at once; a missing Vulkan loader is only a
 * heuristic, so an explicit 'webgpu' is still tried.
 */
export function providerSkipReason(provider: string, env: ProviderEnvironment): { reason: string; definitive: boolean } | undefined {
  if (provider === 'cpu') {
    return undefined;
  }
  const backend = env.backends.find((b) => b.name === provider);
  if (backend === undefined) {
    const built = env.backends.map((b) => b.name).join(', ');
    return { reason: `this onnxruntime-node build for ${env.platform} has no '${provider}' provider (it has: ${built})`, definitive: true };
  }
  if (!backend.bundled) {
    const missing = providerLibraries(provider, env.platform).filter((lib) => !env.fileExists(path.join(env.bindingDir, lib)));
    if (missing.length > 0) {
      return {
        reason: `${missing.length > 1 ? 'its provider libraries' : 'its provider library'} ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed in ${env.bindingDir} (onnxruntime-node fetches them at install time only when that download is enabled and a network is available${provider === 'cuda' && env.platform === 'linux' ? '; or point the setting entityLinker.model.cudaProviderDir / the flag --cuda-provider-dir at a folder holding them' : ''})`,
        definitive: true,
      };
    }
  }
  if (provider === 'webgpu' && env.platform === 'linux' && !vulkanLoaderPresent(env.fileExists)) {
    return { reason: 'WebGPU on Linux needs the Vulkan loader libvulkan.so.1, which was not found (install libvulkan1 and a GPU driver)', definitive: false };
  }
  return undefined;
}

function providerLibraries(provider: string, platform: NodeJS.Platform): string[] {
  const file = (name: string): string => (platform === 'win32' ? `onnxruntime_providers_${name}.dll` : `libonnxruntime_providers_${name}.so`);
  return [file('shared'), file(provider)];
}

const VULKAN_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/usr/local/lib'];

function vulkanLoaderPresent(fileExists: (file: string) => boolean): boolean {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '');
  return [...fromEnv, ...VULKAN_DIRS].some((dir) => fileExists(path.join(dir, 'libvulkan.so.1')));
}

/** Describes the running process: the loaded onnxruntime-node's providers and where its binary lives. */
export function currentProviderEnvironment(ortApi: Pick<typeof ort, 'listSupportedBackends'> = loadOrt()): ProviderEnvironment {
  let backends: OrtBackendInfo[] = [];
  try {
    backends = ortApi.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
  } catch {
    // Older bindings lack the call: try every provider and let session creation say why one fails.
    backends = [];
  }
  return {
    platform: process.platform,
    backends,
    bindingDir: ortBindingDir(),
    fileExists: (file) => fs.existsSync(file),
  };
}

/**
 * Opens an inference session, trying each provider in turn. onnxruntime-node throws (rather than falling back)
 * when a listed provider cannot load, so each is tried alone and the reason it failed is logged. With `auto`
 * a machine without a GPU only sees log lines; an explicit choice that fails is an error.
 */
export async function createOnnxSession(modelPath: string, options: OnnxSessionOptions, env?: ProviderEnvironment): Promise<OnnxSession> {
  await assertModelFile(modelPath, options.loadHint);
  const ortApi = loadOrt({ provider: options.provider, logger: options.logger });
  const machine = env ?? currentProviderEnvironment(ortApi);
  const threads = options.threads ?? defaultThreadCount();
  const explicit = options.provider !== 'auto';
  const failures: string[] = [];
  let lastTried: string | undefined;
  for (const provider of providerCandidates(options.provider, machine.platform)) {
    const skip = machine.backends.length > 0 ? providerSkipReason(provider, machine) : undefined;
    if (skip !== undefined && (!explicit || skip.definitive)) {
      failures.push(`${provider}: ${skip.reason}`);
      options.logger.info(`Execution provider '${provider}' skipped: ${skip.reason}.`);
      continue;
    }
    lastTried = provider;
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
      const advice = providerFailureAdvice(provider, machine.platform, firstLine(e));
      const reason = advice === undefined ? firstLine(e) : `${firstLine(e)} ${advice}`;
      failures.push(`${provider}: ${reason}`);
      options.logger.info(`Execution provider '${provider}' failed (${reason})${explicit ? '' : '; trying the next one'}.`);
    }
  }
  // When cpu itself failed, the file is at fault, not the provider: its cause leads, the GPU fallbacks (logged) follow.
  if (lastTried === 'cpu') {
    const cause = failures.pop()!.replace(/^cpu: /, '');
    const before = failures.map((f) => f.split(':')[0]).join(' and ');
    throw new LinkerError('modelLoad', `The model file is not a valid ONNX model: ${cause.replace(/\.+$/, '')}.`, {
      location: { file: modelPath },
      hint: `${options.loadHint ?? 'Check that the file is a complete, valid ONNX model (re-export or re-copy it), or point entityLinker.model.path (--model) at a valid model folder.'}${before === '' ? '' : ` (${before} were tried or skipped first; the log says why.)`}`,
    });
  }
  throw new LinkerError('providerUnavailable', `Execution provider '${options.provider}' is not available: ${failures.join('; ')}.`, {
    location: { file: modelPath },
    hint: "Choose the provider 'auto' (falls back to the CPU) or 'cpu'.",
  });
}

/**
 * Refuses a model path that is not a regular file before onnxruntime opens it: a FIFO there blocked its native
 * read for good. stat never blocks; a missing file is left to onnxruntime's own error.
 */
async function assertModelFile(modelPath: string, loadHint: string | undefined): Promise<void> {
  const st = await fs.promises.stat(modelPath).catch(() => undefined);
  if (st === undefined || st.isFile()) return;
  throw new LinkerError('modelLoad', `The model file (${path.basename(modelPath)}) is ${fileTypeName(st)}, not a regular file; it was not read.`, {
    location: { file: modelPath },
    hint: loadHint ?? 'Put the ONNX model file there, or point entityLinker.model.path (--model) at a valid model folder.',
  });
}

/**
 * A known way out of a provider failure, if there is one. Measured on an H200 VM (headless, driver 580): with a
 * Vulkan loader present WebGPU still found no adapter, because the only ICD listed (libGLX_nvidia) cannot create an
 * instance without a display; an ICD file naming libEGL_nvidia.so.0 made it work.
 */
export function providerFailureAdvice(provider: string, platform: NodeJS.Platform, reason: string): string | undefined {
  if (provider === 'webgpu' && platform === 'linux' && /adapter/i.test(reason)) {
    return '(On a headless NVIDIA machine, set VK_ICD_FILENAMES to a Vulkan ICD file whose library_path is libEGL_nvidia.so.0.)';
  }
  if (provider === 'cuda' && /Failed to load shared library|libcudart|libcublas|libcudnn/i.test(reason)) {
    return '(The cuda provider of onnxruntime-node 1.30 needs CUDA 12.x and cuDNN 9 libraries on the library path.)';
  }
  return undefined;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].trim();
}
