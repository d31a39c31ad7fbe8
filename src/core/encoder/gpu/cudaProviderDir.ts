import * as path from 'node:path';
import { readElfDynamic } from './elfDynamic';
import { findLibrary, SYSTEM_LIBRARY_DIRS, type GpuProbe } from './gpuProbe';

/** The two libraries onnxruntime loads, from the folder of its own binary, to run the CUDA provider. */
export const CUDA_PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'] as const;

/** What the CUDA and cuDNN libraries that onnxruntime's CUDA 12 build links against are, for the explanations. */
const CUDA_LIBRARY_PACKAGES: Readonly<Record<string, string>> = {
  'libcudart.so.12': 'the CUDA 12 runtime (cuda-cudart-12-x, or pip nvidia-cuda-runtime-cu12)',
  'libcublas.so.12': 'cuBLAS for CUDA 12 (libcublas-12-x, or pip nvidia-cublas-cu12)',
  'libcublasLt.so.12': 'cuBLASLt for CUDA 12 (libcublas-12-x, or pip nvidia-cublas-cu12)',
  'libcudnn.so.9': 'cuDNN 9 for CUDA 12 (libcudnn9-cuda-12, or pip nvidia-cudnn-cu12)',
  'libcufft.so.11': 'cuFFT for CUDA 12 (libcufft-12-x, or pip nvidia-cufft-cu12)',
  'libcurand.so.10': 'cuRAND for CUDA 12 (libcurand-12-x, or pip nvidia-curand-cu12)',
  'libcuda.so.1': 'the NVIDIA driver (libcuda.so.1 comes with it)',
};

/** Libraries every Linux process already has, or that onnxruntime itself provides. */
const ALWAYS_PRESENT = /^(libc|libm|libdl|librt|libpthread|libgcc_s|libstdc\+\+|ld-linux[^.]*)\.so(\.\d+)*$|^libonnxruntime(_providers_shared)?\.so(\.\d+)*$/;

export interface FolderVersion {
  readonly version: string;
  /** Where the version was read (a file, or a path's name). */
  readonly source: string;
}

export interface Dependency {
  readonly name: string;
  /** Where the dynamic loader will find it; undefined when it will not. */
  readonly foundAt: string | undefined;
}

export interface CudaProviderDirCheck {
  readonly dir: string;
  readonly ok: boolean;
  /** Each thing that stops the provider from loading: which file, which version, where it looked, what to do. */
  readonly problems: readonly string[];
  readonly version: FolderVersion | undefined;
  readonly dependencies: readonly Dependency[];
  /** The folder's shared libraries (file names), to be placed beside onnxruntime's own binary. */
  readonly libraries: readonly string[];
}

/**
 * The onnxruntime version a folder of provider libraries belongs to, from the layouts they ship in: the release
 * archive (VERSION_NUMBER beside lib/, libonnxruntime.so.X.Y.Z in lib/, the version in the folder's name), the
 * NuGet package (a .nuspec above runtimes/linux-x64/native) and the pip wheel (onnxruntime_gpu-X.Y.Z.dist-info
 * beside onnxruntime/capi). The libraries themselves carry no version string to read.
 */
export function providerFolderVersion(dir: string, probe: GpuProbe): FolderVersion | undefined {
  const ancestors = [0, 1, 2, 3].map((up) => path.resolve(dir, ...Array<string>(up).fill('..')));
  for (const folder of ancestors.slice(0, 2)) {
    const text = probe.readText(path.join(folder, 'VERSION_NUMBER'))?.trim();
    if (text !== undefined && /^\d+\.\d+\.\d+$/.test(text)) return { version: text, source: path.join(folder, 'VERSION_NUMBER') };
  }
  for (const name of probe.listDir(dir)) {
    const m = /^libonnxruntime\.so\.(\d+\.\d+\.\d+)$/.exec(name);
    if (m !== null) return { version: m[1], source: path.join(dir, name) };
  }
  for (const folder of ancestors) {
    for (const name of probe.listDir(folder)) {
      if (name.endsWith('.nuspec')) {
        const m = /<version>\s*(\d+\.\d+\.\d+)\s*<\/version>/.exec(probe.readText(path.join(folder, name)) ?? '');
        if (m !== null) return { version: m[1], source: path.join(folder, name) };
      }
      const wheel = /^onnxruntime(?:[_-]gpu)?-(\d+\.\d+\.\d+)\.dist-info$/i.exec(name);
      if (wheel !== null) return { version: wheel[1], source: path.join(folder, name) };
    }
  }
  const named = /onnxruntime[^/]*?[-_](\d+\.\d+\.\d+)(?:\/|$)/i.exec(path.resolve(dir));
  return named === null ? undefined : { version: named[1], source: `the folder name ${path.resolve(dir)}` };
}

/**
 * Folders where CUDA is often installed without being on the loader's path, named in the advice (never loaded
 * from): CUDA_PATH/CUDA_HOME, /usr/local/cuda*, and the pip nvidia-*-cu12 wheels beside a pip onnxruntime/capi.
 */
export function cudaHintDirs(probe: GpuProbe, providerDir: string): string[] {
  const roots = [probe.env.CUDA_PATH, probe.env.CUDA_HOME, '/usr/local/cuda', ...probe.listDir('/usr/local').filter((n) => /^cuda-12/.test(n)).map((n) => `/usr/local/${n}`)];
  const toolkit = roots.filter((r): r is string => r !== undefined && r !== '').flatMap((r) => [path.join(r, 'lib64'), path.join(r, 'targets', 'x86_64-linux', 'lib'), path.join(r, 'lib')]);
  const wheels = path.resolve(providerDir, '..', '..', 'nvidia');
  return [...new Set([...toolkit, ...probe.listDir(wheels).map((n) => path.join(wheels, n, 'lib'))])];
}

/**
 * Checks, before anything is loaded, that `dir` can serve onnxruntime-node `ortVersion`'s CUDA provider: both
 * provider libraries present, of the same onnxruntime version, and every library the CUDA provider links against
 * findable by the dynamic loader (its RUNPATH with $ORIGIN = this folder, LD_LIBRARY_PATH as the process started
 * with, the loader cache, the system folders).
 */
export function checkCudaProviderDir(dir: string, ortVersion: string, probe: GpuProbe): CudaProviderDirCheck {
  const problems: string[] = [];
  const base = { dir, version: undefined, dependencies: [], libraries: [] };
  if (probe.platform !== 'linux') {
    return { ...base, ok: false, problems: [`a CUDA provider folder is supported on Linux only (this is ${probe.platform})`] };
  }
  if (!probe.isDirectory(dir)) {
    return { ...base, ok: false, problems: [`the folder ${dir} does not exist (or is not a folder)`] };
  }
  const files = probe.listDir(dir);
  const libraries = files.filter((n) => /\.so(\.\d+)*$/.test(n) && !/^libonnxruntime\.so/.test(n)).sort();
  const missing = CUDA_PROVIDER_LIBRARIES.filter((lib) => !files.includes(lib));
  if (missing.length > 0) {
    problems.push(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing from ${dir} (it holds: ${libraries.length === 0 ? 'no shared libraries' : libraries.join(', ')}); the folder must hold both provider libraries of the onnxruntime ${ortVersion} GPU build (lib/ of onnxruntime-linux-x64-gpu-${ortVersion}.tgz, runtimes/linux-x64/native of the NuGet package Microsoft.ML.OnnxRuntime.Gpu.Linux ${ortVersion}, or onnxruntime/capi of the pip wheel onnxruntime-gpu==${ortVersion})`);
  }
  const version = providerFolderVersion(dir, probe);
  if (version === undefined) {
    problems.push(`the onnxruntime version of the libraries in ${dir} cannot be told (looked for VERSION_NUMBER in it and its parent, libonnxruntime.so.X.Y.Z in it, a .nuspec or onnxruntime_gpu-X.Y.Z.dist-info up to three folders above, a version in the folder's name); onnxruntime-node here is ${ortVersion}, and provider libraries of another version crash the process. If you know they are ${ortVersion}, write ${ortVersion} into ${path.join(dir, 'VERSION_NUMBER')}`);
  } else if (version.version !== ortVersion) {
    problems.push(`the libraries in ${dir} are onnxruntime ${version.version} (from ${version.source}) but onnxruntime-node here is ${ortVersion}: use the provider libraries of onnxruntime ${ortVersion}`);
  }
  const dependencies: Dependency[] = [];
  if (!missing.includes('libonnxruntime_providers_cuda.so')) {
    const cudaLib = path.join(dir, 'libonnxruntime_providers_cuda.so');
    const elf = readElfDynamic(probe, cudaLib);
    if (elf === undefined) {
      problems.push(`${cudaLib} is not a 64-bit little-endian ELF shared library (a download cut short, or a build for another platform)`);
    } else {
      const searchDirs = loaderSearchDirs(dir, elf.runpath, probe);
      for (const name of elf.needed.filter((n) => !ALWAYS_PRESENT.test(n))) {
        const foundAt = findLibrary(probe, name, searchDirs);
        dependencies.push({ name, foundAt });
        if (foundAt === undefined) problems.push(missingDependency(name, searchDirs, cudaHintDirs(probe, dir), probe));
      }
    }
  }
  return { dir, ok: problems.length === 0, problems, version, dependencies, libraries };
}

/**
 * The folders the dynamic loader searches for the provider's dependencies, in its order. The provider is loaded
 * through a link in the package copy, and the loader takes $ORIGIN from the link's folder (checked with glibc 2.36),
 * where every library of the user's folder is linked too: a plain $ORIGIN still means the user's folder, but a
 * path relative to it ($ORIGIN/../x) would land inside the copy, so it is not counted.
 */
function loaderSearchDirs(dir: string, runpath: readonly string[], probe: GpuProbe): string[] {
  const fromEnv = (probe.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '');
  const usable = runpath.flatMap((r) => (/^\$(ORIGIN|\{ORIGIN\})\/?$/.test(r) ? [dir] : r.includes('$') ? [] : [r]));
  return [...new Set([...fromEnv, ...usable, ...SYSTEM_LIBRARY_DIRS])];
}

function missingDependency(name: string, searched: readonly string[], hints: readonly string[], probe: GpuProbe): string {
  const what = CUDA_LIBRARY_PACKAGES[name] ?? 'a library the CUDA provider links against';
  const elsewhere = hints.find((d) => probe.exists(path.join(d, name)));
  const where = `looked in the loader cache (ldconfig -p) and ${searched.join(', ')}`;
  if (elsewhere !== undefined) {
    return `${name} (${what}) is in ${elsewhere}, which the dynamic loader does not search (${where}); start VS Code or the CLI with LD_LIBRARY_PATH=${elsewhere} (the loader reads it only when a process starts), or add the folder to /etc/ld.so.conf.d and run ldconfig`;
  }
  return `${name} (${what}) was not found (${where}); install it, or start VS Code or the CLI with LD_LIBRARY_PATH naming the folder that holds it`;
}

/** The whole explanation of a check that failed, as one message. */
export function describeCudaProviderProblems(check: CudaProviderDirCheck): string {
  return `The CUDA provider folder ${check.dir} cannot be used: ${check.problems.join('; ')}.`;
}
