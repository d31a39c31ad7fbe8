import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type AnnotationChangeEvent } from '../../../src/core/annotations/documentAnnotations';
import { parseAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import { LinkerError } from '../../../src/core/errors';
import { SAMPLE, span, tempStore } from './annotationTestKit';

const candidates = [
  { id: 'Q46633', title: 'Charles Babbage', score: 0.91 },
  { id: 'Q999', title: 'Babbage (crater)', score: 0.42 },
];

void test('files mirror the workspace tree under .entity-links and read back after a save', async () => {
  const { store, root, cleanup } = tempStore();
  try {
    assert.equal(store.fileFor('docs/ch1/a.md'), path.join(root, '.entity-links', 'docs', 'ch1', 'a.md.jsonl'));
    assert.throws(() => store.fileFor('../outside.txt'), /not inside the workspace/);
    const doc = await store.open('docs/ch1/a.md', SAMPLE);
    assert.equal(doc.dirty, false);
    const id = doc.add({ ...span(SAMPLE, 'Babbage', 1), candidates, modelVersion: 'use-lite@1' });
    assert.equal(doc.get(id)!.status, 'suggested');
    assert.equal(doc.dirty, true);
    await doc.save();
    assert.equal(doc.dirty, false);
    const file = store.fileFor('docs/ch1/a.md');
    const { header, records } = parseAnnotationFile(readFileSync(file, 'utf8'), file);
    assert.equal(header.document, 'docs/ch1/a.md');
    assert.equal(header.length, SAMPLE.length);
    assert.deepEqual(records.map((r) => [r.text, r.status, r.candidates.length, r.modelVersion, r.annotator, r.time]), [['Babbage', 'suggested', 2, 'use-lite@1', 'tester', '2026-01-02T03:04:05.000Z']]);
    assert.deepEqual(records[0].context, { before: SAMPLE.slice(span(SAMPLE, 'Babbage', 1).start - 32, span(SAMPLE, 'Babbage', 1).start), after: ' designed the engine.' });
    assert.deepEqual(readdirSync(path.dirname(file)), ['a.md.jsonl'], 'no temp file left behind');
    store.close('docs/ch1/a.md');
    const again = await store.open('docs/ch1/a.md', SAMPLE);
    assert.deepEqual(again.records, records);
  } finally {
    cleanup();
  }
});

void test('every action is undoable and redoable, and emits a change event', async () => {
  const { store, cleanup } = tempStore('alice');
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const events: AnnotationChangeEvent[] = [];
    const off = doc.onDidChange((e) => events.push(e));
    const id = doc.add({ ...span(SAMPLE, 'Charles Babbage'), candidates, annotator: 'model' });
    const states: string[] = [];
    const state = (): string => JSON.stringify(doc.records);
    states.push(state());
    doc.accept(id);
    assert.deepEqual([doc.get(id)!.kbId, doc.get(id)!.title, doc.get(id)!.status, doc.get(id)!.annotator], ['Q46633', 'Charles Babbage', 'accepted', 'alice']);
    states.push(state());
    doc.relink(id, 'Q999');
    assert.equal(doc.get(id)!.title, 'Babbage (crater)');
    states.push(state());
    doc.markNil(id);
    assert.deepEqual([doc.get(id)!.kbId, doc.get(id)!.status, doc.get(id)!.title], [null, 'nil', undefined]);
    states.push(state());
    doc.reject(id);
    states.push(state());
    doc.setSpan(id, span(SAMPLE, 'Babbage').start, span(SAMPLE, 'Babbage').end);
    assert.equal(doc.get(id)!.text, 'Babbage');
    states.push(state());
    doc.remove(id);
    assert.equal(doc.records.length, 0);
    states.push(state());
    for (let i = states.length - 2; i >= 0; i--) {
      assert.equal(doc.undo(), true);
      assert.equal(state(), states[i], `undo to state ${i}`);
    }
    assert.equal(doc.undo(), true, 'the add itself');
    assert.equal(doc.records.length, 0);
    assert.equal(doc.undo(), false);
    assert.equal(doc.redo(), true);
    for (let i = 1; i < states.length; i++) {
      assert.equal(doc.redo(), true);
      assert.equal(state(), states[i], `redo to state ${i}`);
    }
    assert.equal(doc.redo(), false);
    doc.undo();
    doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84' });
    assert.equal(doc.canRedo, false, 'a new action clears redo');
    assert.deepEqual(new Set(events.map((e) => e.kind)), new Set(['action', 'undo', 'redo']));
    assert.ok(events.every((e) => e.document === 'a.txt' && e.ids.length === 1));
    off();
    doc.undo();
    assert.equal(events.at(-1)!.kind, 'action', 'unsubscribed listeners hear nothing');
    assert.throws(() => doc.accept('nope'), /no annotation with id nope/);
    assert.throws(() => doc.add({ start: 5, end: 5 }), /empty or outside/);
  } finally {
    cleanup();
  }
});

void test('saves of one file are serialised: many concurrent saves leave the last state', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const saves: Promise<void>[] = [];
    const id = doc.add({ ...span(SAMPLE, 'London'), candidates });
    for (let i = 0; i < 30; i++) {
      doc.relink(id, `Q${i}`);
      saves.push(doc.save());
    }
    await Promise.all(saves);
    const { records } = parseAnnotationFile(readFileSync(doc.file, 'utf8'), doc.file);
    assert.equal(records[0].kbId, 'Q29');
    assert.equal(doc.dirty, false);
  } finally {
    cleanup();
  }
});

void test('temp files of a dead writer are removed on open; those of a live one are kept', async () => {
  const { store, cleanup } = tempStore();
  try {
    const file = store.fileFor('a.txt');
    mkdirSync(path.dirname(file), { recursive: true });
    const dead = path.join(path.dirname(file), '.a.txt.jsonl.999999999.abcd.tmp');
    const live = path.join(path.dirname(file), `.a.txt.jsonl.${process.ppid}.abcd.tmp`);
    writeFileSync(dead, 'half');
    writeFileSync(live, 'half');
    await store.open('a.txt', SAMPLE);
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(live), true);
  } finally {
    cleanup();
  }
});

const CORRUPTIONS: [string, (good: string) => string, number, RegExp][] = [
  ['a bad JSON line', (good) => good.replace(/\n$/, '\n{"kind":"annotation",\n'), 3, /not valid JSON/],
  ['an unknown version', (good) => good.replace('"version":1', '"version":7'), 1, /unknown annotation file version 7/],
  ['a missing header', (good) => good.split('\n').slice(1).join('\n'), 1, /first line must be the header/],
];

for (const [name, damage, line, message] of CORRUPTIONS) {
  void test(`${name}: open reports file and line, backs the file up once, never writes it`, async () => {
    const { store, cleanup } = tempStore();
    try {
      const doc = await store.open('a.txt', SAMPLE);
      doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84' });
      await doc.save();
      store.close('a.txt');
      const file = store.fileFor('a.txt');
      const broken = damage(readFileSync(file, 'utf8'));
      writeFileSync(file, broken);
      const err = await store.open('a.txt', SAMPLE).then(
        () => assert.fail('opened a corrupt file'),
        (e: unknown) => e,
      );
      assert.ok(LinkerError.is(err, 'annotationCorrupt'));
      assert.equal(err.location.file, file);
      assert.equal(err.location.line, line);
      assert.match(err.message, message);
      const backups = () => readdirSync(path.dirname(file)).filter((n) => /^a\.txt\.jsonl\.corrupt-\d{8}T\d{6}Z\.bak$/.test(n));
      assert.equal(backups().length, 1);
      assert.equal(readFileSync(path.join(path.dirname(file), backups()[0]), 'utf8'), broken);
      await assert.rejects(store.open('a.txt', SAMPLE), /annotation|JSON|header|version/);
      assert.equal(backups().length, 1, 'reopening does not copy the same bytes again');
      assert.equal(readFileSync(file, 'utf8'), broken, 'the file is untouched');
    } finally {
      cleanup();
    }
  });
}

void test('a file that turns unreadable while open (a newer version wrote it) makes the document read-only', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const id = doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84' });
    await doc.save();
    const newer = readFileSync(doc.file, 'utf8').replace('"version":1', '"version":2');
    writeFileSync(doc.file, newer);
    doc.markNil(id);
    await assert.rejects(doc.save(), (e: unknown) => LinkerError.is(e, 'annotationCorrupt') && e.location.line === 1);
    assert.ok(doc.readOnly !== undefined);
    await assert.rejects(doc.save(), /version 2/);
    assert.equal(readFileSync(doc.file, 'utf8'), newer);
  } finally {
    cleanup();
  }
});

void test('opening an open document with another text re-anchors it in place', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const id = doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84' });
    const same = await store.open('a.txt', 'PS. ' + SAMPLE);
    assert.equal(same, doc);
    assert.equal(doc.get(id)!.start, span(SAMPLE, 'London').start + 4);
  } finally {
    cleanup();
  }
});

void test('a document without annotations gets no file unless asked; removing the last annotation keeps the file', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('plain.txt', SAMPLE);
    doc.applyEdit([{ start: 0, end: 0, text: 'typed ' }]);
    assert.equal(doc.dirty, true);
    await doc.save();
    assert.equal(existsSync(doc.file), false);
    const id = doc.add({ start: 0, end: 5, kbId: 'Q1' });
    await doc.save();
    doc.remove(id);
    await doc.save();
    assert.equal(parseAnnotationFile(readFileSync(doc.file, 'utf8'), doc.file).records.length, 0);
    const empty = await store.open('empty.txt', 'x');
    await empty.save({ createEmpty: true });
    assert.equal(existsSync(empty.file), true);
  } finally {
    cleanup();
  }
});

void test('rejectMany: stored suggestions and predictions not stored yet are rejected as one undoable step', async () => {
  const { store, cleanup } = tempStore('alice');
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const stored = doc.add({ ...span(SAMPLE, 'Charles Babbage'), candidates });
    const accepted = doc.add({ ...span(SAMPLE, 'Ada Lovelace'), kbId: 'Q7259' });
    const before = JSON.stringify(doc.records);
    const ids = doc.rejectMany([stored], [{ ...span(SAMPLE, 'London'), kbId: 'Q84', candidates }, { ...span(SAMPLE, 'Babbage', 1) }]);
    assert.equal(ids.length, 3);
    assert.deepEqual(doc.records.map((r) => [r.text, r.status]).sort(), [['Ada Lovelace', 'accepted'], ['Babbage', 'rejected'], ['Charles Babbage', 'rejected'], ['London', 'rejected']]);
    assert.equal(doc.get(accepted)!.status, 'accepted', 'what is not named is left alone');
    assert.ok(ids.every((id) => doc.get(id)!.annotator === 'alice'));
    assert.equal(doc.undo(), true);
    assert.equal(JSON.stringify(doc.records), before, 'one undo brings all of them back');
    assert.equal(doc.redo(), true);
    assert.equal(doc.records.filter((r) => r.status === 'rejected').length, 3);
    assert.throws(() => doc.rejectMany(['nope'], []), /no annotation with id nope/);
  } finally {
    cleanup();
  }
});

void test('acceptMany: stored suggestions take the entity given, predictions not stored yet are added accepted, as one undoable step', async () => {
  const { store, cleanup } = tempStore('alice');
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const stored = doc.add({ ...span(SAMPLE, 'Charles Babbage'), candidates });
    const before = JSON.stringify(doc.records);
    const ids = doc.acceptMany([{ id: stored, kbId: 'Q46633', title: 'Charles Babbage' }], [{ ...span(SAMPLE, 'London'), kbId: 'Q84', title: 'London' }]);
    assert.equal(ids.length, 2);
    assert.deepEqual(doc.records.map((r) => [r.text, r.status, r.kbId, r.title]).sort(), [['Charles Babbage', 'accepted', 'Q46633', 'Charles Babbage'], ['London', 'accepted', 'Q84', 'London']]);
    assert.equal(doc.undo(), true);
    assert.equal(JSON.stringify(doc.records), before, 'one undo takes both back');
  } finally {
    cleanup();
  }
});
