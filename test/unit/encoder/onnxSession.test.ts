import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/log';
import { silentLogger } from '../../../src/core/log';
import type { ProviderEnvironment } from '../../../src/core/encoder/onnxSession';
import { createOnnxSession, currentProviderEnvironment, providerCandidates, providerFailureAdvice, providerSkipReason } from '../../../src/core/encoder/onnxSession';
import type { RandomBertFolder } from '../../fixtures/builders/randomBert';
import { makeRandomBertFolder } from '../../fixtures/builders/randomBert';

let folder: RandomBertFolder;
let modelFile: string;

before(() => {
  folder = makeRandomBertFolder({ seed: 2, layers: 1 });
  modelFile = path.join(folder.dir, 'model.onnx');
});

after(() => {
  fs.rmSync(folder.dir, { recursive: true, force: true });
});

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (m: string | Error): void => {
    lines.push(String(m));
  };
  return { lines, logger: { trace: keep, debug: keep, info: keep, warn: keep, error: keep } };
}

function fakeEnv(overrides: Partial<ProviderEnvironment> & { files?: string[] } = {}): ProviderEnvironment {
  const files = new Set(overrides.files ?? []);
  return {
    platform: 'linux',
    backends: [
      { name: 'cpu', bundled: true },
      { name: 'webgpu', bundled: true },
      { name: 'cuda', bundled: false },
      { name: 'tensorrt', bundled: false },
    ],
    bindingDir: '/ort/bin',
    fileExists: (f) => files.has(f),
    ...overrides,
  };
}

void test('auto tries the platform\'s GPU providers, best first, then cpu; an explicit choice is tried alone', () => {
  assert.deepEqual(providerCandidates('auto', 'linux'), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(providerCandidates('auto', 'win32'), ['cuda', 'dml', 'webgpu', 'cpu']);
  assert.deepEqual(providerCandidates('auto', 'darwin'), ['coreml', 'webgpu', 'cpu']);
  assert.deepEqual(providerCandidates('auto', 'freebsd'), ['cpu']);
  assert.deepEqual(providerCandidates('cuda', 'linux'), ['cuda']);
  assert.deepEqual(providerCandidates('cpu', 'darwin'), ['cpu']);
});

void test('the pre-check skips providers this binary lacks or whose library is not installed', () => {
  assert.equal(providerSkipReason('cpu', fakeEnv()), undefined);
  const dml = providerSkipReason('dml', fakeEnv());
  assert.equal(dml?.definitive, true);
  assert.match(dml?.reason ?? '', /no 'dml' provider \(it has: cpu, webgpu, cuda, tensorrt\)/);
  const cuda = providerSkipReason('cuda', fakeEnv());
  assert.equal(cuda?.definitive, true);
  assert.match(cuda?.reason ?? '', /libonnxruntime_providers_shared\.so and libonnxruntime_providers_cuda\.so are not installed in \/ort\/bin/);
  const installed = ['/ort/bin/libonnxruntime_providers_shared.so', '/ort/bin/libonnxruntime_providers_cuda.so'];
  assert.equal(providerSkipReason('cuda', fakeEnv({ files: installed })), undefined);
  const win = providerSkipReason('cuda', fakeEnv({ platform: 'win32', bindingDir: 'C:\\ort' }));
  assert.match(win?.reason ?? '', /onnxruntime_providers_cuda\.dll/);
});

void test('webgpu on Linux without a Vulkan loader is skipped by auto but remains a heuristic', () => {
  const saved = process.env.LD_LIBRARY_PATH;
  process.env.LD_LIBRARY_PATH = '';
  try {
    const skip = providerSkipReason('webgpu', fakeEnv());
    assert.equal(skip?.definitive, false);
    assert.match(skip?.reason ?? '', /libvulkan\.so\.1/);
    assert.equal(providerSkipReason('webgpu', fakeEnv({ files: ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1'] })), undefined);
    assert.equal(providerSkipReason('webgpu', fakeEnv({ platform: 'darwin' })), undefined);
  } finally {
    if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
    else process.env.LD_LIBRARY_PATH = saved;
  }
});

void test('this machine\'s onnxruntime-node lists cpu and where its binding lives', () => {
  const env = currentProviderEnvironment();
  assert.ok(env.backends.some((b) => b.name === 'cpu'));
  assert.ok(env.fileExists(path.join(env.bindingDir, 'onnxruntime_binding.node')), env.bindingDir);
});

void test('auto falls back to cpu when cuda fails to load, logging why cuda failed', async (t) => {
  // Pretend the CUDA libraries are installed so session creation really tries cuda and onnxruntime itself fails.
  const real = currentProviderEnvironment();
  const cudaLooksInstalled: ProviderEnvironment = { ...real, fileExists: (f) => /providers_(shared|cuda)\./.test(f) || real.fileExists(f) };
  const usable = real.fileExists(path.join(real.bindingDir, 'libonnxruntime_providers_cuda.so'));
  if (usable) {
    t.skip('the CUDA provider library is installed here; the fallback cannot be provoked');
    return;
  }
  const { logger, lines } = recordingLogger();
  const { session, provider } = await createOnnxSession(modelFile, { provider: 'auto', threads: 1, logger }, cudaLooksInstalled);
  try {
    // cpu here; webgpu where a Vulkan-capable GPU is present.
    assert.ok(['cpu', 'webgpu'].includes(provider), provider);
    assert.ok(lines.some((l) => l.startsWith("Execution provider 'cuda' failed (") && l.includes('trying the next one')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes(`runs on '${provider}'`)), lines.join('\n'));
  } finally {
    await session.release();
  }
});

void test('auto on this machine skips a cuda that is not installed, cheaply and with the reason logged', async (t) => {
  const env = currentProviderEnvironment();
  const skip = providerSkipReason('cuda', env);
  if (skip === undefined) {
    t.skip('the CUDA provider library is installed on this machine');
    return;
  }
  const { logger, lines } = recordingLogger();
  const { session, provider } = await createOnnxSession(modelFile, { provider: 'auto', threads: 1, logger });
  try {
    assert.ok(['cpu', 'webgpu'].includes(provider));
    assert.ok(lines.some((l) => l.startsWith("Execution provider 'cuda' skipped: ") && l.includes('libonnxruntime_providers_cuda')), lines.join('\n'));
  } finally {
    await session.release();
  }
});

void test('an explicit cuda that cannot load is a providerUnavailable error, never a silent fallback', async (t) => {
  const real = currentProviderEnvironment();
  if (real.fileExists(path.join(real.bindingDir, 'libonnxruntime_providers_cuda.so'))) {
    t.skip('the CUDA provider library is installed here');
    return;
  }
  const cudaLooksInstalled: ProviderEnvironment = { ...real, fileExists: (f) => /providers_(shared|cuda)\./.test(f) || real.fileExists(f) };
  for (const env of [real, cudaLooksInstalled]) {
    await assert.rejects(createOnnxSession(modelFile, { provider: 'cuda', threads: 1, logger: silentLogger }, env), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'providerUnavailable'), String(e));
      assert.match(e.message, /'cuda' is not available: cuda: /);
      assert.match(e.hint ?? '', /'auto'/);
      return true;
    });
  }
});

void test('a file that even cpu cannot open is a modelLoad error carrying the caller\'s hint', async () => {
  const bad = path.join(folder.dir, 'broken.onnx');
  fs.writeFileSync(bad, 'not a model');
  await assert.rejects(createOnnxSession(bad, { provider: 'cpu', logger: silentLogger, loadHint: 'Rebuild it.' }), (e: unknown) => {
    assert.ok(LinkerError.is(e, 'modelLoad'));
    assert.equal(e.location.file, bad);
    assert.equal(e.hint, 'Rebuild it.');
    return true;
  });
});

void test('known provider failures come with advice; others do not', () => {
  assert.match(providerFailureAdvice('webgpu', 'linux', 'Failed to get a WebGPU adapter: No supported adapters') ?? '', /VK_ICD_FILENAMES.*libEGL_nvidia\.so\.0/);
  assert.equal(providerFailureAdvice('webgpu', 'win32', 'Failed to get a WebGPU adapter'), undefined);
  assert.match(providerFailureAdvice('cuda', 'linux', 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library') ?? '', /CUDA 12/);
  assert.equal(providerFailureAdvice('cpu', 'linux', 'Protobuf parsing failed'), undefined);
});
