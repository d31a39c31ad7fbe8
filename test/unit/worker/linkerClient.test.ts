import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LinkerError, silentLoggerFor } from './workerTestSupport';
import type { LinkedMention } from '../../../src/core/linker/types';
import { InProcessLinkerClient, type LinkerClient, startLinkerClient } from '../../../src/core/worker/linkerClient';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const WORKER = path.join(REPO, 'out', 'src', 'core', 'worker', 'linkerWorker.js');
const MODEL = path.join(REPO, 'models', 'use-lite', 'model.onnx');
const skip = existsSync(MODEL) ? false : `the built-in model is not built (${MODEL}); run npm run build:model`;

const KB = [
  { id: 'Q312', title: 'Apple Inc.', text: 'American technology company that makes the iPhone.', aliases: ['Apple'], type: 'organization' },
  { id: 'Q89', title: 'apple', text: 'Edible fruit of the apple tree.', aliases: ['Apple'], type: 'fruit' },
  { id: 'Q19837', title: 'Steve Jobs', text: 'American businessman, co-founder of Apple Inc.', aliases: ['Jobs'], type: 'person' },
  { id: 'Q60', title: 'New York City', text: 'Most populous city in the United States.', aliases: ['New York', 'NYC', 'NY'], type: 'city' },
];
const TEXT = 'Steve Jobs co-founded Apple in California.\n\nHe later moved to New York.';

async function withClient(make: (dir: string) => Promise<LinkerClient>, body: (client: LinkerClient) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'el-worker-'));
  const kb = path.join(dir, 'kb.jsonl');
  writeFileSync(kb, KB.map((e) => JSON.stringify(e)).join('\n'));
  const client = await make(dir);
  try {
    await client.request({ kind: 'open', options: { kbSources: [{ path: kb }], packageRoot: REPO, provider: 'cpu', cacheDir: path.join(dir, 'cache') } });
    await body(client);
  } finally {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('the linker runs in a worker thread: open, link, re-link a changed paragraph, search, entities', { skip }, async () => {
  await withClient(async () => startLinkerClient(WORKER, silentLoggerFor()), async (client) => {
    assert.equal(client.thread, 'worker');
    const first = await client.request({ kind: 'linkDocument', key: 'doc', text: TEXT });
    // Which Apple wins depends on the model; the unambiguous names must link to their entity.
    assert.deepEqual(first.map((m) => m.text), ['Steve Jobs', 'Apple', 'New York']);
    assert.deepEqual([first[0].candidates[0]?.id, first[2].candidates[0]?.id], ['Q19837', 'Q60']);
    assert.deepEqual(first[1].candidates.map((c) => c.id).slice(0, 2).sort(), ['Q312', 'Q89']);
    const edited = `Hi. ${TEXT}`;
    const second = await client.request({ kind: 'linkDocument', key: 'doc', text: edited });
    assert.deepEqual(second.map((m) => [m.start, m.end]), first.map((m) => [m.start + 4, m.end + 4]));
    const hits = await client.request({ kind: 'searchKb', query: 'New Yor', limit: 5 });
    assert.equal(hits[0]?.id, 'Q60', 'the last word matches as a prefix');
    const short = await client.request({ kind: 'searchKb', query: 'NY', limit: 5 });
    assert.equal(short[0]?.id, 'Q60', 'a two-letter word matches whole names');
    const entities = await client.request({ kind: 'entities', ids: ['Q89', 'nope'] });
    assert.equal(entities[0]?.title, 'apple');
    assert.equal(entities[1], null);
  });
});

async function withClientResult(make: (dir: string) => Promise<LinkerClient>): Promise<LinkedMention[]> {
  let out: LinkedMention[] = [];
  await withClient(make, async (client) => {
    out = await client.request({ kind: 'linkDocument', text: TEXT });
  });
  return out;
}

void test('a cancelled request rejects with a cancelled LinkerError and the worker keeps serving', { skip }, async () => {
  await withClient(async () => startLinkerClient(WORKER, silentLoggerFor()), async (client) => {
    const controller = new AbortController();
    const pending = client.request({ kind: 'linkDocument', text: TEXT.repeat(200) }, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (e) => LinkerError.is(e, 'cancelled'));
    const after = await client.request({ kind: 'linkDocument', text: TEXT });
    assert.equal(after.length, 3);
  });
});

void test('errors cross the thread boundary with their reason', { skip }, async () => {
  const client = await startLinkerClient(WORKER, silentLoggerFor());
  try {
    await assert.rejects(client.request({ kind: 'linkDocument', text: 'x' }), (e) => LinkerError.is(e, 'usage') && /No linking session/.test(e.message));
  } finally {
    await client.dispose();
  }
});

void test('without a worker script the client falls back to the calling thread with the same behaviour', { skip }, async () => {
  const client = await startLinkerClient(path.join(REPO, 'no-such-worker.js'), silentLoggerFor());
  assert.ok(client instanceof InProcessLinkerClient);
  await client.dispose();
  await withClient(async () => new InProcessLinkerClient(silentLoggerFor()), async (inProcess) => {
    const mentions = await inProcess.request({ kind: 'linkDocument', text: TEXT });
    const viaWorker = await withClientResult(async () => startLinkerClient(WORKER, silentLoggerFor()));
    assert.deepEqual(mentions.map((m) => [m.start, m.end, m.candidates.map((c) => c.id)]), viaWorker.map((m) => [m.start, m.end, m.candidates.map((c) => c.id)]), 'the same result on either thread');
  });
});

void test('a worker that dies rejects what is in flight and reports itself dead, so its owner can start another', { skip }, async () => {
  const client = await startLinkerClient(WORKER, silentLoggerFor());
  assert.equal(client.alive, true);
  const rejected = assert.rejects(client.request({ kind: 'ping' }), (e) => LinkerError.is(e));
  await client.dispose();
  await rejected;
  assert.equal(client.alive, false);
  await assert.rejects(client.request({ kind: 'ping' }), (e) => LinkerError.is(e));
});
