import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Logger } from '../../../../src/core/log';
import { parseLoaderCache } from '../../../../src/core/encoder/gpu/gpuProbe';
import { planVulkanIcd, prepareVulkanIcd } from '../../../../src/core/encoder/gpu/vulkanIcd';
import { fakeGpuProbe } from './fakeGpuProbe';

const DRIVER = { '/proc/driver/nvidia/version': 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.65.06\nGCC version: 12\n' };
const EGL_LIB = '/usr/lib/x86_64-linux-gnu/libEGL_nvidia.so.0';
const GLX_ICD = { '/usr/share/vulkan/icd.d/nvidia_icd.json': JSON.stringify({ file_format_version: '1.0.1', ICD: { library_path: 'libGLX_nvidia.so.0', api_version: '1.4.312' } }) };

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (m: string | Error): void => void lines.push(String(m));
  return { lines, logger: { trace: keep, debug: keep, info: keep, warn: keep, error: keep } };
}

void test('no NVIDIA driver: nothing is changed, and the plan says why', () => {
  const plan = planVulkanIcd('auto', fakeGpuProbe({ files: { [EGL_LIB.replace('EGL_nvidia', 'EGL_mesa')]: '' } }), '/c');
  assert.equal(plan.action, 'none');
  assert.match(plan.action === 'none' ? plan.reason : '', /no NVIDIA driver/);
});

void test('a driver without any Vulkan ICD: the loader is pointed at a manifest naming the driver EGL library', () => {
  const plan = planVulkanIcd('auto', fakeGpuProbe({ files: { ...DRIVER, [EGL_LIB]: '' } }), '/c');
  assert.equal(plan.action, 'point');
  if (plan.action !== 'point') return;
  assert.equal(plan.file, '/c/gpu/nvidia_egl_icd.json');
  assert.equal(plan.library, EGL_LIB);
  const manifest = JSON.parse(plan.content ?? '') as { ICD: { library_path: string; api_version: string } };
  assert.equal(manifest.ICD.library_path, EGL_LIB);
  assert.equal(manifest.ICD.api_version, '1.3.0');
  assert.match(plan.reason, /580\.65\.06.*no NVIDIA Vulkan ICD manifest/);
});

void test('only the GLX ICD on a headless machine: pointed at EGL (with the GLX manifest API version); with a display: left alone', () => {
  const fromCache = '/opt/nvidia/lib/libEGL_nvidia.so.0';
  const headless = planVulkanIcd('webgpu', fakeGpuProbe({ files: { ...DRIVER, ...GLX_ICD, [fromCache]: '' }, loaderCache: { 'libEGL_nvidia.so.0': fromCache } }), '/c');
  assert.equal(headless.action, 'point');
  assert.equal(headless.action === 'point' ? headless.library : '', fromCache);
  assert.match(headless.action === 'point' ? `${headless.reason} ${headless.content}` : '', /needs a display.*"api_version": "1\.4\.312"/s);
  const withDisplay = planVulkanIcd('webgpu', fakeGpuProbe({ files: { ...DRIVER, ...GLX_ICD, [EGL_LIB]: '' }, env: { DISPLAY: ':0' } }), '/c');
  assert.equal(withDisplay.action, 'none');
});

void test('the driver EGL ICD already listed: nothing to change', () => {
  const icd = { '/etc/vulkan/icd.d/nvidia_layers.json': JSON.stringify({ ICD: { library_path: 'libEGL_nvidia.so.0' } }) };
  const plan = planVulkanIcd('auto', fakeGpuProbe({ files: { ...DRIVER, ...icd, [EGL_LIB]: '' } }), '/c');
  assert.deepEqual(plan, { action: 'none', reason: "the Vulkan loader already lists the driver's EGL ICD (/etc/vulkan/icd.d/nvidia_layers.json)" });
});

void test("a user's own VK_ICD_FILENAMES or VK_DRIVER_FILES is never overridden", () => {
  for (const variable of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES']) {
    const plan = planVulkanIcd('auto', fakeGpuProbe({ files: { ...DRIVER, [EGL_LIB]: '' }, env: { [variable]: '/mine/icd.json' } }), '/c');
    assert.deepEqual(plan, { action: 'keepUser', variable, value: '/mine/icd.json' });
  }
});

void test('a driver whose EGL library is nowhere: the plan says WebGPU cannot work and what to install', () => {
  const plan = planVulkanIcd('auto', fakeGpuProbe({ files: DRIVER }), '/c');
  assert.equal(plan.action, 'cannot');
  assert.match(plan.action === 'cannot' ? plan.reason : '', /libEGL_nvidia\.so\.0 was not found.*set VK_ICD_FILENAMES yourself/);
});

void test('providers that do not use WebGPU and other platforms are left alone', () => {
  const files = { ...DRIVER, [EGL_LIB]: '' };
  assert.equal(planVulkanIcd('cpu', fakeGpuProbe({ files }), '/c').action, 'none');
  assert.equal(planVulkanIcd('cuda', fakeGpuProbe({ files }), '/c').action, 'none');
  assert.equal(planVulkanIcd('auto', fakeGpuProbe({ files, platform: 'win32' }), '/c').action, 'none');
});

void test('ldconfig -p output is read into a name -> paths map', () => {
  const cache = parseLoaderCache('4 libs found in cache `/etc/ld.so.cache\'\n\tlibEGL_nvidia.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libEGL_nvidia.so.0\n\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1\n\tlibz.so.1 (libc6) => /lib/i386-linux-gnu/libz.so.1\n');
  assert.deepEqual(cache.get('libEGL_nvidia.so.0'), ['/usr/lib/x86_64-linux-gnu/libEGL_nvidia.so.0']);
  assert.equal(cache.get('libz.so.1')?.length, 2);
});

void test('prepare writes the manifest atomically into the cache, sets VK_ICD_FILENAMES for the process and logs the path; again: no change', (t) => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'el-icd-'));
  const before = process.env.VK_ICD_FILENAMES;
  t.after(() => {
    if (before === undefined) delete process.env.VK_ICD_FILENAMES;
    else process.env.VK_ICD_FILENAMES = before;
    fs.rmSync(cache, { recursive: true, force: true });
  });
  delete process.env.VK_ICD_FILENAMES;
  const files = { ...DRIVER, [EGL_LIB]: '' };
  const { logger, lines } = recordingLogger();
  const plan = prepareVulkanIcd('auto', logger, fakeGpuProbe({ files, env: {} }), cache, true);
  const file = path.join(cache, 'gpu', 'nvidia_egl_icd.json');
  assert.equal(plan?.action, 'point');
  assert.equal(process.env.VK_ICD_FILENAMES, file);
  assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { ICD: { library_path: string } }).ICD.library_path, EGL_LIB);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['nvidia_egl_icd.json'], 'no temp file left');
  assert.ok(lines.some((l) => l.includes(`set VK_ICD_FILENAMES=${file} (ICD library ${EGL_LIB})`)), lines.join('\n'));
  const again = prepareVulkanIcd('auto', logger, fakeGpuProbe({ files, env: { VK_ICD_FILENAMES: file } }), cache, true);
  assert.equal(again?.action, 'none');
});

void test('in a worker thread prepare does not touch the environment (native code would not see it) and says so', (t) => {
  const before = process.env.VK_ICD_FILENAMES;
  t.after(() => {
    if (before === undefined) delete process.env.VK_ICD_FILENAMES;
    else process.env.VK_ICD_FILENAMES = before;
  });
  delete process.env.VK_ICD_FILENAMES;
  const { logger, lines } = recordingLogger();
  const plan = prepareVulkanIcd('webgpu', logger, fakeGpuProbe({ files: { ...DRIVER, [EGL_LIB]: '' } }), '/nonexistent-cache', false);
  assert.equal(plan?.action, 'point');
  assert.equal(process.env.VK_ICD_FILENAMES, undefined);
  assert.ok(lines.some((l) => /worker thread cannot set VK_ICD_FILENAMES/.test(l)));
});
