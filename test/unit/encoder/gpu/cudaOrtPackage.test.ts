import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { installedOrtPackageDir } from '../../../../src/core/encoder/onnxRuntime';
import type { RandomBertFolder } from '../../../fixtures/builders/randomBert';
import { makeRandomBertFolder } from '../../../fixtures/builders/randomBert';

/**
 * onnxruntime loads once per process, so each case runs in a child process. The "provider libraries" are copies of
 * an empty glibc compatibility library (libdl.so.2 is a stub since glibc 2.34): real ELF libraries that load
 * harmlessly but lack the provider entry points, so when onnxruntime reports the missing symbol, its log shows
 * which file it loaded, and from where.
 */
const ORT_RUNTIME = path.resolve(__dirname, '../../../../src/core/encoder/onnxRuntime.js');
const STUB = ['/lib/x86_64-linux-gnu/libdl.so.2', '/usr/lib/x86_64-linux-gnu/libdl.so.2', '/lib64/libdl.so.2'].find((f) => fs.existsSync(f) && fs.statSync(f).size < 100_000);
const supported = process.platform === 'linux' && process.arch === 'x64' && STUB !== undefined;
const SKIP = 'needs linux-x64 with glibc >= 2.34 (an empty libdl.so.2 stands in for the provider libraries)';
let model: RandomBertFolder;
let work: string;
let version: string;

before(() => {
  model = makeRandomBertFolder({ seed: 3, layers: 1 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'el-cuda-dir-'));
  version = (JSON.parse(fs.readFileSync(path.join(installedOrtPackageDir(), 'package.json'), 'utf8')) as { version: string }).version;
});

after(() => {
  fs.rmSync(model.dir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

function providerFolder(name: string, libraries: readonly string[], folderVersion: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const lib of libraries) fs.copyFileSync(STUB!, path.join(dir, lib));
  fs.writeFileSync(path.join(dir, 'VERSION_NUMBER'), `${folderVersion}\n`);
  return dir;
}

interface ChildResult {
  loaded?: string;
  loadError?: string;
  bindingDir?: string;
  sessions?: Record<string, string>;
  log: string[];
  stderr: string;
}

function runChild(dir: string, provider: string, sessionProviders: readonly string[]): ChildResult {
  const script = `
    const { setCudaProviderDir, loadOrt, ortBindingDir } = require(${JSON.stringify(ORT_RUNTIME)});
    const log = [];
    const keep = (m) => log.push(String(m));
    const logger = { trace: keep, debug: keep, info: keep, warn: keep, error: keep };
    setCudaProviderDir(${JSON.stringify(dir)});
    (async () => {
      const out = { log };
      try {
        const ort = loadOrt({ provider: ${JSON.stringify(provider)}, logger });
        out.bindingDir = ortBindingDir();
        out.sessions = {};
        for (const p of ${JSON.stringify(sessionProviders)}) {
          try {
            const s = await ort.InferenceSession.create(${JSON.stringify(path.join(model.dir, 'model.onnx'))}, { executionProviders: [p] });
            await s.release();
            out.sessions[p] = 'ok';
          } catch (e) { out.sessions[p] = e.message; }
        }
      } catch (e) { out.loadError = e.message; }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const env = { ...process.env, XDG_CACHE_HOME: path.join(work, 'cache') };
  const child = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  return { ...(JSON.parse(child.stdout) as Omit<ChildResult, 'stderr'>), stderr: child.stderr };
}

void test('with a checked CUDA folder onnxruntime loads its provider libraries from that folder (through the per-user package copy)', (t) => {
  if (!supported) return t.skip(SKIP);
  const dir = providerFolder('good', ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'], version);
  const first = runChild(dir, 'auto', ['cuda', 'cpu']);
  const copyRoot = path.join(work, 'cache', 'entity-linker', 'gpu');
  assert.equal(first.loadError, undefined);
  assert.ok(first.bindingDir?.startsWith(copyRoot), first.bindingDir);
  assert.equal(fs.realpathSync(path.join(first.bindingDir!, 'libonnxruntime_providers_cuda.so')), fs.realpathSync(path.join(dir, 'libonnxruntime_providers_cuda.so')));
  // onnxruntime opened the user's file (found beside the copy's libonnxruntime.so.1 link) and found no provider in it.
  assert.match(first.sessions?.cuda ?? '', /Failed to load shared library/);
  assert.match(first.stderr, new RegExp(`${first.bindingDir!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/libonnxruntime_providers_shared\\.so: undefined symbol: Provider_SetHost`));
  assert.equal(first.sessions?.cpu, 'ok');
  assert.ok(first.log.some((l) => l.includes(`CUDA provider folder ${dir} (onnxruntime ${version}, from ${path.join(dir, 'VERSION_NUMBER')})`) && l.includes('just made')), first.log.join('\n'));
  const second = runChild(dir, 'cuda', []);
  assert.equal(second.bindingDir, first.bindingDir);
  assert.ok(second.log.some((l) => l.includes('made earlier')), second.log.join('\n'));
  assert.equal(fs.readdirSync(copyRoot).filter((n) => n.includes('.tmp-')).length, 0, 'no half-built copy left');
});

void test('an unusable folder: an explicit cuda fails before loading with the reason; auto says why and loads the installed package', (t) => {
  if (!supported) return t.skip(SKIP);
  const dir = providerFolder('no-cuda', ['libonnxruntime_providers_shared.so'], version);
  const explicit = runChild(dir, 'cuda', []);
  assert.match(explicit.loadError ?? '', /libonnxruntime_providers_cuda\.so is missing from .*no-cuda/);
  const auto = runChild(dir, 'auto', ['cpu']);
  assert.equal(auto.loadError, undefined);
  assert.equal(auto.bindingDir, path.join(installedOrtPackageDir(), 'bin', 'napi-v6', 'linux', 'x64'));
  assert.equal(auto.sessions?.cpu, 'ok');
  assert.ok(auto.log.some((l) => /cannot be used: .*missing.*Continuing without CUDA/.test(l)), auto.log.join('\n'));
  const old = runChild(providerFolder('old', ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'], '1.0.0'), 'cuda', []);
  assert.match(old.loadError ?? '', new RegExp(`are onnxruntime 1\\.0\\.0 \\(from .*VERSION_NUMBER\\) but onnxruntime-node here is ${version.replace(/\./g, '\\.')}`));
});
