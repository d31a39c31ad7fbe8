import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LinkerError } from '../../../src/core/errors';
import { loadSomModel, saveSomModel, somModelFromJson, somModelToJson } from '../../../src/core/som/somModelFile';
import type { SomModel } from '../../../src/core/som/somModelFile';

const MODEL: SomModel = {
  inDims: 3,
  outDims: 2,
  maxTokens: 32,
  scale: 20,
  mixWeight: 1.5,
  source: 'test',
  mention: Float32Array.from([0.5, -1, 2, 0.25, 0, 3]),
  entity: Float32Array.from([1, 2, 3, 4, 5, 6]),
};

void test('save then load gives back the same model', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'som-'));
  const file = path.join(dir, 'som.json');
  await saveSomModel(file, MODEL);
  const back = loadSomModel(file);
  assert.deepEqual({ ...back, mention: Array.from(back.mention), entity: Array.from(back.entity) }, { ...MODEL, mention: Array.from(MODEL.mention), entity: Array.from(MODEL.entity) });
  fs.rmSync(dir, { recursive: true });
});

void test('a malformed file is a modelLoad error naming the file and the field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'som-'));
  const file = path.join(dir, 'som.json');
  fs.writeFileSync(file, '{"format": "entity-linker-som", ');
  assert.throws(() => loadSomModel(file), (e: unknown) => LinkerError.is(e, 'modelLoad') && e.message.includes(file) && /not valid JSON/.test(e.message));
  const short = { ...somModelToJson(MODEL), entity: [1, 2, 3] };
  assert.throws(() => somModelFromJson(short, file), (e: unknown) => LinkerError.is(e, 'modelLoad') && e.message.includes(file) && /"entity" holds 3 numbers, expected outDims x inDims = 6/.test(e.message));
  assert.throws(() => somModelFromJson({ ...somModelToJson(MODEL), mention: [0, 0, 0, 'x', 0, 0] }, file), /"mention"\[3\] is "x"/);
  assert.throws(() => somModelFromJson({ ...somModelToJson(MODEL), version: 2 }, file), /this build reads version 1/);
  assert.throws(() => loadSomModel(path.join(dir, 'absent.json')), (e: unknown) => LinkerError.is(e, 'modelMissing') && e.message.includes('absent.json'));
  fs.rmSync(dir, { recursive: true });
});
