import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/log';
import { silentLogger } from '../../../src/core/log';
import { HfEncoder } from '../../../src/core/encoder/hf/hfEncoder';
import { detectModelFolder, loadEncoder } from '../../../src/core/encoder/loadEncoder';
import type { RandomBertFolder } from '../../fixtures/builders/randomBert';
import { makeRandomBertFolder } from '../../fixtures/builders/randomBert';

let folder: RandomBertFolder;
let scratch: string;

before(() => {
  folder = makeRandomBertFolder({ seed: 4, layers: 1 });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'load-encoder-'));
});

after(() => {
  fs.rmSync(folder.dir, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

function countingLogger(): { logger: Logger; sessions: () => number } {
  const lines: string[] = [];
  return { logger: { ...silentLogger, info: (m) => lines.push(m) }, sessions: () => lines.filter((l) => l.startsWith('ONNX session for')).length };
}

function subdir(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

void test('the folder decides the encoder: manifest kind first, then model.onnx + tokenizer.json', () => {
  assert.equal(detectModelFolder(folder.dir), 'hf');
  assert.equal(detectModelFolder(subdir('use', { 'manifest.json': '{"kind":"use-lite"}', 'model.onnx': 'x' })), 'use-lite');
  assert.equal(detectModelFolder(subdir('hfManifest', { 'manifest.json': '{"kind":"hf","pooling":"cls"}' })), 'hf');
  assert.throws(() => detectModelFolder(subdir('odd', { 'manifest.json': '{"kind":"word2vec"}' })), (e: unknown) => LinkerError.is(e, 'modelLoad') && /"word2vec"/.test(e.message));
});

void test('anything else is a modelMissing error naming the folder and what a model folder holds', () => {
  const onlyModel = subdir('onlyModel', { 'model.onnx': 'x' });
  for (const dir of [onlyModel, path.join(scratch, 'absent')]) {
    assert.throws(() => detectModelFolder(dir), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'modelMissing'));
      assert.equal(e.location.file, dir);
      assert.ok(e.message.includes(dir));
      assert.match(e.hint ?? '', /tokenizer\.json/);
      assert.match(e.hint ?? '', /"kind": "use-lite"/);
      return true;
    });
  }
  // --model naming a file (a gold file, say) says so, rather than that it does not exist.
  const file = path.join(scratch, 'gold.jsonl');
  fs.writeFileSync(file, '{}\n');
  assert.throws(() => detectModelFolder(file), (e: unknown) => LinkerError.is(e, 'modelMissing') && e.message.includes(`${file} is a file, not a folder`));
});

void test('loadEncoder opens a Hugging Face folder and honours the manifest\'s pooling', async () => {
  const withManifest = makeRandomBertFolder({ seed: 4, layers: 1 });
  fs.writeFileSync(path.join(withManifest.dir, 'manifest.json'), JSON.stringify({ kind: 'hf', pooling: 'cls' }));
  const plain = await loadEncoder(folder.dir, { provider: 'cpu', threads: 1, logger: silentLogger });
  const cls = await loadEncoder(withManifest.dir, { provider: 'cpu', threads: 1, logger: silentLogger });
  const reference = await HfEncoder.load(folder.dir, { provider: 'cpu', threads: 1, logger: silentLogger, pooling: 'cls' });
  try {
    assert.equal(plain.dims, folder.hiddenSize);
    assert.equal(plain.provider, 'cpu');
    assert.equal(plain.modelId, cls.modelId, 'same seed, same weights');
    const [a] = await cls.encode(['apple tree']);
    const [b] = await reference.encode(['apple tree']);
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.ok(plain.encodeTokens !== undefined);
    const [states] = await plain.encodeTokens(['apple tree']);
    assert.equal(states.tokens, 4);
  } finally {
    await plain.dispose();
    await cls.dispose();
    await reference.dispose();
    fs.rmSync(withManifest.dir, { recursive: true, force: true });
  }
});

void test('a folder loads once per process and provider; the session lives until the last handle is disposed', async () => {
  const { logger, sessions } = countingLogger();
  const options = { provider: 'cpu' as const, threads: 1, logger };
  const [first, second] = await Promise.all([loadEncoder(folder.dir, options), loadEncoder(`${folder.dir}${path.sep}.`, options)]);
  assert.equal(sessions(), 1);
  await first.dispose();
  await first.dispose();
  assert.throws(() => first.encode(['x']), (e: unknown) => LinkerError.is(e, 'internal'));
  const [v] = await second.encode(['apple']);
  assert.equal(v.length, folder.hiddenSize);
  await second.dispose();
  const third = await loadEncoder(folder.dir, options);
  assert.equal(sessions(), 2, 'after the last handle is gone the next load opens a new session');
  await third.dispose();
});

void test('a failed load is not cached, and an aborted caller gets a cancelled error', async () => {
  const dir = subdir('later', {});
  await assert.rejects(loadEncoder(dir, { provider: 'cpu', logger: silentLogger }), (e: unknown) => LinkerError.is(e, 'modelMissing'));
  for (const file of ['model.onnx', 'tokenizer.json', 'config.json', 'tokenizer_config.json']) {
    fs.copyFileSync(path.join(folder.dir, file), path.join(dir, file));
  }
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(loadEncoder(dir, { provider: 'cpu', logger: silentLogger, signal: controller.signal }), (e: unknown) => LinkerError.is(e, 'cancelled'));
  const encoder = await loadEncoder(dir, { provider: 'cpu', threads: 1, logger: silentLogger });
  assert.equal(encoder.dims, folder.hiddenSize);
  await encoder.dispose();
});

const useLiteDir = path.resolve(__dirname, '../../../../models/use-lite');
const useLiteBuilt = fs.existsSync(path.join(useLiteDir, 'model.onnx')) && fs.existsSync(path.join(useLiteDir, 'manifest.json'));

void test('a use-lite manifest routes to the USE-lite encoder', { skip: useLiteBuilt ? false : `models/use-lite is not built (${useLiteDir})` }, async () => {
  const encoder = await loadEncoder(useLiteDir, { provider: 'cpu', threads: 1, logger: silentLogger });
  try {
    assert.equal(encoder.dims, 512);
    const [a, b] = await encoder.encode(['Steve Jobs co-founded Apple', 'Apple Inc. makes computers']);
    assert.ok(Math.abs(a.reduce((s, x) => s + x * x, 0) - 1) < 1e-4);
    assert.ok(a.reduce((s, x, i) => s + x * b[i], 0) > 0.2);
  } finally {
    await encoder.dispose();
  }
});
