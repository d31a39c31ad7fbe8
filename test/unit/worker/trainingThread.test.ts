import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { APPLE_KB, LinkerError, REPO, WORKER, silentLoggerFor, skipWithoutModel } from './workerTestSupport';
import { headerFor, serializeAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import { TwoThreadLinkerClient, WorkerLinkerClient } from '../../../src/core/worker/linkerClient';

const skip = skipWithoutModel;

const KB = [...APPLE_KB, { id: 'Q60', title: 'New York City', text: 'Most populous city in the United States.', aliases: ['New York', 'NYC'] }];
const SENTENCES: readonly [string, [string, string][]][] = [
  ['Steve Jobs sold the iPhone made by Apple', [['Steve Jobs', 'Q19837'], ['Apple', 'Q312']]],
  ['She ate an apple from the tree', [['apple', 'Q89']]],
  ['Jobs flew to New York', [['Jobs', 'Q19837'], ['New York', 'Q60']]],
];

/** A store of `docs` documents (numbered sentences, so every mention text differs and is encoded). */
function writeWorkspace(dir: string, docs: number): string {
  writeFileSync(path.join(dir, 'kb.jsonl'), KB.map((e) => JSON.stringify(e)).join('\n'));
  const ws = path.join(dir, 'ws');
  mkdirSync(path.join(ws, '.entity-links'), { recursive: true });
  for (let d = 0; d < docs; d++) {
    const [sentence, links] = SENTENCES[d % SENTENCES.length]!;
    const text = `${sentence} on day ${d}.`;
    const name = `d${d}.txt`;
    writeFileSync(path.join(ws, name), text);
    const records = links.map(([surface, kbId], i) => {
      const start = text.indexOf(surface);
      return { id: `${d}-${i}`, start, end: start + surface.length, text: surface, kbId, status: 'accepted' as const, candidates: [], annotator: 't', time: new Date(0).toISOString(), modelVersion: '', context: { before: '', after: '' } };
    });
    writeFileSync(path.join(ws, '.entity-links', `${name}.jsonl`), serializeAnnotationFile(headerFor(name, text), records));
  }
  return ws;
}

void test('linking is answered while a fine-tune runs (training has its own thread), and the idle training thread stops', { skip, timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'el-train-thread-'));
  const ws = writeWorkspace(dir, 240);
  const logger = silentLoggerFor();
  const client = new TwoThreadLinkerClient(new WorkerLinkerClient(WORKER, logger), () => new WorkerLinkerClient(WORKER, logger), 300);
  try {
    await client.request({ kind: 'open', options: { kbSources: [{ path: path.join(dir, 'kb.jsonl') }], packageRoot: REPO, provider: 'cpu', cacheDir: path.join(dir, 'cache') } });
    await client.request({ kind: 'linkSpans', text: 'Apple', spans: [{ start: 0, end: 5 }] });
    const controller = new AbortController();
    let training = false;
    let finished = false;
    const started = new Promise<void>((resolve) => {
      const finetune = client.request(
        { kind: 'finetune', request: { storeRoot: ws, outDir: path.join(dir, 'model'), negatives: 'hard', numNegatives: 3, epochs: 50, seed: 1 } },
        { signal: controller.signal, onProgress: (p) => {
          if (/encode|mine|train/.test(p.stage) && !training) {
            training = true;
            resolve();
          }
        } },
      );
      finetune.then(() => (finished = true), () => (finished = true));
      void assert.rejects(finetune, (e) => LinkerError.is(e, 'cancelled'));
    });
    await started;
    assert.equal(client.trainingThreadRunning, true);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const [linked] = await client.request({ kind: 'linkSpans', text: `Steve Jobs and Apple, take ${i}`, spans: [{ start: 0, end: 10 }] });
      delays.push(performance.now() - t);
      assert.equal(linked?.candidates[0]?.id, 'Q19837');
    }
    assert.equal(finished, false, `links were answered only after the fine-tune ended (${delays.map((d) => d.toFixed(0)).join(', ')} ms)`);
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(client.trainingThreadRunning, false, 'the idle training thread was stopped');
    // A later training request starts a new training thread with the same session.
    const exported = await client.request({ kind: 'exportGold', request: { storeRoot: ws, format: 'nif', out: path.join(dir, 'x.ttl'), hardNegatives: 0 } });
    assert.equal(exported.mentions.total, 400);
  } finally {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
