import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LinkerError, silentLoggerFor } from './workerTestSupport';
import { headerFor, serializeAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import { startLinkerClient } from '../../../src/core/worker/linkerClient';
import { OnlineLearner } from '../../../src/core/learning/onlineLearner';
import { onlineStateFileFor, writeOnlineLearner } from '../../../src/core/training/onlineStateFile';
import { readModelLearnedState } from '../../../src/core/training/modelLearnedState';
import type { Progress } from '../../../src/core/log';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const WORKER = path.join(REPO, 'out', 'src', 'core', 'worker', 'linkerWorker.js');
const MODEL = path.join(REPO, 'models', 'use-lite', 'model.onnx');
const skip = existsSync(MODEL) ? false : `the built-in model is not built (${MODEL}); run npm run build:model`;

const KB = [
  { id: 'Q312', title: 'Apple Inc.', text: 'American technology company that makes the iPhone.', aliases: ['Apple'] },
  { id: 'Q89', title: 'apple', text: 'Edible fruit of the apple tree.', aliases: ['Apple'] },
  { id: 'Q19837', title: 'Steve Jobs', text: 'American businessman, co-founder of Apple Inc.', aliases: ['Jobs'] },
  { id: 'Q60', title: 'New York City', text: 'Most populous city in the United States.', aliases: ['New York', 'NYC'] },
  { id: 'Q99', title: 'California', text: 'State of the United States on the Pacific coast.', aliases: [] },
];
const DOCS: readonly [string, [string, string][]][] = [
  ['Steve Jobs sold the iPhone made by Apple in California.', [['Steve Jobs', 'Q19837'], ['Apple', 'Q312'], ['California', 'Q99']]],
  ['She ate an apple from the tree.', [['apple', 'Q89']]],
  ['Jobs flew from California to New York.', [['Jobs', 'Q19837'], ['California', 'Q99'], ['New York', 'Q60']]],
  ['Apple shares rose in New York.', [['Apple', 'Q312'], ['New York', 'Q60']]],
  ['NYC is far from California.', [['NYC', 'Q60'], ['California', 'Q99']]],
];

function writeWorkspace(dir: string): void {
  writeFileSync(path.join(dir, 'kb.jsonl'), KB.map((e) => JSON.stringify(e)).join('\n'));
  mkdirSync(path.join(dir, 'ws', '.entity-links'), { recursive: true });
  DOCS.forEach(([text, links], d) => {
    const name = `d${d}.txt`;
    writeFileSync(path.join(dir, 'ws', name), text);
    const records = links.map(([surface, kbId], i) => {
      const start = text.indexOf(surface);
      return { id: `${d}-${i}`, start, end: start + surface.length, text: surface, kbId, status: 'accepted' as const, candidates: [], annotator: 't', time: new Date(0).toISOString(), modelVersion: '', context: { before: '', after: '' } };
    });
    writeFileSync(path.join(dir, 'ws', '.entity-links', `${name}.jsonl`), serializeAnnotationFile(headerFor(name, text), records));
  });
}

void test('finetune in the worker: epoch progress with loss and recall, cancel leaves no folder, a full run writes one', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'el-train-'));
  writeWorkspace(dir);
  const client = await startLinkerClient(WORKER, silentLoggerFor());
  try {
    assert.equal(client.thread, 'worker');
    await client.request({ kind: 'open', options: { kbSources: [{ path: path.join(dir, 'kb.jsonl') }], packageRoot: REPO, provider: 'cpu', cacheDir: path.join(dir, 'cache') } });
    const request = { storeRoot: path.join(dir, 'ws'), negatives: 'hard' as const, numNegatives: 3, epochs: 3, seed: 3, devFraction: 0.4 };

    // Cancelled at the first epoch line: the request rejects at once, the worker stops, no folder appears.
    const cancelledDir = path.join(dir, 'models', 'cancelled');
    const controller = new AbortController();
    const cancelled = client.request({ kind: 'finetune', request: { ...request, outDir: cancelledDir } }, { signal: controller.signal, onProgress: (p) => (p.stage === 'epoch' ? controller.abort() : undefined) });
    await assert.rejects(cancelled, (e) => LinkerError.is(e, 'cancelled'));
    // Requests run one at a time in the worker, so this answers after the cancelled run has stopped.
    await client.request({ kind: 'linkSpans', text: 'Apple', spans: [{ start: 0, end: 5 }] });
    assert.equal(existsSync(cancelledDir), false);

    // What the editor learned online is folded in: its rejected forms join the folder's memory.
    const online = new OnlineLearner();
    online.observe({ document: 'd0.txt', start: 0, end: 3, text: 'She', action: 'reject', entityId: null });
    await writeOnlineLearner(onlineStateFileFor(path.join(dir, 'ws')), online.toJSON());
    const outDir = path.join(dir, 'models', 'done');
    const reports: Progress[] = [];
    const summary = await client.request({ kind: 'finetune', request: { ...request, outDir } }, { onProgress: (p) => reports.push(p) });
    // Progress arrives as data (stage, epoch, done of total, figures), not as words.
    const epochs = reports.filter((p) => p.stage === 'epoch');
    assert.ok(epochs.length >= 1, `epoch reports in ${JSON.stringify([...new Set(reports.map((p) => p.stage))])}`);
    for (const p of epochs) {
      assert.equal(p.total, 3);
      assert.equal(p.done, p.epoch);
      assert.deepEqual(Object.keys(p.figures ?? {}).sort(), ['loss', 'recall@1', 'recall@64']);
      assert.ok(Number.isFinite(p.figures?.loss) && (p.figures?.['recall@64'] ?? -1) >= 0 && (p.figures?.['recall@64'] ?? 2) <= 1);
    }
    assert.ok(reports.some((p) => p.stage === 'train' && p.epoch === 1), 'the training steps carry their epoch');
    assert.equal(summary.outDir, outDir);
    assert.equal(summary.trainMentions + summary.devMentions, DOCS.reduce((n, [, links]) => n + links.length, 0));
    const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as { parent: { path: string }; modelId: string };
    assert.equal(path.resolve(manifest.parent.path), path.join(REPO, 'models', 'use-lite'));
    assert.equal(manifest.modelId, summary.modelId);
    const learned = await readModelLearnedState(outDir);
    assert.deepEqual(learned?.memory.rejected, { she: 1 });
    assert.deepEqual(learned?.memory.forms.apple, { Q312: 2, Q89: 1 }, 'the training documents\' forms and counts (case folded)');
    assert.equal(summary.learnedDecisions, 12);
    assert.ok(summary.linker !== undefined && summary.linker.after >= 0);

    const exported = await client.request({ kind: 'exportGold', request: { storeRoot: path.join(dir, 'ws'), format: 'blink', out: path.join(dir, 'x.jsonl'), hardNegatives: 1 } });
    assert.equal(exported.mentions.total, 11);
    assert.equal(exported.kbCoverage, 1);
  } finally {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
