import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCudaProviderDir, describeCudaProviderProblems, providerFolderVersion } from '../../../../src/core/encoder/gpu/cudaProviderDir';
import { elfLibraryBytes } from '../../../fixtures/builders/elfLibrary';
import { fakeGpuProbe } from './fakeGpuProbe';

const NEEDED = ['libonnxruntime_providers_shared.so', 'libcublasLt.so.12', 'libcublas.so.12', 'libcudnn.so.9', 'libcudart.so.12', 'libstdc++.so.6', 'libc.so.6'];
const CUDA_LIBS = { '/usr/lib/x86_64-linux-gnu/libcublasLt.so.12': '', '/usr/lib/x86_64-linux-gnu/libcublas.so.12': '', '/usr/lib/x86_64-linux-gnu/libcudart.so.12': '' };

/** An onnxruntime GPU release folder (lib/ + VERSION_NUMBER) at /ort. */
function release(version = '1.30.0', options: { runpath?: string; drop?: string } = {}): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {
    '/ort/VERSION_NUMBER': `${version}\n`,
    '/ort/lib/libonnxruntime_providers_shared.so': elfLibraryBytes({ needed: ['libc.so.6'] }),
    '/ort/lib/libonnxruntime_providers_cuda.so': elfLibraryBytes({ needed: NEEDED, runpath: options.runpath }),
    [`/ort/lib/libonnxruntime.so.${version}`]: '',
  };
  if (options.drop !== undefined) delete files[options.drop];
  return files;
}

void test('a complete folder of the matching version with CUDA and cuDNN findable passes, listing where each library is', () => {
  const check = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files: { ...release(), ...CUDA_LIBS, '/opt/cudnn/libcudnn.so.9': '' }, loaderCache: { 'libcudnn.so.9': '/opt/cudnn/libcudnn.so.9' } }));
  assert.deepEqual(check.problems, []);
  assert.equal(check.ok, true);
  assert.deepEqual(check.version, { version: '1.30.0', source: '/ort/VERSION_NUMBER' });
  assert.deepEqual(check.libraries, ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']);
  assert.deepEqual(
    check.dependencies.map((d) => `${d.name}=${d.foundAt}`),
    ['libcublasLt.so.12=/usr/lib/x86_64-linux-gnu/libcublasLt.so.12', 'libcublas.so.12=/usr/lib/x86_64-linux-gnu/libcublas.so.12', 'libcudnn.so.9=/opt/cudnn/libcudnn.so.9', 'libcudart.so.12=/usr/lib/x86_64-linux-gnu/libcudart.so.12'],
  );
});

void test('a folder missing the CUDA provider library: which file, and what the folder holds', () => {
  const check = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files: { ...release('1.30.0', { drop: '/ort/lib/libonnxruntime_providers_cuda.so' }), ...CUDA_LIBS } }));
  assert.equal(check.ok, false);
  assert.equal(check.problems.length, 1);
  assert.match(check.problems[0], /^libonnxruntime_providers_cuda\.so is missing from \/ort\/lib \(it holds: libonnxruntime_providers_shared\.so\).*onnxruntime-linux-x64-gpu-1\.30\.0\.tgz/);
});

void test('a version mismatch names both versions and where the folder version was read', () => {
  const check = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files: { ...release('1.29.1'), ...CUDA_LIBS, '/usr/lib/libcudnn.so.9': '' } }));
  assert.equal(check.ok, false);
  assert.deepEqual(check.problems, ['the libraries in /ort/lib are onnxruntime 1.29.1 (from /ort/VERSION_NUMBER) but onnxruntime-node here is 1.30.0: use the provider libraries of onnxruntime 1.30.0']);
  assert.match(describeCudaProviderProblems(check), /^The CUDA provider folder \/ort\/lib cannot be used: the libraries in \/ort\/lib are onnxruntime 1\.29\.1/);
});

void test('a folder whose version cannot be told is refused, with where it looked and how to vouch for it', () => {
  const files: Record<string, string | Uint8Array> = { ...release(), ...CUDA_LIBS, '/usr/lib/libcudnn.so.9': '' };
  delete files['/ort/VERSION_NUMBER'];
  delete files['/ort/lib/libonnxruntime.so.1.30.0'];
  const check = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files }));
  assert.equal(check.ok, false);
  assert.match(check.problems.join('\n'), /version of the libraries in \/ort\/lib cannot be told \(looked for VERSION_NUMBER.*write 1\.30\.0 into \/ort\/lib\/VERSION_NUMBER/);
});

void test('the version is read from each layout the libraries ship in', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['/r/lib', { '/r/lib/libonnxruntime.so.1.30.0': '' }, '1.30.0'],
    ['/nuget/runtimes/linux-x64/native', { '/nuget/runtimes/linux-x64/native/x.so': '', '/nuget/microsoft.ml.onnxruntime.gpu.linux.nuspec': '<package><metadata><version>1.30.0</version></metadata></package>' }, '1.30.0'],
    ['/venv/site-packages/onnxruntime/capi', { '/venv/site-packages/onnxruntime/capi/x.so': '', '/venv/site-packages/onnxruntime_gpu-1.28.0.dist-info/METADATA': '' }, '1.28.0'],
    ['/opt/onnxruntime-linux-x64-gpu-1.30.0/lib', { '/opt/onnxruntime-linux-x64-gpu-1.30.0/lib/x.so': '' }, '1.30.0'],
  ];
  for (const [dir, files, version] of cases) {
    assert.equal(providerFolderVersion(dir, fakeGpuProbe({ files }))?.version, version, dir);
  }
});

void test('cuDNN nowhere: the problem names the library, what provides it and every folder searched', () => {
  const check = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files: { ...release(), ...CUDA_LIBS }, env: { LD_LIBRARY_PATH: '/my/libs' } }));
  assert.equal(check.ok, false);
  assert.equal(check.problems.length, 1);
  assert.match(check.problems[0], /^libcudnn\.so\.9 \(cuDNN 9 for CUDA 12 .*\) was not found \(looked in the loader cache \(ldconfig -p\) and \/my\/libs, \/usr\/lib\/x86_64-linux-gnu/);
  assert.deepEqual(check.dependencies.find((d) => d.name === 'libcudnn.so.9'), { name: 'libcudnn.so.9', foundAt: undefined });
});

void test('CUDA installed off the loader path: the advice names the folder and LD_LIBRARY_PATH; on LD_LIBRARY_PATH it passes', () => {
  const files = { ...release(), '/usr/local/cuda/lib64/libcublasLt.so.12': '', '/usr/local/cuda/lib64/libcublas.so.12': '', '/usr/local/cuda/lib64/libcudart.so.12': '', '/usr/local/cuda/lib64/libcudnn.so.9': '' };
  const off = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files }));
  assert.equal(off.problems.length, 4);
  assert.match(off.problems[0], /libcublasLt\.so\.12 .* is in \/usr\/local\/cuda\/lib64, which the dynamic loader does not search .*start VS Code or the CLI with LD_LIBRARY_PATH=\/usr\/local\/cuda\/lib64/);
  const on = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files, env: { LD_LIBRARY_PATH: '/usr/local/cuda/lib64' } }));
  assert.deepEqual(on.problems, []);
});

void test("CUDA libraries inside the folder count only when the provider's RUNPATH has $ORIGIN", () => {
  const inFolder = { '/ort/lib/libcublasLt.so.12': '', '/ort/lib/libcublas.so.12': '', '/ort/lib/libcudart.so.12': '', '/ort/lib/libcudnn.so.9': '' };
  const withOrigin = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files: { ...release('1.30.0', { runpath: '$ORIGIN' }), ...inFolder } }));
  assert.deepEqual(withOrigin.problems, []);
  assert.ok(withOrigin.libraries.includes('libcudnn.so.9'));
  const without = checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files: { ...release(), ...inFolder } }));
  assert.equal(without.problems.length, 4);
});

void test('pip layout: CUDA from the nvidia-*-cu12 wheels is named in the advice; a $ORIGIN-relative RUNPATH is not counted (it would resolve inside the package copy)', () => {
  const capi = '/venv/lib/python3.12/site-packages/onnxruntime/capi';
  const files: Record<string, string | Uint8Array> = {
    [`${capi}/libonnxruntime_providers_shared.so`]: elfLibraryBytes({ needed: [] }),
    [`${capi}/libonnxruntime_providers_cuda.so`]: elfLibraryBytes({ needed: ['libcudnn.so.9'], runpath: '$ORIGIN/../../nvidia/cudnn/lib' }),
    '/venv/lib/python3.12/site-packages/onnxruntime_gpu-1.30.0.dist-info/METADATA': '',
    '/venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9': '',
  };
  const check = checkCudaProviderDir(capi, '1.30.0', fakeGpuProbe({ files }));
  assert.equal(check.version?.version, '1.30.0');
  assert.equal(check.problems.length, 1);
  assert.match(check.problems[0], /libcudnn\.so\.9 .* is in \/venv\/lib\/python3\.12\/site-packages\/nvidia\/cudnn\/lib, .*LD_LIBRARY_PATH=\/venv\/lib\/python3\.12\/site-packages\/nvidia\/cudnn\/lib/);
});

void test('a missing folder, a non-ELF provider library and another platform are explained', () => {
  assert.match(checkCudaProviderDir('/nope', '1.30.0', fakeGpuProbe({})).problems[0], /the folder \/nope does not exist/);
  const files = { ...release(), '/ort/lib/libonnxruntime_providers_cuda.so': '<html>404</html>' };
  assert.match(checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files })).problems.join('\n'), /libonnxruntime_providers_cuda\.so is not a 64-bit little-endian ELF shared library/);
  assert.match(checkCudaProviderDir('/ort/lib', '1.30.0', fakeGpuProbe({ files: release(), platform: 'darwin' })).problems[0], /Linux only/);
});
