import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { AnnotatorMemory } from '../../../src/core/learning/annotatorMemory';
import type { LearnedState } from '../../../src/core/learning/learnedState';
import { LEARNED_FILE, mergeMemories, readModelLearnedState, stackLearnedStates } from '../../../src/core/training/modelLearnedState';

function memory(decisions: [string, 'accept' | 'nil' | 'reject', string | null][]): AnnotatorMemory {
  const m = new AnnotatorMemory();
  for (const [text, action, entityId] of decisions) m.observe({ text, action, entityId });
  return m;
}

void test('learned states stack: memories add up, names unite, the online weights win', () => {
  const model = memory([['Waterfford', 'accept', 'Q1'], ['Waterfford', 'accept', 'Q1'], ['The', 'reject', null]]);
  const online = memory([['Cittye of Waterfford', 'accept', 'Q1'], ['waterfford', 'accept', 'Q2'], ['The', 'reject', null]]);
  const merged = AnnotatorMemory.fromJSON(mergeMemories(model.toJSON(), online.toJSON()));
  assert.deepEqual(merged.entitiesFor('WATERFFORD'), ['Q1', 'Q2']);
  assert.equal(merged.prior('Waterfford', 'Q1'), 2 / 4);
  assert.deepEqual([...merged.namesOf('Q1')], ['Waterfford', 'Cittye of Waterfford']);
  assert.equal(merged.rejectedCount('the'), 2);

  const weights = { version: 2 as const, weights: { dense: 1 }, source: 'online' };
  const base: LearnedState = { version: 1, memory: model.toJSON(), decisions: 3 };
  const top: LearnedState = { version: 1, memory: online.toJSON(), decisions: 3, weights };
  const stacked = stackLearnedStates(base, top)!;
  assert.equal(stacked.decisions, 6);
  assert.equal(stacked.weights, weights);
  assert.equal(stackLearnedStates(base, undefined), base);
  assert.equal(stackLearnedStates(undefined, top), top);
});

void test('a model folder without learned.json has no learned state; a damaged one is an error naming the file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'el-learned-'));
  try {
    assert.equal(await readModelLearnedState(dir), undefined);
    const state: LearnedState = { version: 1, memory: memory([['Apple', 'accept', 'Q312']]).toJSON(), decisions: 1 };
    writeFileSync(path.join(dir, LEARNED_FILE), JSON.stringify(state));
    assert.deepEqual((await readModelLearnedState(dir))?.memory.forms, { apple: { Q312: 1 } });
    writeFileSync(path.join(dir, LEARNED_FILE), '{"version": 1, "memory": ');
    await assert.rejects(readModelLearnedState(dir), (e) => LinkerError.is(e, 'inputFormat') && e.location.file === path.join(dir, LEARNED_FILE));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('stacked memories keep the annotation conventions\' judgements (a folded online state does not forget what the annotator skips)', () => {
  const reject = (text: string, shown: string) => ({ text, action: 'reject' as const, entityId: null, mention: { start: 0, end: text.length, text, candidates: [{ id: shown, title: shown, score: 1, probability: 0.9, signals: { retrievedBy: ['dense' as const] } }], nil: false, margin: 1, hardNegatives: [] } });
  const model = new AnnotatorMemory();
  model.observe(reject('Nobel Prize', 'Q7191'));
  const online = new AnnotatorMemory();
  online.observe(reject('Nobel Prize', 'Q7191'));
  online.observe({ text: 'Paris', action: 'accept', entityId: 'Q90' });
  const merged = AnnotatorMemory.fromJSON(mergeMemories(model.toJSON(), online.toJSON()));
  const byKey = new Map(merged.judgements().map((j) => [`${j.surface}|${j.entityId}`, j]));
  assert.equal(byKey.get('Nobel Prize|Q7191')?.skipped, 2, 'both rejections of the award are kept');
  assert.equal(byKey.get('Paris|Q90')?.annotated, 1);
});
