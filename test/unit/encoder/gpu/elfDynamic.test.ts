import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { readElfDynamic } from '../../../../src/core/encoder/gpu/elfDynamic';
import { systemGpuProbe } from '../../../../src/core/encoder/gpu/gpuProbe';
import { installedOrtPackageDir } from '../../../../src/core/encoder/onnxRuntime';
import { elfLibraryBytes } from '../../../fixtures/builders/elfLibrary';
import { fakeGpuProbe } from './fakeGpuProbe';

void test('the dynamic section of a built library: needed libraries, soname and runpath', () => {
  const bytes = elfLibraryBytes({ needed: ['libcudart.so.12', 'libcudnn.so.9'], soname: 'libonnxruntime_providers_cuda.so', runpath: '$ORIGIN:/opt/x' });
  const info = readElfDynamic(fakeGpuProbe({ files: { '/l.so': bytes } }), '/l.so');
  assert.deepEqual(info, { needed: ['libcudart.so.12', 'libcudnn.so.9'], runpath: ['$ORIGIN', '/opt/x'], soname: 'libonnxruntime_providers_cuda.so' });
});

void test("onnxruntime-node's own binding, read from disk in ranges", (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    t.skip('the binding checked is the linux-x64 one');
    return;
  }
  const binding = path.join(installedOrtPackageDir(), 'bin', 'napi-v6', 'linux', 'x64', 'onnxruntime_binding.node');
  const info = readElfDynamic(systemGpuProbe(), binding);
  assert.ok(info?.needed.includes('libonnxruntime.so.1'), JSON.stringify(info));
  assert.equal(info?.soname, 'onnxruntime_binding.node');
  assert.deepEqual(info?.runpath, ['$ORIGIN/']);
});

void test('text, a truncated file and a 32-bit header are not read as a 64-bit library', () => {
  const bytes = elfLibraryBytes({ needed: ['a.so'] });
  const elf32 = Buffer.from(bytes);
  elf32[4] = 1;
  const probe = fakeGpuProbe({ files: { '/t': 'not an elf file at all, just text that is long enough to fill a header....', '/cut': bytes.subarray(0, 40), '/e32': elf32 } });
  assert.equal(readElfDynamic(probe, '/t'), undefined);
  assert.equal(readElfDynamic(probe, '/cut'), undefined);
  assert.equal(readElfDynamic(probe, '/e32'), undefined);
  assert.equal(readElfDynamic(probe, '/missing'), undefined);
});
