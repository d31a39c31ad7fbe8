import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type AnnotationRecord, contentHashOf, headerFor, parseAnnotationFile, serializeAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import { LinkerError } from '../../../src/core/errors';

const record: AnnotationRecord = {
  // Keys deliberately out of order: the writer must not depend on how the object was built.
  context: { after: ' met', before: '' },
  modelVersion: 'use-lite@1',
  time: '2026-01-02T03:04:05.000Z',
  annotator: 'ann',
  candidates: [{ score: 0.9, title: 'Ada Lovelace', id: 'Q7259' }],
  status: 'accepted',
  title: 'Ada Lovelace',
  kbId: 'Q7259',
  text: 'Ada',
  end: 3,
  start: 0,
  id: 'a1',
};

void test('records serialise sorted by span with a fixed key order, and parse back equal', () => {
  const later: AnnotationRecord = { ...record, id: 'a0', start: 8, end: 11, text: 'Bob', kbId: null, status: 'nil', candidates: [], context: { before: 'Ada met ', after: '' } };
  const { title: _t, ...untitled } = later;
  const text = 'Ada met Bob';
  const out = serializeAnnotationFile(headerFor('notes/a.txt', text), [untitled, record]);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], `{"kind":"header","version":1,"document":"notes/a.txt","contentHash":"${contentHashOf(text)}","length":11}`);
  assert.equal(
    lines[1],
    '{"kind":"annotation","id":"a1","start":0,"end":3,"text":"Ada","kbId":"Q7259","title":"Ada Lovelace","status":"accepted","candidates":[{"id":"Q7259","title":"Ada Lovelace","score":0.9}],"annotator":"ann","time":"2026-01-02T03:04:05.000Z","modelVersion":"use-lite@1","context":{"before":"","after":" met"}}',
  );
  assert.match(lines[2], /^\{"kind":"annotation","id":"a0","start":8,"end":11,"text":"Bob","kbId":null,"status":"nil",/);
  const parsed = parseAnnotationFile(out, 'a.jsonl');
  assert.equal(parsed.header.document, 'notes/a.txt');
  assert.deepEqual(parsed.records, [
    { id: 'a1', start: 0, end: 3, text: 'Ada', kbId: 'Q7259', title: 'Ada Lovelace', status: 'accepted', candidates: [{ id: 'Q7259', title: 'Ada Lovelace', score: 0.9 }], annotator: 'ann', time: record.time, modelVersion: 'use-lite@1', context: { before: '', after: ' met' } },
    { ...untitled },
  ]);
  assert.equal(serializeAnnotationFile(parsed.header, parsed.records), out, 'a round trip is byte-identical');
});

void test('the content hash is sha256 of the UTF-8 text', () => {
  assert.equal(contentHashOf('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

function corrupt(content: string): LinkerError {
  try {
    parseAnnotationFile(content, '/ws/.entity-links/a.txt.jsonl');
  } catch (e) {
    assert.ok(LinkerError.is(e, 'annotationCorrupt'), `expected annotationCorrupt, got ${String(e)}`);
    return e;
  }
  assert.fail('parsed without error');
}

const goodHeader = JSON.stringify(headerFor('a.txt', 'Ada met Bob'));
const goodLine = serializeAnnotationFile(headerFor('a.txt', 'Ada met Bob'), [record]).split('\n')[1];

void test('a bad JSON line is annotationCorrupt naming the file and line', () => {
  const e = corrupt([goodHeader, goodLine, '{"kind":"annotation", oops'].join('\n'));
  assert.equal(e.location.file, '/ws/.entity-links/a.txt.jsonl');
  assert.equal(e.location.line, 3);
  assert.match(e.message, /a\.txt\.jsonl:3: not valid JSON/);
});

void test('an unknown version is annotationCorrupt on line 1 with an update hint', () => {
  const e = corrupt([goodHeader.replace('"version":1', '"version":2'), goodLine].join('\n'));
  assert.equal(e.location.line, 1);
  assert.match(e.message, /unknown annotation file version 2/);
  assert.match(e.hint ?? '', /newer Entity Linker/);
});

void test('a missing header is annotationCorrupt on line 1', () => {
  assert.equal(corrupt(goodLine + '\n').location.line, 1);
  assert.equal(corrupt('\n\n').location.line, 1);
});

void test('malformed records name the field and line; duplicate ids are refused', () => {
  const bad = goodLine.replace('"status":"accepted"', '"status":"maybe"');
  const e = corrupt([goodHeader, '', bad].join('\n'));
  assert.equal(e.location.line, 3);
  assert.match(e.message, /"status" must be one of/);
  assert.match(corrupt([goodHeader, goodLine.replace('"start":0', '"start":-1')].join('\n')).message, /"start"/);
  assert.match(corrupt([goodHeader, goodLine, goodLine].join('\n')).message, /duplicate annotation id "a1"/);
  assert.match(corrupt([goodHeader, '{"kind":"comment"}'].join('\n')).message, /unknown record kind "comment"/);
});

void test('CRLF line ends (a Windows checkout) read the same', () => {
  const parsed = parseAnnotationFile([goodHeader, goodLine, ''].join('\r\n'), 'a.jsonl');
  assert.equal(parsed.records.length, 1);
  assert.equal(parsed.records[0].id, 'a1');
});

void test('fields this build does not know are kept through a parse and write', () => {
  const withNote = goodLine.replace(/\}$/, ',"zNote":"checked by Bea","aFlag":[1,2]}');
  const parsed = parseAnnotationFile([goodHeader, withNote].join('\n'), 'a.jsonl');
  assert.deepEqual(parsed.records[0].extra, { zNote: 'checked by Bea', aFlag: [1, 2] });
  const again = serializeAnnotationFile(parsed.header, parsed.records).split('\n')[1];
  assert.equal(again, goodLine.replace(/\}$/, ',"aFlag":[1,2],"zNote":"checked by Bea"}'));
});

void test('an unknown field named like an Object.prototype member ("__proto__", "constructor") is kept through a parse and write too', () => {
  const withProto = goodLine.replace(/\}$/, ',"__proto__":{"note":"mine"},"constructor":1}');
  const parsed = parseAnnotationFile([goodHeader, withProto].join('\n'), 'a.jsonl');
  const again = serializeAnnotationFile(parsed.header, parsed.records).split('\n')[1];
  assert.equal(again, goodLine.replace(/\}$/, ',"__proto__":{"note":"mine"},"constructor":1}'));
  assert.equal(Object.getPrototypeOf(JSON.parse(again)), Object.prototype);
});
