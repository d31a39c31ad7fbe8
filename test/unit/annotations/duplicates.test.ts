import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import { LinkerError } from '../../../src/core/errors';
import { SAMPLE, span, tempStore } from './annotationTestKit';

void test('declareDuplicate: stored on the record, saved and read back, one undoable step', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('notes.txt', SAMPLE);
    const id = doc.add({ ...span(SAMPLE, 'Babbage', 1), kbId: 'Q46633', title: 'Charles Babbage' });
    const before = doc.get(id);
    doc.declareDuplicate(id, 'Q999');
    doc.declareDuplicate(id, 'Q999'); // a second declaration of the same id changes nothing
    assert.deepEqual(doc.get(id)?.duplicateIds, ['Q999']);
    assert.equal(doc.get(id)?.status, before?.status);
    await doc.save();
    const parsed = parseAnnotationFile(await import('node:fs/promises').then((fs) => fs.readFile(doc.file, 'utf8')), doc.file);
    assert.deepEqual(parsed.records[0].duplicateIds, ['Q999']);
    assert.equal(doc.undo(), true);
    assert.equal(doc.get(id)?.duplicateIds, undefined);
    assert.equal(doc.redo(), true);
    assert.deepEqual(doc.get(id)?.duplicateIds, ['Q999']);
  } finally {
    cleanup();
  }
});

void test('declareDuplicate refuses a record without a label and the label itself', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('notes.txt', SAMPLE);
    const nil = doc.add({ ...span(SAMPLE, 'London'), kbId: null, status: 'nil' });
    assert.throws(() => doc.declareDuplicate(nil, 'Q84'), (e: unknown) => LinkerError.is(e, 'usage'));
    const ada = doc.add({ ...span(SAMPLE, 'Ada Lovelace'), kbId: 'Q7259' });
    assert.throws(() => doc.declareDuplicate(ada, 'Q7259'), (e: unknown) => LinkerError.is(e, 'usage'));
  } finally {
    cleanup();
  }
});

void test('relinking to another entity drops the duplicates declared of the old label; re-accepting keeps them', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('notes.txt', SAMPLE);
    const id = doc.add({ ...span(SAMPLE, 'Babbage', 1), kbId: 'Q46633' });
    doc.declareDuplicate(id, 'Q999');
    doc.accept(id);
    assert.deepEqual(doc.get(id)?.duplicateIds, ['Q999']);
    doc.relink(id, 'Q1');
    assert.equal(doc.get(id)?.duplicateIds, undefined);
    doc.undo();
    assert.deepEqual(doc.get(id)?.duplicateIds, ['Q999']);
  } finally {
    cleanup();
  }
});

void test('a malformed duplicateIds field is a corrupt file', () => {
  const header = JSON.stringify({ kind: 'header', version: 1, document: 'a.txt', contentHash: '0'.repeat(64), length: 3 });
  const record = JSON.stringify({ kind: 'annotation', id: 'x', start: 0, end: 1, text: 'a', kbId: 'Q1', status: 'accepted', candidates: [], annotator: 'u', time: 't', modelVersion: '', context: { before: '', after: '' }, duplicateIds: [1] });
  assert.throws(() => parseAnnotationFile(`${header}\n${record}\n`, 'a.jsonl'), (e: unknown) => LinkerError.is(e, 'annotationCorrupt') && /duplicateIds/.test(e.message));
});
