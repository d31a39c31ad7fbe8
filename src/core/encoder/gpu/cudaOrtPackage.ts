import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CudaProviderDirCheck } from './cudaProviderDir';

/**
 * onnxruntime loads the CUDA provider from the folder its own library was loaded from (it asks the dynamic loader
 * where libonnxruntime.so.1 lives), never from a path it is given, and LD_LIBRARY_PATH cannot change once a process
 * has started. So the linker makes a per-user copy of the onnxruntime-node package that differs only in that folder:
 * its JavaScript and its small binding are copied (Node resolves symbolic links before loading, so links would lead
 * back to the original folder), libonnxruntime.so.1 is a link to the original (the loader keeps the linked path,
 * verified: onnxruntime then looks for its providers beside the link), and the user's provider libraries are links
 * to the user's files. Loading that package instead of the installed one makes onnxruntime use the user's folder.
 */
export interface CudaOrtPackage {
  /** The folder to require (a copy of onnxruntime-node). */
  readonly packageDir: string;
  /** Where onnxruntime_binding.node and the provider libraries sit in it. */
  readonly bindingDir: string;
  readonly reused: boolean;
}

/** The binary folder inside an onnxruntime-node package, as its dist/binding.js names it. */
export function ortBindingSubdir(platform: string = process.platform, arch: string = process.arch): string {
  return path.join('bin', 'napi-v6', platform, arch);
}

/**
 * Makes (or reuses) the package copy for `check.dir` under `cacheDir`. The folder name hashes the installed
 * package's location and binding and the provider folder, so an update of either gets a new copy. Built in a
 * temporary folder and renamed into place, so a half-built copy is never used.
 */
export function prepareCudaOrtPackage(check: CudaProviderDirCheck, ortPackageDir: string, cacheDir: string): CudaOrtPackage {
  const sub = ortBindingSubdir();
  const sourceBinding = path.join(ortPackageDir, sub);
  const bindingStat = fs.statSync(path.join(sourceBinding, 'onnxruntime_binding.node'));
  const providerDir = fs.realpathSync(check.dir);
  const key = createHash('sha256')
    .update([fs.realpathSync(ortPackageDir), bindingStat.size, bindingStat.mtimeMs, providerDir, ...check.libraries].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
  const root = path.join(cacheDir, 'gpu', `onnxruntime-cuda-${key}`);
  const packageDir = path.join(root, 'node_modules', 'onnxruntime-node');
  const bindingDir = path.join(packageDir, sub);
  if (fs.existsSync(path.join(root, 'complete'))) return { packageDir, bindingDir, reused: true };

  const temp = `${root}.tmp-${process.pid}-${Date.now()}`;
  try {
    const tempPackage = path.join(temp, 'node_modules', 'onnxruntime-node');
    const tempBinding = path.join(tempPackage, sub);
    fs.mkdirSync(tempBinding, { recursive: true });
    fs.copyFileSync(path.join(ortPackageDir, 'package.json'), path.join(tempPackage, 'package.json'));
    fs.cpSync(path.join(ortPackageDir, 'dist'), path.join(tempPackage, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(sourceBinding, 'onnxruntime_binding.node'), path.join(tempBinding, 'onnxruntime_binding.node'));
    for (const name of fs.readdirSync(sourceBinding).filter((n) => n !== 'onnxruntime_binding.node')) {
      fs.symlinkSync(fs.realpathSync(path.join(sourceBinding, name)), path.join(tempBinding, name));
    }
    for (const name of check.libraries) {
      fs.rmSync(path.join(tempBinding, name), { force: true });
      fs.symlinkSync(path.join(providerDir, name), path.join(tempBinding, name));
    }
    fs.symlinkSync(packageFolderOf(require.resolve('onnxruntime-common', { paths: [ortPackageDir] })), path.join(temp, 'node_modules', 'onnxruntime-common'));
    fs.writeFileSync(path.join(temp, 'complete'), `${JSON.stringify({ onnxruntimeNode: ortPackageDir, providerDir, libraries: check.libraries })}\n`);
    fs.mkdirSync(path.dirname(root), { recursive: true });
    fs.renameSync(temp, root);
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    // Another process may have finished the same copy first.
    if (!fs.existsSync(path.join(root, 'complete'))) throw e;
  }
  return { packageDir, bindingDir, reused: false };
}

/** The package folder a resolved entry file belongs to (its package.json may not be exported). */
function packageFolderOf(entry: string): string {
  for (let dir = path.dirname(fs.realpathSync(entry)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const name = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
      if (name === 'onnxruntime-common') return dir;
    }
  }
  throw new Error(`no onnxruntime-common package folder above ${entry}`);
}
