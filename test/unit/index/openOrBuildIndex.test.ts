import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Logger } from '../../../src/core/log';
import { openOrBuildIndex, type OpenOrBuildIndexOptions } from '../../../src/core/index/openOrBuildIndex';
import { clusteredVectors, queriesNear } from './clusteredVectors';

const scratch: string[] = [];
function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-index-'));
  scratch.push(dir);
  return dir;
}
after(() => {
  for (const dir of scratch) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const dims = 16;
const vectors = clusteredVectors({ n: 400, dims, clusters: 10, spread: 0.5, seed: 3 });
const query = queriesNear(vectors, dims, 1, 0.1, 4);

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string | Error) => lines.push(`${level}: ${String(m)}`);
  return { lines, trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

function base(dir: string, kind: 'exact' | 'hnsw'): OpenOrBuildIndexOptions {
  return { dir, kind, dims, vectors, modelId: 'model-a', kbHash: 'kb-1', templateId: 'tpl-1', params: { m: 8, efConstruction: 50, efSearch: 40 } };
}

for (const kind of ['exact', 'hnsw'] as const) {
  void test(`${kind}: build, then reopen from disk with identical results and a complete manifest`, async () => {
    const dir = scratchDir();
    const first = await openOrBuildIndex(base(dir, kind));
    assert.equal(first.action, 'built');
    assert.equal(first.problem?.kind, 'missing');
    assert.equal(first.persisted, true);
    let embedCalls = 0;
    const second = await openOrBuildIndex({
      ...base(dir, kind),
      vectors: async () => {
        embedCalls++;
        return vectors;
      },
    });
    assert.equal(second.action, 'opened');
    assert.equal(embedCalls, 0, 'opening a valid index must not ask for vectors');
    assert.equal(second.index.kind, kind);
    assert.equal(second.index.size, 400);
    assert.deepEqual(second.index.search(query, 10), first.index.search(query, 10));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['version', 'kind', 'dims', 'metric', 'params', 'size', 'modelId', 'kbHash', 'templateId', 'createdAt', 'files']) {
      assert.ok(key in manifest, `manifest lacks ${key}`);
    }
    const files = manifest.files as Record<string, { sha256: string; bytes: number }>;
    const [name] = Object.keys(files);
    assert.match(files[name!]!.sha256, /^[0-9a-f]{64}$/);
    assert.equal(files[name!]!.bytes, fs.statSync(path.join(dir, name!)).size);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left behind');
  });

  void test(`${kind}: a different modelId makes the index stale and it is rebuilt, saying why`, async () => {
    const dir = scratchDir();
    await openOrBuildIndex(base(dir, kind));
    const logger = recordingLogger();
    const result = await openOrBuildIndex({ ...base(dir, kind), modelId: 'model-b', logger });
    assert.equal(result.action, 'built');
    assert.equal(result.problem?.kind, 'stale');
    assert.match(result.problem!.message, /modelId changed/);
    assert.ok(logger.lines.some((l) => l.startsWith('info') && l.includes('modelId changed')));
    const again = await openOrBuildIndex({ ...base(dir, kind), modelId: 'model-b' });
    assert.equal(again.action, 'opened');
    assert.equal(again.manifest.modelId, 'model-b');
  });

  void test(`${kind}: a truncated data file is detected, named, and rebuilt instead of crashing`, async () => {
    const dir = scratchDir();
    const built = await openOrBuildIndex(base(dir, kind));
    const name = Object.keys(built.manifest.files)[0]!;
    const file = path.join(dir, name);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const logger = recordingLogger();
    const result = await openOrBuildIndex({ ...base(dir, kind), logger });
    assert.equal(result.action, 'built');
    assert.equal(result.problem?.kind, 'corrupt');
    assert.equal(result.problem?.file, file);
    assert.ok(logger.lines.some((l) => l.startsWith('warn') && l.includes(file)), logger.lines.join('\n'));
    assert.equal((await openOrBuildIndex(base(dir, kind))).action, 'opened');
  });

  void test(`${kind}: a flipped byte (same length) fails the checksum and is rebuilt`, async () => {
    const dir = scratchDir();
    const built = await openOrBuildIndex(base(dir, kind));
    const file = path.join(dir, Object.keys(built.manifest.files)[0]!);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 5]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    const result = await openOrBuildIndex(base(dir, kind));
    assert.equal(result.problem?.kind, 'corrupt');
    assert.match(result.problem!.message, /checksum/);
    assert.ok(result.problem!.message.includes(file));
  });
}

void test('a garbled manifest is reported as corrupt and rebuilt', async () => {
  const dir = scratchDir();
  await openOrBuildIndex(base(dir, 'exact'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), '{"version": 1, "kind": ');
  const result = await openOrBuildIndex(base(dir, 'exact'));
  assert.equal(result.problem?.kind, 'corrupt');
  assert.match(result.problem!.message, /manifest\.json is not valid JSON/);
});

void test('changing efSearch reuses the graph; changing M rebuilds it; switching kind removes the old data file', async () => {
  const dir = scratchDir();
  await openOrBuildIndex(base(dir, 'hnsw'));
  const ef = await openOrBuildIndex({ ...base(dir, 'hnsw'), params: { m: 8, efConstruction: 50, efSearch: 200 } });
  assert.equal(ef.action, 'opened');
  const m = await openOrBuildIndex({ ...base(dir, 'hnsw'), params: { m: 12, efConstruction: 50, efSearch: 40 } });
  assert.equal(m.action, 'built');
  assert.match(m.problem!.message, /params\.m changed/);
  const exact = await openOrBuildIndex(base(dir, 'exact'));
  assert.match(exact.problem!.message, /index kind changed/);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['manifest.json', 'vectors.f32', 'verified.json']);
});

void test('a KB whose size changed (known from eager vectors) is stale', async () => {
  const dir = scratchDir();
  await openOrBuildIndex(base(dir, 'exact'));
  const result = await openOrBuildIndex({ ...base(dir, 'exact'), vectors: vectors.subarray(0, 100 * dims) });
  assert.equal(result.action, 'built');
  assert.match(result.problem!.message, /size changed/);
  assert.equal(result.index.size, 100);
});
