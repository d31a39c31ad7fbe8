import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/log';
import { silentLogger } from '../../../src/core/log';
import { HfEncoder } from '../../../src/core/encoder/hf/hfEncoder';
import type { RandomBertFolder } from '../../fixtures/builders/randomBert';
import { makeRandomBertFolder } from '../../fixtures/builders/randomBert';

const options = { provider: 'cpu' as const, threads: 1, logger: silentLogger };
const LONG = 'the apple tree in paris was red and green , the river bank of france is one city of music and money and two bands play';

let folder: RandomBertFolder;
let encoder: HfEncoder;

before(async () => {
  folder = makeRandomBertFolder({ seed: 7, maxPositions: 24 });
  encoder = await HfEncoder.load(folder.dir, options);
});

after(async () => {
  await encoder.dispose();
  fs.rmSync(folder.dir, { recursive: true, force: true });
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

void test('vectors have the hidden width and unit length; modelId is the sha256 of model.onnx', async () => {
  const vectors = await encoder.encode(['steve jobs found apple', 'the river bank', '']);
  assert.equal(encoder.dims, folder.hiddenSize);
  assert.equal(encoder.provider, 'cpu');
  assert.equal(vectors.length, 3);
  for (const v of vectors) {
    assert.equal(v.length, folder.hiddenSize);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5, `norm ${norm(v)}`);
  }
  const expected = createHash('sha256').update(fs.readFileSync(path.join(folder.dir, 'model.onnx'))).digest('hex');
  assert.equal(encoder.modelId, expected);
});

void test('padding does not change a text\'s vector', async () => {
  const [alone] = await encoder.encode(['steve jobs']);
  const [padded, long] = await encoder.encode(['steve jobs', LONG]);
  assert.ok(maxAbsDiff(alone, padded) < 1e-5, `diff ${maxAbsDiff(alone, padded)}`);
  assert.ok(maxAbsDiff(alone, long) > 1e-2, 'different texts must give different vectors');
});

void test('batched encoding equals one-by-one encoding, in input order', async () => {
  const texts = ['apple', LONG, 'the city of paris', 'music band play', 'green tree', 'bank money', 'one two three four five six'];
  const batched = await encoder.encode(texts, { batchSize: 3 });
  for (let i = 0; i < texts.length; i++) {
    const [single] = await encoder.encode([texts[i]]);
    assert.ok(maxAbsDiff(single, batched[i]) < 1e-5, `text ${i}: diff ${maxAbsDiff(single, batched[i])}`);
  }
});

void test('CLS pooling differs from mean pooling, and a sentence-transformers pooling config selects it', async () => {
  const cls = await HfEncoder.load(folder.dir, { ...options, pooling: 'cls' });
  const stFolder = makeRandomBertFolder({ seed: 7, maxPositions: 24, sentenceTransformersPooling: 'cls' });
  const fromConfig = await HfEncoder.load(stFolder.dir, options);
  try {
    const [mean] = await encoder.encode(['steve jobs found apple']);
    const [viaOption] = await cls.encode(['steve jobs found apple']);
    const [viaConfig] = await fromConfig.encode(['steve jobs found apple']);
    assert.equal(cls.pooling, 'cls');
    assert.equal(fromConfig.pooling, 'cls');
    assert.ok(maxAbsDiff(mean, viaOption) > 1e-2);
    assert.ok(maxAbsDiff(viaOption, viaConfig) < 1e-6, 'same seed and pooling must give the same vector');
  } finally {
    await cls.dispose();
    await fromConfig.dispose();
    fs.rmSync(stFolder.dir, { recursive: true, force: true });
  }
});

void test('text beyond the maximum length is truncated, keeping the closing special token', async () => {
  const words = 'one two three four five six the a of and in is was to by on apple steve jobs found company fruit tree red green paris city'.split(' ');
  assert.ok(words.length > folder.maxPositions);
  const [long] = await encoder.encode([words.join(' ')]);
  const [prefix] = await encoder.encode([words.slice(0, folder.maxPositions - 2).join(' ')]);
  assert.ok(maxAbsDiff(long, prefix) < 1e-5, `diff ${maxAbsDiff(long, prefix)}`);
  const [states] = await encoder.encodeTokens([words.join(' ')]);
  assert.equal(states.tokens, folder.maxPositions);
});

void test('encodeTokens returns each text\'s real token states, whose mean gives the pooled vector', async () => {
  const states = await encoder.encodeTokens(['steve jobs', LONG]);
  assert.equal(states[0].tokens, 4); // [CLS] steve jobs [SEP]
  assert.equal(states[0].dims, folder.hiddenSize);
  assert.equal(states[0].data.length, 4 * folder.hiddenSize);
  const mean = new Float32Array(folder.hiddenSize);
  for (let t = 0; t < states[0].tokens; t++) {
    for (let d = 0; d < folder.hiddenSize; d++) mean[d] += states[0].data[t * folder.hiddenSize + d] / states[0].tokens;
  }
  const n = norm(mean);
  const [pooled] = await encoder.encode(['steve jobs']);
  assert.ok(maxAbsDiff(mean.map((x) => x / n), pooled) < 1e-5);
});

void test('onProgress counts up to the total and an aborted signal cancels between batches', async () => {
  const texts = Array.from({ length: 7 }, (_, i) => `apple ${'tree '.repeat(i)}`);
  const seen: number[] = [];
  await encoder.encode(texts, { batchSize: 2, onProgress: (done, total) => { assert.equal(total, 7); seen.push(done); } });
  assert.deepEqual(seen, [2, 4, 6, 7]);
  const controller = new AbortController();
  await assert.rejects(
    encoder.encode(texts, { batchSize: 2, signal: controller.signal, onProgress: (done) => { if (done === 2) controller.abort(); } }),
    (e: unknown) => LinkerError.is(e, 'cancelled'),
  );
});

void test('a model without a token_type_ids input gets only the inputs it declares', async () => {
  const noTypes = makeRandomBertFolder({ seed: 3, withTokenTypeIds: false });
  const lines: string[] = [];
  const logger: Logger = { ...silentLogger, info: (m) => lines.push(m) };
  const enc = await HfEncoder.load(noTypes.dir, { ...options, logger });
  try {
    const [v] = await enc.encode(['steve jobs']);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    assert.ok(lines.some((l) => l.includes('inputs input_ids/attention_mask, output')), lines.join('\n'));
  } finally {
    await enc.dispose();
    fs.rmSync(noTypes.dir, { recursive: true, force: true });
  }
});

void test('a missing tokenizer.json is a modelMissing error naming the file and what to do', async () => {
  const broken = makeRandomBertFolder({ seed: 5 });
  fs.rmSync(path.join(broken.dir, 'tokenizer.json'));
  try {
    await assert.rejects(HfEncoder.load(broken.dir, options), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'modelMissing'));
      assert.equal(e.location.file, path.join(broken.dir, 'tokenizer.json'));
      assert.match(e.message, /tokenizer\.json/);
      assert.match(e.hint ?? '', /model\.onnx, tokenizer\.json and config\.json/);
      return true;
    });
  } finally {
    fs.rmSync(broken.dir, { recursive: true, force: true });
  }
});

void test('a corrupt model.onnx is a modelLoad error naming the file and what to do', async () => {
  const broken = makeRandomBertFolder({ seed: 5 });
  const modelFile = path.join(broken.dir, 'model.onnx');
  fs.writeFileSync(modelFile, fs.readFileSync(modelFile).subarray(0, 300));
  try {
    for (const provider of ['cpu', 'auto'] as const) {
      await assert.rejects(HfEncoder.load(broken.dir, { ...options, provider }), (e: unknown) => {
        assert.ok(LinkerError.is(e, 'modelLoad'), String(e));
        assert.equal(e.location.file, modelFile);
        assert.ok(e.message.startsWith(`${modelFile}: `), e.message);
        assert.match(e.hint ?? '', /re-export/);
        return true;
      });
    }
  } finally {
    fs.rmSync(broken.dir, { recursive: true, force: true });
  }
});
