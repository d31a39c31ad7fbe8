import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { embedAll, modelCacheDir, type EmbedAllOptions } from '../../../src/core/index/embeddingCache';
import type { Logger } from '../../../src/core/log';

const scratch: string[] = [];
function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-emb-'));
  scratch.push(dir);
  return dir;
}
after(() => {
  for (const dir of scratch) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const dims = 8;

/** A deterministic fake encoder that counts what it is asked to encode. */
function countingEncoder(): { encode: EmbedAllOptions['encode']; calls: number; texts: string[] } {
  const state = {
    calls: 0,
    texts: [] as string[],
    encode: async (texts: readonly string[]): Promise<Float32Array[]> => {
      state.calls++;
      state.texts.push(...texts);
      return texts.map(fakeVector);
    },
  };
  return state;
}

function fakeVector(text: string): Float32Array {
  const digest = createHash('sha256').update(text).digest();
  const v = Float32Array.from({ length: dims }, (_, i) => digest[i]! - 128);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function expected(texts: readonly string[]): Float32Array {
  const out = new Float32Array(texts.length * dims);
  texts.forEach((t, i) => out.set(fakeVector(t), i * dims));
  return out;
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string | Error) => lines.push(`${level}: ${String(m)}`);
  return { lines, trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

const entities = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `Entity ${from + i} | a description`);

void test('a second call with more entities encodes only the new ones', async () => {
  const cacheDir = scratchDir();
  const first = countingEncoder();
  const a = await embedAll({ cacheDir, modelId: 'm1', dims, texts: entities(0, 50), encode: first.encode, batchSize: 16 });
  assert.equal(first.calls, 4);
  assert.equal(first.texts.length, 50);
  assert.deepEqual(a, expected(entities(0, 50)));

  const second = countingEncoder();
  const texts = [...entities(0, 50), ...entities(50, 60)].reverse();
  const b = await embedAll({ cacheDir, modelId: 'm1', dims, texts, encode: second.encode });
  assert.equal(second.calls, 1);
  assert.deepEqual(second.texts.sort(), entities(50, 60).sort());
  assert.deepEqual(b, expected(texts));

  const third = countingEncoder();
  await embedAll({ cacheDir, modelId: 'm1', dims, texts, encode: third.encode });
  assert.equal(third.calls, 0, 'everything cached now');

  const otherModel = countingEncoder();
  await embedAll({ cacheDir, modelId: 'm2', dims, texts: entities(0, 5), encode: otherModel.encode });
  assert.equal(otherModel.texts.length, 5, 'another model never reuses m1 vectors');

  const dir = modelCacheDir(cacheDir, 'm1', dims);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

void test('duplicate texts are encoded once and each gets the vector', async () => {
  const cacheDir = scratchDir();
  const enc = countingEncoder();
  const texts = ['x', 'y', 'x', 'x', 'z'];
  const out = await embedAll({ cacheDir, modelId: 'm', dims, texts, encode: enc.encode });
  assert.deepEqual(enc.texts, ['x', 'y', 'z']);
  assert.deepEqual(out, expected(texts));
});

void test('a truncated or bit-flipped cache file is reported by path, dropped, and its texts re-encoded', async () => {
  for (const damage of ['truncate', 'flip'] as const) {
    const cacheDir = scratchDir();
    await embedAll({ cacheDir, modelId: 'm', dims, texts: entities(0, 20), encode: countingEncoder().encode });
    const dir = modelCacheDir(cacheDir, 'm', dims);
    const [name] = fs.readdirSync(dir);
    const file = path.join(dir, name!);
    if (damage === 'truncate') {
      fs.truncateSync(file, fs.statSync(file).size - 7);
    } else {
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 40]! ^= 0x01;
      fs.writeFileSync(file, bytes);
    }
    const logger = recordingLogger();
    const enc = countingEncoder();
    const out = await embedAll({ cacheDir, modelId: 'm', dims, texts: entities(0, 20), encode: enc.encode, logger });
    assert.equal(enc.texts.length, 20, `${damage}: everything re-encoded`);
    assert.deepEqual(out, expected(entities(0, 20)));
    const warning = logger.lines.find((l) => l.startsWith('warn'));
    assert.ok(warning?.includes(file), `${damage}: ${logger.lines.join('\n')}`);
    assert.match(warning!, damage === 'truncate' ? /truncated/ : /checksum/);
    assert.equal(fs.existsSync(file), false);
  }
});

void test('vectors encoded before a cancellation are kept, so the retry encodes only the rest', async () => {
  const cacheDir = scratchDir();
  const controller = new AbortController();
  const enc = countingEncoder();
  const encode: EmbedAllOptions['encode'] = async (texts) => {
    const result = await enc.encode(texts);
    if (enc.calls === 2) {
      controller.abort();
    }
    return result;
  };
  await assert.rejects(embedAll({ cacheDir, modelId: 'm', dims, texts: entities(0, 40), encode, batchSize: 10, signal: controller.signal }), /cancelled/);
  assert.equal(enc.texts.length, 20);
  const retry = countingEncoder();
  const out = await embedAll({ cacheDir, modelId: 'm', dims, texts: entities(0, 40), encode: retry.encode });
  assert.equal(retry.texts.length, 20);
  assert.deepEqual(out, expected(entities(0, 40)));
});

void test('an encoder returning the wrong width is an error, not a silently broken cache', async () => {
  const cacheDir = scratchDir();
  const encode = async (texts: readonly string[]): Promise<Float32Array[]> => texts.map(() => new Float32Array(dims + 1));
  await assert.rejects(embedAll({ cacheDir, modelId: 'm', dims, texts: ['a'], encode }), /9-dimensional vector; the cache expects 8/);
});

void test('many small additions are compacted into one file holding the current texts', async () => {
  const cacheDir = scratchDir();
  for (let step = 1; step <= 10; step++) {
    await embedAll({ cacheDir, modelId: 'm', dims, texts: entities(0, step * 3), encode: countingEncoder().encode });
  }
  const files = fs.readdirSync(modelCacheDir(cacheDir, 'm', dims));
  assert.ok(files.length <= 8, `files: ${files.join(', ')}`);
  const enc = countingEncoder();
  const out = await embedAll({ cacheDir, modelId: 'm', dims, texts: entities(0, 30), encode: enc.encode });
  assert.equal(enc.calls, 0);
  assert.deepEqual(out, expected(entities(0, 30)));
});
