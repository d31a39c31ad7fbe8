import * as path from 'node:path';
import type { GpuProbe } from '../../../../src/core/encoder/gpu/gpuProbe';

/** A machine described by its files (text or bytes), environment and loader cache, for the GPU set-up tests. */
export function fakeGpuProbe(options: {
  files?: Record<string, string | Uint8Array>;
  env?: Record<string, string>;
  loaderCache?: Record<string, string>;
  platform?: NodeJS.Platform;
}): GpuProbe {
  const files = new Map(Object.entries(options.files ?? {}).map(([p, c]) => [path.resolve(p), c]));
  const dirs = new Set<string>();
  for (const file of files.keys()) {
    for (let d = path.dirname(file); d !== path.dirname(d); d = path.dirname(d)) dirs.add(d);
  }
  const bytesOf = (file: string): Uint8Array | undefined => {
    const content = files.get(path.resolve(file));
    return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  };
  return {
    platform: options.platform ?? 'linux',
    env: options.env ?? {},
    homeDir: '/home/u',
    exists: (file) => files.has(path.resolve(file)) || dirs.has(path.resolve(file)),
    isDirectory: (dir) => dirs.has(path.resolve(dir)),
    listDir: (dir) => {
      const d = path.resolve(dir);
      const names = new Set<string>();
      for (const p of [...files.keys(), ...dirs]) if (path.dirname(p) === d && p !== d) names.add(path.basename(p));
      return [...names];
    },
    readText: (file) => {
      const bytes = bytesOf(file);
      return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
    },
    readBytes: (file, offset, length) => bytesOf(file)?.subarray(offset, offset + length),
    loaderCache: () => new Map(Object.entries(options.loaderCache ?? {}).map(([name, p]) => [name, [p]])),
  };
}
