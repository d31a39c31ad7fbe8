import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { LinkerError } from '../errors';
import type { Logger } from '../log';
import type { ExecutionProviderChoice } from './encoder';
import { prepareCudaOrtPackage, ortBindingSubdir } from './gpu/cudaOrtPackage';
import { checkCudaProviderDir, describeCudaProviderProblems } from './gpu/cudaProviderDir';
import { systemGpuProbe, userCacheDir } from './gpu/gpuProbe';
import { prepareVulkanIcd } from './gpu/vulkanIcd';

export type Ort = typeof ort;

/** What the first load needs to know: the provider about to be used and where to say what was set up. */
export interface OrtLoadRequest {
  readonly provider?: ExecutionProviderChoice;
  readonly logger?: Logger;
}

let ortModule: Ort | undefined;
let loadedPackageDir: string | undefined;
let cudaProviderDir: string | undefined;
let loadedCudaProviderDir: string | undefined;

/**
 * A folder of onnxruntime CUDA provider libraries the user already has (setting entityLinker.model.cudaProviderDir,
 * flag --cuda-provider-dir). It applies to the whole process, since onnxruntime loads once per process: set it
 * before the first encoder loads. An empty string or undefined means none.
 */
export function setCudaProviderDir(dir: string | undefined): void {
  cudaProviderDir = dir === undefined || dir === '' ? undefined : path.resolve(dir);
}

/** The installed onnxruntime-node package folder. */
export function installedOrtPackageDir(): string {
  return path.dirname(require.resolve('onnxruntime-node/package.json'));
}

/** The folder of the loaded onnxruntime binary, where unbundled provider libraries must sit. */
export function ortBindingDir(): string {
  return path.join(loadedPackageDir ?? installedOrtPackageDir(), ortBindingSubdir());
}

/**
 * Loads onnxruntime-node on first use, so activating the extension or running `--help` never pays for it. Before
 * the WebGPU provider can load, points the Vulkan loader at the NVIDIA driver's EGL ICD when a headless machine
 * needs it (vulkanIcd.ts); with a CUDA provider folder set, loads onnxruntime through a package copy that sees it
 * (gpu/cudaOrtPackage.ts), after checking the folder.
 */
export function loadOrt(request: OrtLoadRequest = {}): Ort {
  const logger = request.logger;
  if (logger !== undefined && request.provider !== undefined) prepareVulkanIcd(request.provider, logger);
  if (ortModule === undefined) {
    const installed = installedOrtPackageDir();
    const packageDir = cudaProviderDir !== undefined && request.provider !== 'cpu' && request.provider !== 'webgpu' ? cudaPackage(cudaProviderDir, installed, request) : installed;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ortModule = require(packageDir) as Ort;
      loadedPackageDir = packageDir;
      loadedCudaProviderDir = packageDir === installed ? undefined : cudaProviderDir;
    } catch (e) {
      throw new LinkerError('modelLoad', `onnxruntime-node could not be loaded from ${packageDir}: ${(e as Error).message}.`, {
        hint: 'Reinstall the extension (or run `npm ci` in a checkout) for this platform.',
        cause: e,
      });
    }
  } else if (cudaProviderDir !== undefined && cudaProviderDir !== loadedCudaProviderDir && (request.provider === 'cuda' || request.provider === 'auto')) {
    logger?.warn(`The CUDA provider folder ${cudaProviderDir} applies from the next start: onnxruntime was already loaded in this process ${loadedCudaProviderDir === undefined ? 'without a CUDA folder' : `with ${loadedCudaProviderDir}`}.`);
  }
  return ortModule;
}

/** The package to load for a CUDA folder: the checked copy, or (with `auto`, after saying why) the installed one. */
function cudaPackage(dir: string, installed: string, request: OrtLoadRequest): string {
  const version = (JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { version: string }).version;
  const probe = systemGpuProbe();
  const check = checkCudaProviderDir(dir, version, probe);
  if (!check.ok) {
    const message = describeCudaProviderProblems(check);
    if (request.provider === 'cuda') {
      throw new LinkerError('providerUnavailable', message, { location: { file: dir }, hint: 'Fix what is listed, or choose the provider auto or cpu.' });
    }
    request.logger?.warn(`${message} Continuing without CUDA.`);
    return installed;
  }
  const copy = prepareCudaOrtPackage(check, installed, userCacheDir(probe));
  const deps = check.dependencies.map((d) => `${d.name} at ${d.foundAt}`).join(', ');
  request.logger?.info(
    `CUDA provider folder ${dir} (onnxruntime ${check.version?.version}, from ${check.version?.source}): onnxruntime loads from ${copy.bindingDir}, ${copy.reused ? 'made earlier' : 'just made'}, which links to its provider libraries; CUDA libraries: ${deps === '' ? 'none listed' : deps}.`,
  );
  return copy.packageDir;
}
