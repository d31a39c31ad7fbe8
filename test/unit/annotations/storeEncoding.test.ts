import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LinkerError } from '../../../src/core/errors';
import { SAMPLE, span, tempStore } from './annotationTestKit';

// Store files edited by hand outside VS Code. The store read them as UTF-8 leniently: bytes that are not UTF-8 (a
// file saved as Latin-1) became U+FFFD and the next save wrote those over what the file held, while a byte order
// mark (a file saved by Notepad) made a good file "corrupt" in the editor that the CLI reads fine.

const candidates = [{ id: 'Q72', title: 'Zürich', score: 0.9 }];
const noSymlinks = process.platform === 'win32' ? 'symbolic links need privileges on Windows' : false;

async function savedFile(store: ReturnType<typeof tempStore>['store']): Promise<string> {
  const doc = await store.open('a.txt', SAMPLE);
  doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84', candidates });
  doc.add({ ...span(SAMPLE, 'Babbage', 1), kbId: 'Q46633', status: 'accepted' });
  await doc.save();
  store.close('a.txt');
  return doc.file;
}

const backupsOf = (file: string): string[] => readdirSync(path.dirname(file)).filter((n) => n.startsWith(`${path.basename(file)}.corrupt-`));

void test('a store file saved as Latin-1 is corrupt at its line (backed up, never written), not read with U+FFFD and saved over', async () => {
  const { store, cleanup } = tempStore();
  try {
    const file = await savedFile(store);
    const latin1 = Buffer.from(readFileSync(file, 'utf8'), 'latin1');
    const lineOfBadByte = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('Zürich')) + 1;
    writeFileSync(file, latin1);
    const err = await store.open('a.txt', SAMPLE).then(() => assert.fail('opened a file that is not UTF-8'), (e: unknown) => e);
    assert.ok(LinkerError.is(err, 'annotationCorrupt'), String(err));
    assert.equal(err.location.file, file);
    assert.equal(err.location.line, lineOfBadByte);
    assert.match(err.message, /not valid UTF-8 text \(first bad byte at \d+\)/);
    assert.match(err.message, /convert it to UTF-8/);
    assert.match(err.message, /A copy of the file is at /);
    assert.equal(backupsOf(file).length, 1);
    assert.deepEqual(readFileSync(file), latin1, 'the file is untouched');
    await assert.rejects(store.readRecords('a.txt'), (e: unknown) => LinkerError.is(e, 'annotationCorrupt') && e.location.line === lineOfBadByte);
  } finally {
    cleanup();
  }
});

void test('a document whose file turns Latin-1 while open becomes read-only on save; the bytes on disk stay as they are', async () => {
  const { store, cleanup } = tempStore();
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const id = doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84', candidates });
    await doc.save();
    const latin1 = Buffer.from(readFileSync(doc.file, 'utf8'), 'latin1');
    writeFileSync(doc.file, latin1);
    doc.markNil(id);
    await assert.rejects(doc.save(), (e: unknown) => LinkerError.is(e, 'annotationCorrupt') && /not valid UTF-8/.test(e.message));
    assert.ok(doc.readOnly !== undefined);
    assert.deepEqual(readFileSync(doc.file), latin1);
  } finally {
    cleanup();
  }
});

void test('a store file with a byte order mark and CRLF lines (saved by a Windows editor) opens with all its labels and is saved back as plain UTF-8', async () => {
  const { store, cleanup } = tempStore();
  try {
    const file = await savedFile(store);
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `\uFEFF${good.replace(/\n/g, '\r\n')}`);
    const doc = await store.open('a.txt', SAMPLE);
    assert.deepEqual(doc.records.map((r) => [r.text, r.kbId, r.candidates[0]?.title]), [['London', 'Q84', 'Zürich'], ['Babbage', 'Q46633', undefined]]);
    assert.equal(backupsOf(file).length, 0, 'a good file is not called corrupt');
    doc.markNil(doc.records[0].id);
    await doc.save();
    const saved = readFileSync(file, 'utf8');
    assert.ok(!saved.startsWith('\uFEFF') && !saved.includes('\r'));
    assert.match(saved, /"kbId":null,"status":"nil","candidates":\[\{"id":"Q72","title":"Zürich"/);
  } finally {
    cleanup();
  }
});

void test('a store file that is a symbolic link (a cloned repository pointing it at a secret) is refused unread: no backup copy of its target, nothing of it in the message', { skip: noSymlinks }, async () => {
  const { root, store, cleanup } = tempStore();
  try {
    const secret = path.join(root, 'outside-secret');
    writeFileSync(secret, 'AKIAIOSFODNN7EXAMPLE secret-key-material\n');
    const file = store.fileFor('a.txt');
    mkdirSync(path.dirname(file), { recursive: true });
    symlinkSync(secret, file);
    const err = await store.open('a.txt', SAMPLE).then(() => assert.fail('opened a linked store file'), (e: unknown) => e);
    assert.ok(LinkerError.is(err, 'annotationCorrupt'), String(err));
    assert.equal(err.location.file, file);
    assert.match(err.message, /is a symbolic link to .*outside-secret, not a regular file; it was not read/);
    assert.doesNotMatch(err.message, /AKIA|secret-key/);
    assert.deepEqual(readdirSync(path.dirname(file)), ['a.txt.jsonl'], 'no backup copy of the target was made');
    await assert.rejects(store.readRecords('a.txt'), /symbolic link/);
  } finally {
    cleanup();
  }
});

void test('a store file replaced by a link while its document is open makes the document read-only on save; the link and its target stay', { skip: noSymlinks }, async () => {
  const { root, store, cleanup } = tempStore();
  try {
    const doc = await store.open('a.txt', SAMPLE);
    const id = doc.add({ ...span(SAMPLE, 'London'), kbId: 'Q84' });
    await doc.save();
    const secret = path.join(root, 'outside-secret');
    writeFileSync(secret, 'AKIAIOSFODNN7EXAMPLE\n');
    rmSync(doc.file);
    symlinkSync(secret, doc.file);
    doc.markNil(id);
    await assert.rejects(doc.save(), (e: unknown) => LinkerError.is(e, 'annotationCorrupt') && /symbolic link/.test(e.message) && !/AKIA/.test(e.message));
    assert.ok(doc.readOnly !== undefined);
    assert.equal(readFileSync(secret, 'utf8'), 'AKIAIOSFODNN7EXAMPLE\n');
    assert.ok(lstatSync(doc.file).isSymbolicLink());
    assert.equal(readdirSync(path.dirname(doc.file)).length, 1);
  } finally {
    cleanup();
  }
});
