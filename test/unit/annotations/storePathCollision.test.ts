import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AnnotationStore } from '../../../src/core/annotations/annotationStore';
import { parseAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import { LinkerError } from '../../../src/core/errors';
import { tempStore } from './annotationTestKit';

// The shared file of a document in a workspace folder named "@bob" (`.entity-links/@bob/notes.txt.jsonl`) is
// also annotator bob's own file of notes.txt. Opening notes.txt as bob took the other document's file for a
// moved one ("opened as notes.txt (moved?)"), re-anchored its labels into notes.txt and the next save wrote them
// under notes.txt's header: the labels of @bob/notes.txt were gone from their file.

const AT_DOC = 'Grace Hopper wrote the first compiler.\n';
const NOTES = 'Ada Lovelace met Babbage in London.\n';

void test('a store file that belongs to another document by the same path (a workspace folder named @<annotator>) is refused, never taken over', async () => {
  const shared = tempStore();
  try {
    const doc = await shared.store.open('@bob/notes.txt', AT_DOC);
    doc.add({ start: 0, end: 12, kbId: 'Q11641' });
    await doc.save();
    const before = readFileSync(doc.file, 'utf8');
    const bob = new AnnotationStore({ workspaceRoot: shared.root, annotator: 'bob', ownFiles: true });
    assert.equal(bob.fileFor('notes.txt'), doc.file, 'the two layouts name the same file');
    const err = await bob.open('notes.txt', NOTES).then(() => assert.fail('took over the file of @bob/notes.txt'), (e: unknown) => e);
    assert.ok(LinkerError.is(err, 'annotationCorrupt'), String(err));
    assert.match(err.message, /holds the labels of @bob\/notes\.txt/);
    assert.equal(readFileSync(doc.file, 'utf8'), before, 'the file is untouched');
    assert.equal(parseAnnotationFile(before, doc.file).records[0].kbId, 'Q11641');
    // The other way round: bob's own file of notes.txt is not opened as the shared file of @bob/notes.txt.
    const other = tempStore();
    try {
      const bobStore = new AnnotationStore({ workspaceRoot: other.root, annotator: 'bob', ownFiles: true });
      const own = await bobStore.open('notes.txt', NOTES);
      own.add({ start: 0, end: 12, kbId: 'Q7259' });
      await own.save();
      await assert.rejects(other.store.open('@bob/notes.txt', AT_DOC), (e: unknown) => LinkerError.is(e, 'annotationCorrupt') && /holds the labels of notes\.txt/.test(e.message));
      assert.equal(parseAnnotationFile(readFileSync(own.file, 'utf8'), own.file).header.document, 'notes.txt');
    } finally {
      other.cleanup();
    }
  } finally {
    shared.cleanup();
  }
});

void test('a store file moved with its document (header naming the old path) is still opened and saved under the new path', async () => {
  const { root, store, cleanup } = tempStore();
  try {
    const doc = await store.open('old/notes.txt', NOTES);
    doc.add({ start: 0, end: 12, kbId: 'Q7259' });
    await doc.save();
    const moved = new AnnotationStore({ workspaceRoot: root });
    const { renameSync, mkdirSync } = await import('node:fs');
    mkdirSync(moved.fileFor('new/notes.txt').replace(/notes\.txt\.jsonl$/, ''), { recursive: true });
    renameSync(doc.file, moved.fileFor('new/notes.txt'));
    const reopened = await moved.open('new/notes.txt', NOTES);
    assert.deepEqual(reopened.records.map((r) => r.kbId), ['Q7259']);
  } finally {
    cleanup();
  }
});
