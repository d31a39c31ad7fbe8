import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * What the GPU set-up decisions read about this machine, behind one small interface so unit tests describe any
 * machine (no driver, a driver without a Vulkan ICD, a user's own VK_ICD_FILENAMES, a CUDA folder missing a library)
 * with an in-memory file system.
 */
export interface GpuProbe {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  exists(file: string): boolean;
  isDirectory(dir: string): boolean;
  /** File names in a folder; empty when it is missing or unreadable. */
  listDir(dir: string): string[];
  /** A whole (small) text file, or undefined when it cannot be read. */
  readText(file: string): string | undefined;
  /** Up to `length` bytes of a file from `offset` (fewer at its end), or undefined when it cannot be read. */
  readBytes(file: string, offset: number, length: number): Uint8Array | undefined;
  /** The dynamic loader's cache: library file name to the paths it resolves to (`ldconfig -p`). */
  loaderCache(): ReadonlyMap<string, readonly string[]>;
}

/** Folders the dynamic loader and driver installers commonly use (Debian/Ubuntu multiarch, RHEL, NVIDIA containers). */
export const SYSTEM_LIBRARY_DIRS: readonly string[] = [
  '/usr/lib/x86_64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/lib64',
  '/usr/lib',
  '/lib',
  '/usr/local/lib',
  '/usr/local/nvidia/lib64',
  '/usr/local/nvidia/lib',
];

/** `ldconfig -p` lines (`\tlibEGL_nvidia.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libEGL_nvidia.so.0`) as a map. */
export function parseLoaderCache(text: string): Map<string, string[]> {
  const cache = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S.*?)\s*$/.exec(line);
    if (match === null) continue;
    const paths = cache.get(match[1]) ?? [];
    paths.push(match[3]);
    cache.set(match[1], paths);
  }
  return cache;
}

/** Where a library file name is found: the loader's cache first, then `dirs` in order; undefined when nowhere. */
export function findLibrary(probe: GpuProbe, name: string, dirs: readonly string[] = SYSTEM_LIBRARY_DIRS): string | undefined {
  const cached = probe.loaderCache().get(name)?.find((p) => probe.exists(p));
  if (cached !== undefined) return cached;
  return dirs.map((dir) => path.join(dir, name)).find((p) => probe.exists(p));
}

/** The per-user cache folder of the linker ($XDG_CACHE_HOME/entity-linker, else ~/.cache/entity-linker). */
export function userCacheDir(probe: Pick<GpuProbe, 'env' | 'homeDir'>): string {
  const base = probe.env.XDG_CACHE_HOME !== undefined && probe.env.XDG_CACHE_HOME !== '' ? probe.env.XDG_CACHE_HOME : path.join(probe.homeDir, '.cache');
  return path.join(base, 'entity-linker');
}

let loaderCacheOnce: Map<string, string[]> | undefined;

/** The running machine. `ldconfig -p` runs once per process (a few ms), with a time limit. */
export function systemGpuProbe(): GpuProbe {
  return {
    platform: process.platform,
    env: process.env,
    homeDir: os.homedir(),
    exists: (file) => fs.existsSync(file),
    isDirectory: (dir) => {
      try {
        return fs.statSync(dir).isDirectory();
      } catch {
        return false;
      }
    },
    listDir: (dir) => {
      try {
        return fs.readdirSync(dir);
      } catch {
        return [];
      }
    },
    readText: (file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    readBytes: (file, offset, length) => {
      let fd: number | undefined;
      try {
        fd = fs.openSync(file, 'r');
        const buffer = Buffer.alloc(length);
        const read = fs.readSync(fd, buffer, 0, length, offset);
        return buffer.subarray(0, read);
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    },
    loaderCache: () => {
      if (loaderCacheOnce === undefined) {
        loaderCacheOnce = new Map();
        for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
          try {
            loaderCacheOnce = parseLoaderCache(execFileSync(ldconfig, ['-p'], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] }));
            break;
          } catch {
            // Not at this path (or not runnable): try the next; with none the folder list still applies.
          }
        }
      }
      return loaderCacheOnce;
    },
  };
}
