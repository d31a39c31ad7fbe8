import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { writeBytesAtomic } from '../../atomicFile';
import type { Logger } from '../../log';
import type { ExecutionProviderChoice } from '../encoder';
import { findLibrary, systemGpuProbe, userCacheDir, type GpuProbe } from './gpuProbe';

/**
 * WebGPU on Linux runs on Dawn, which reaches the GPU through the Vulkan loader. A headless NVIDIA machine often
 * lists no NVIDIA Vulkan ICD, or only the GLX one, which cannot create an instance without a display (measured on
 * an H200 VM: VK_ERROR_INCOMPATIBLE_DRIVER). The driver's EGL library serves Vulkan headless, so pointing the
 * loader at an ICD manifest that names libEGL_nvidia.so.0 (VK_ICD_FILENAMES) lets WebGPU find the GPU.
 */
export type VulkanIcdPlan =
  /** Nothing to change; `reason` says why (no NVIDIA driver, an ICD that works is already listed, ...). */
  | { readonly action: 'none'; readonly reason: string }
  /** The user chose the ICDs (VK_ICD_FILENAMES or VK_DRIVER_FILES); never overridden. */
  | { readonly action: 'keepUser'; readonly variable: string; readonly value: string }
  /** An NVIDIA driver without a usable ICD and without the EGL library either: WebGPU will likely find no adapter. */
  | { readonly action: 'cannot'; readonly reason: string }
  /** Set VK_ICD_FILENAMES to `file`, after writing `content` there when it is not undefined. */
  | { readonly action: 'point'; readonly file: string; readonly library: string; readonly content: string | undefined; readonly reason: string };

/** The folders the Vulkan loader reads ICD manifests from on Linux (XDG config and data dirs, then the fixed ones). */
export function icdManifestDirs(probe: Pick<GpuProbe, 'env' | 'homeDir'>): string[] {
  const list = (value: string | undefined, fallback: string): string[] => (value !== undefined && value !== '' ? value : fallback).split(':').filter((d) => d !== '');
  const configHome = probe.env.XDG_CONFIG_HOME !== undefined && probe.env.XDG_CONFIG_HOME !== '' ? probe.env.XDG_CONFIG_HOME : path.join(probe.homeDir, '.config');
  const dataHome = probe.env.XDG_DATA_HOME !== undefined && probe.env.XDG_DATA_HOME !== '' ? probe.env.XDG_DATA_HOME : path.join(probe.homeDir, '.local', 'share');
  const dirs = [configHome, ...list(probe.env.XDG_CONFIG_DIRS, '/etc/xdg'), '/etc', dataHome, ...list(probe.env.XDG_DATA_DIRS, '/usr/local/share:/usr/share'), '/usr/share'];
  return [...new Set(dirs.map((d) => path.join(d, 'vulkan', 'icd.d')))];
}

interface IcdManifest {
  readonly file: string;
  readonly library: string;
  readonly apiVersion: string | undefined;
}

function readIcdManifests(probe: GpuProbe): IcdManifest[] {
  const manifests: IcdManifest[] = [];
  for (const dir of icdManifestDirs(probe)) {
    for (const name of probe.listDir(dir).filter((n) => n.endsWith('.json')).sort()) {
      const file = path.join(dir, name);
      try {
        const icd = (JSON.parse(probe.readText(file) ?? '') as { ICD?: { library_path?: unknown; api_version?: unknown } }).ICD;
        if (typeof icd?.library_path === 'string') {
          manifests.push({ file, library: icd.library_path, apiVersion: typeof icd.api_version === 'string' ? icd.api_version : undefined });
        }
      } catch {
        // Not a manifest the loader would use either.
      }
    }
  }
  return manifests;
}

/** Evidence of an NVIDIA kernel driver: its /proc entry, or its user-space libraries. */
export function nvidiaDriverEvidence(probe: GpuProbe): string | undefined {
  const version = probe.readText('/proc/driver/nvidia/version');
  if (version !== undefined) return `/proc/driver/nvidia/version (${version.split('\n')[0].replace(/\s+/g, ' ').trim()})`;
  for (const lib of ['libEGL_nvidia.so.0', 'libnvidia-glcore.so', 'libcuda.so.1', 'libnvidia-ml.so.1']) {
    const found = findLibrary(probe, lib);
    if (found !== undefined) return found;
  }
  return undefined;
}

const NVIDIA_EGL = 'libEGL_nvidia.so.0';

/**
 * What to do about the Vulkan ICD before WebGPU loads, for the provider choice `choice`. `cacheDir` is where a
 * manifest the linker writes goes (a per-user folder).
 */
export function planVulkanIcd(choice: ExecutionProviderChoice, probe: GpuProbe, cacheDir: string = userCacheDir(probe)): VulkanIcdPlan {
  if (choice !== 'auto' && choice !== 'webgpu') return { action: 'none', reason: `provider '${choice}' does not use WebGPU` };
  if (probe.platform !== 'linux') return { action: 'none', reason: `WebGPU on ${probe.platform} does not go through a Vulkan ICD manifest` };
  const file = path.join(cacheDir, 'gpu', 'nvidia_egl_icd.json');
  if (probe.env.VK_ICD_FILENAMES === file) return { action: 'none', reason: `VK_ICD_FILENAMES already names the linker's manifest ${file}` };
  for (const variable of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES']) {
    const value = probe.env[variable];
    if (value !== undefined && value !== '') return { action: 'keepUser', variable, value };
  }
  const driver = nvidiaDriverEvidence(probe);
  if (driver === undefined) return { action: 'none', reason: 'no NVIDIA driver found (no /proc/driver/nvidia/version, no libEGL_nvidia/libcuda/libnvidia-ml library)' };
  const nvidia = readIcdManifests(probe).filter((m) => /nvidia/i.test(path.basename(m.library)));
  const egl = nvidia.find((m) => path.basename(m.library) === NVIDIA_EGL);
  if (egl !== undefined) return { action: 'none', reason: `the Vulkan loader already lists the driver's EGL ICD (${egl.file})` };
  const display = probe.env.DISPLAY ?? probe.env.WAYLAND_DISPLAY;
  if (nvidia.length > 0 && display !== undefined && display !== '') {
    return { action: 'none', reason: `the driver's Vulkan ICD ${nvidia[0].file} serves the display ${display}` };
  }
  const library = findLibrary(probe, NVIDIA_EGL);
  const why = nvidia.length === 0 ? 'no NVIDIA Vulkan ICD manifest is installed' : `the only NVIDIA Vulkan ICD (${nvidia.map((m) => m.file).join(', ')}) needs a display and none is set`;
  if (library === undefined) {
    return { action: 'cannot', reason: `NVIDIA driver found (${driver}) but ${why}, and ${NVIDIA_EGL} was not found in the loader cache or the usual library folders; install the driver's EGL/Vulkan user-space libraries (e.g. libnvidia-gl) or set VK_ICD_FILENAMES yourself` };
  }
  const apiVersion = nvidia.find((m) => m.apiVersion !== undefined)?.apiVersion ?? '1.3.0';
  const content = `${JSON.stringify({ file_format_version: '1.0.1', ICD: { library_path: library, api_version: apiVersion } }, null, 1)}\n`;
  return { action: 'point', file, library, content: probe.readText(file) === content ? undefined : content, reason: `NVIDIA driver found (${driver}) but ${why}` };
}

/**
 * Runs the plan for the linker's own process before the WebGPU provider first loads: writes the manifest
 * (atomically) when needed and sets VK_ICD_FILENAMES. Only the main thread can change what native code reads
 * (a worker thread's process.env is a copy), so a worker only logs; the extension host runs this before it opens a
 * session. Returns the plan it followed.
 */
export function prepareVulkanIcd(choice: ExecutionProviderChoice, logger: Logger, probe: GpuProbe = systemGpuProbe(), cacheDir?: string, mainThread: boolean = isMainThread): VulkanIcdPlan | undefined {
  if (choice !== 'auto' && choice !== 'webgpu') return undefined;
  const plan = planVulkanIcd(choice, probe, cacheDir);
  switch (plan.action) {
    case 'none':
      logger.debug(`WebGPU: Vulkan ICD left as it is: ${plan.reason}.`);
      break;
    case 'keepUser':
      logger.info(`WebGPU: using your ${plan.variable}=${plan.value} (not changed).`);
      break;
    case 'cannot':
      logger.info(`WebGPU may find no GPU adapter: ${plan.reason}.`);
      break;
    case 'point': {
      if (!mainThread) {
        logger.info(`WebGPU: ${plan.reason}; a worker thread cannot set VK_ICD_FILENAMES for native code: the host process sets it before opening a session.`);
        return plan;
      }
      try {
        if (plan.content !== undefined) {
          fs.mkdirSync(path.dirname(plan.file), { recursive: true });
          writeBytesAtomic(plan.file, [Buffer.from(plan.content, 'utf8')]);
        }
      } catch (e) {
        logger.warn(`WebGPU: could not write the Vulkan ICD manifest ${plan.file} (${(e as Error).message}); WebGPU may find no adapter. Set VK_ICD_FILENAMES to a manifest naming ${plan.library} yourself.`);
        return plan;
      }
      process.env.VK_ICD_FILENAMES = plan.file;
      logger.info(`WebGPU: ${plan.reason}; set VK_ICD_FILENAMES=${plan.file} (ICD library ${plan.library}) for this process, before the WebGPU provider loads.`);
      break;
    }
  }
  return plan;
}
