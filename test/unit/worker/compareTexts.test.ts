import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { APPLE_KB, LinkerError, REPO, silentLoggerFor, skipWithoutModel, WORKER } from './workerTestSupport';
import { startLinkerClient } from '../../../src/core/worker/linkerClient';

void test('compareTexts is answered by the worker with the session encoder: Apple the company ranks above the fruit', { skip: skipWithoutModel }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'el-compare-'));
  const client = await startLinkerClient(WORKER, silentLoggerFor());
  try {
    const mention = 'Steve Jobs co-founded Apple';
    await assert.rejects(client.request({ kind: 'compareTexts', mention, entity: 'x' }), (e: unknown) => LinkerError.is(e, 'usage'), 'no session is open yet');
    const kb = path.join(dir, 'kb.jsonl');
    writeFileSync(kb, APPLE_KB.map((e) => JSON.stringify(e)).join('\n'));
    const info = await client.request({ kind: 'open', options: { kbSources: [{ path: kb }], packageRoot: REPO, provider: 'cpu', cacheDir: path.join(dir, 'cache') } });
    const company = await client.request({ kind: 'compareTexts', mention, entity: 'Apple Inc. is an American technology company' });
    const fruit = await client.request({ kind: 'compareTexts', mention, entity: 'The apple is the edible fruit of the apple tree' });
    assert.ok(company.cosine > fruit.cosine, `cosine(company) ${company.cosine} should exceed cosine(fruit) ${fruit.cosine}`);
    assert.ok(company.cosine <= 1 + 1e-5 && fruit.cosine >= -1 - 1e-5, 'cosines of unit vectors lie in [-1, 1]');
    assert.deepEqual([company.provider, company.dims], [info.provider, info.dims], 'the session encoder answered');
    const same = await client.request({ kind: 'compareTexts', mention, entity: mention });
    assert.ok(Math.abs(same.cosine - 1) < 1e-4, `a text compared with itself under a symmetric model scores 1 (got ${same.cosine})`);
  } finally {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
