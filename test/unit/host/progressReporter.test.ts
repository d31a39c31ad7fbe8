import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressReporter, stageWords, timeLeft } from '../../../src/host/progressReporter';

void test('stage names read as words; unknown ones pass through', () => {
  assert.equal(stageWords('encode-mentions'), 'Encoding mentions');
  assert.equal(stageWords('Encoding entities'), 'Embedding KB entities');
  assert.equal(stageWords('epoch 2: train'), 'epoch 2: training');
  assert.equal(stageWords('Building HNSW index'), 'Building HNSW index');
});

void test('time left comes from the rate so far, only once it means something', () => {
  assert.equal(timeLeft(10, 1000, 1000), undefined, 'too early');
  assert.equal(timeLeft(100, 1000, 10_000), 'about 2 min left');
  assert.equal(timeLeft(500, 1000, 20_000), 'about 20 s left');
  assert.equal(timeLeft(100, 100_000, 60_000), undefined, 'under 2 % done');
  assert.equal(timeLeft(2000, 100_000, 300_000), 'about 4.1 h left');
  assert.equal(timeLeft(1000, 1000, 60_000), undefined, 'done');
});

void test('reports done / total with separators, the time left, and increments that restart per stage', () => {
  const reports: { message?: string; increment?: number }[] = [];
  let clock = 0;
  const report = progressReporter({ report: (r) => reports.push(r) }, () => clock);
  report({ stage: 'Encoding entities', done: 0, total: 82_000 });
  clock = 30_000;
  report({ stage: 'Encoding entities', done: 20_500, total: 82_000 });
  report({ stage: 'Building HNSW index', done: 41_000, total: 82_000 });
  assert.deepEqual(reports.map((r) => r.message), ['Embedding KB entities: 0 / 82,000', 'Embedding KB entities: 20,500 / 82,000 · about 2 min left', 'Building HNSW index: 41,000 / 82,000']);
  assert.deepEqual(reports.map((r) => r.increment), [0, 25, 50]);
});

void test('fine-tuning progress arrives as data and is put into words here: the stage under its epoch, a finished epoch with its figures', () => {
  const reports: { message?: string; increment?: number }[] = [];
  const report = progressReporter({ report: (r) => reports.push(r) }, () => 0);
  report({ stage: 'train', epoch: 2, done: 16, total: 32 });
  report({ stage: 'evaluate', epoch: 2, done: 0, total: 10 });
  report({ stage: 'epoch', epoch: 2, done: 2, total: 4, figures: { loss: 0.12345, 'recall@64': 0.85, 'recall@1': 0.6 } });
  assert.deepEqual(reports.map((r) => r.message), [
    'epoch 2: training: 16 / 32',
    'epoch 2: evaluating on dev: 0 / 10',
    'epoch 2 finished: loss 0.1235, dev recall@64 85.0%, dev recall@1 60.0%: 2 / 4',
  ]);
  assert.deepEqual(reports.map((r) => r.increment), [50, 0, 50], 'each stage restarts its bar');
});
