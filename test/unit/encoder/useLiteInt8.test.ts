import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { loadEncoder } from '../../../src/core/encoder/loadEncoder';
import { LinkerError } from '../../../src/core/errors';
import { UseLiteEncoder } from '../../../src/core/encoder/useLite/useLiteEncoder';
import { ensureUseLiteModel, precisionOfModelId, readUseLiteManifest, sha256OfFile, type UseLiteManifest } from '../../../src/core/encoder/useLite/useLiteModel';
import { silentLogger } from '../../../src/core/log';
import { dotAt } from '../../../src/core/vectorMath';

/** The int8 variant of the real USE-lite conversion: written, checked, rebuilt, loaded; each test in its own folder. */

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'entity-linker-int8-'));
  dirs.push(dir);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let dir: string;
let manifest: UseLiteManifest;
before(async () => {
  dir = freshDir();
  manifest = await ensureUseLiteModel(dir, { logger: silentLogger, precision: 'int8' });
});

const int8Of = (m: UseLiteManifest): NonNullable<UseLiteManifest['int8']> => {
  assert.ok(m.int8 !== undefined, 'the manifest lists the int8 variant');
  return m.int8;
};

void test('the int8 model is written beside the fp32 one with its own sha256, and fp32 alone does not write it', async () => {
  const int8 = int8Of(manifest);
  assert.equal(int8.file, 'model.int8.onnx');
  assert.equal(int8.from, manifest.sha256);
  assert.equal(await sha256OfFile(path.join(dir, int8.file)), int8.sha256);
  assert.notEqual(int8.sha256, manifest.sha256);
  const size = (await fs.stat(path.join(dir, int8.file))).size / (await fs.stat(path.join(dir, manifest.file))).size;
  assert.ok(size < 0.6, `int8 file is ${(100 * size).toFixed(0)}% of fp32`);
  const plain = freshDir();
  assert.equal((await ensureUseLiteModel(plain, { logger: silentLogger })).int8, undefined);
});

void test('two conversions give byte-identical int8 models', async () => {
  const again = await ensureUseLiteModel(freshDir(), { logger: silentLogger, precision: 'int8' });
  assert.equal(again.sha256, manifest.sha256);
  assert.equal(int8Of(again).sha256, int8Of(manifest).sha256);
});

void test('a damaged or missing int8 file is quantised again; an intact one is kept', async () => {
  const own = freshDir();
  const first = await ensureUseLiteModel(own, { logger: silentLogger, precision: 'int8' });
  const file = path.join(own, int8Of(first).file);
  await fs.truncate(file, 1000);
  const repaired = await ensureUseLiteModel(own, { logger: silentLogger, precision: 'int8' });
  assert.equal(await sha256OfFile(file), int8Of(repaired).sha256);
  assert.equal(int8Of(repaired).sha256, int8Of(first).sha256);
  await fs.rm(file);
  await ensureUseLiteModel(own, { logger: silentLogger, precision: 'int8' });
  assert.equal(await sha256OfFile(file), int8Of(first).sha256);
  const mtime = (await fs.stat(file)).mtimeMs;
  await ensureUseLiteModel(own, { logger: silentLogger, precision: 'int8' });
  assert.equal((await fs.stat(file)).mtimeMs, mtime, 'an intact int8 file is not rewritten');
});

void test('the int8 encoder has its own model id (caches keyed by it never mix) and stays within cosine 0.99 of fp32', async () => {
  const fp32 = await UseLiteEncoder.load(dir, { provider: 'cpu', logger: silentLogger });
  const int8 = await UseLiteEncoder.load(dir, { provider: 'cpu', logger: silentLogger, precision: 'int8' });
  try {
    assert.equal(fp32.precision, 'fp32');
    assert.equal(int8.precision, 'int8');
    assert.equal(fp32.modelId, manifest.sha256);
    assert.equal(int8.modelId, int8Of(manifest).sha256);
    const texts = ['Steve Jobs co-founded Apple.', 'An apple is a fruit.', '', 'Paris is the capital of France, a country in Western Europe.', 'x'];
    const [a, b] = [await fp32.encode(texts), await int8.encode(texts)];
    for (let i = 0; i < texts.length; i++) {
      const cosine = dotAt(a[i], 0, b[i], 0, 512);
      assert.ok(cosine >= 0.99 && cosine < 1, `text ${i}: cosine ${cosine}`);
    }
  } finally {
    await fp32.dispose();
    await int8.dispose();
  }
});

void test('loading at int8 quantises a folder that has only the fp32 model; the loader keeps precisions apart', async () => {
  const own = freshDir();
  await ensureUseLiteModel(own, { logger: silentLogger });
  const int8 = await loadEncoder(own, { provider: 'cpu', logger: silentLogger, precision: 'int8' });
  const fp32 = await loadEncoder(own, { provider: 'cpu', logger: silentLogger });
  try {
    const written = await readUseLiteManifest(own);
    assert.equal(int8.modelId, int8Of(written).sha256);
    assert.equal(fp32.modelId, written.sha256);
  } finally {
    await int8.dispose();
    await fp32.dispose();
  }
});

void test('a model id tells which precision of a folder it is (fine-tuned models pin their parent that way)', () => {
  assert.equal(precisionOfModelId(dir, manifest.sha256), 'fp32');
  assert.equal(precisionOfModelId(dir, int8Of(manifest).sha256), 'int8');
  assert.equal(precisionOfModelId(dir, 'f'.repeat(64)), undefined);
  assert.equal(precisionOfModelId(path.join(dir, 'nowhere'), manifest.sha256), undefined);
});

void test('when the int8 model cannot be written, auto runs fp32 and an explicit int8 is an error', async () => {
  const own = freshDir();
  await ensureUseLiteModel(own, { logger: silentLogger });
  // A folder in the file's place makes the write fail even for root (a read-only install in real life).
  await fs.mkdir(path.join(own, 'model.int8.onnx'));
  const auto = await UseLiteEncoder.load(own, { provider: 'cpu', logger: silentLogger, precision: 'auto' });
  try {
    assert.equal(auto.precision, 'fp32');
    assert.equal(auto.modelId, (await readUseLiteManifest(own)).sha256);
  } finally {
    await auto.dispose();
  }
  await assert.rejects(UseLiteEncoder.load(own, { provider: 'cpu', logger: silentLogger, precision: 'int8' }), (e: unknown) => LinkerError.is(e, 'modelLoad') && /int8 model could not be written/.test((e as Error).message));
});
