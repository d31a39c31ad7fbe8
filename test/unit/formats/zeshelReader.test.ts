import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { readZeshel } from '../../../src/core/formats/zeshelReader';
import { formatFixture, tempTree } from './formatTestPaths';

void test('Zeshel: inclusive token indices become character spans, mentions grouped by context document', async () => {
  const docs = await readZeshel(formatFixture('zeshel'));
  assert.deepEqual(docs.map((d) => [d.id, d.collection, d.mentions.length]), [['D1', 'lego', 2], ['D3', 'lego', 1]]);
  const d1 = docs[0];
  assert.deepEqual(
    d1.mentions.map((m) => [d1.text.slice(m.start, m.end), m.goldIds, m.source.record, m.source.line]),
    [
      ['basic  piece', ['D1'], 'M1', 1],
      ['Minifigure', ['D2'], 'M2', 2],
    ],
  );
  assert.equal(docs[1].mentions[0].text, 'bricks');
  assert.deepEqual([docs[1].mentions[0].start, docs[1].mentions[0].end], [19, 25]);
});

void test('Zeshel: the mentions file itself can be given', async () => {
  const docs = await readZeshel(formatFixture('zeshel', 'mentions', 'val.json'));
  assert.equal(docs.flatMap((d) => d.mentions).length, 3);
});

void test('Zeshel: a mention whose tokens do not read its text names the file and line', async () => {
  const t = tempTree({
    'documents/w.json': '{"document_id": "A", "title": "A", "text": "A one two three"}\n',
    'mentions/val.json': '{"mention_id": "m", "context_document_id": "A", "corpus": "w", "start_index": 1, "end_index": 2, "text": "one two", "label_document_id": "A"}\n{"mention_id": "n", "context_document_id": "A", "corpus": "w", "start_index": 2, "end_index": 2, "text": "three", "label_document_id": "A"}\n',
  });
  try {
    await assert.rejects(readZeshel(t.dir), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'inputFormat'));
      assert.equal(e.location.line, 2);
      assert.match(e.message, /val\.json:2: tokens 2\.\.2 of A read "two", not the mention text "three"/);
      return true;
    });
  } finally {
    t.cleanup();
  }
});

void test('Zeshel: token indices past the document and unknown worlds are errors', async () => {
  const t = tempTree({
    'documents/w.json': '{"document_id": "A", "title": "A", "text": "A one"}\n',
    'mentions/test.json': '{"context_document_id": "A", "corpus": "w", "start_index": 1, "end_index": 5, "text": "x", "label_document_id": "A"}\n',
    'mentions/val.json': '{"context_document_id": "A", "corpus": "nowhere", "start_index": 0, "end_index": 0, "text": "A", "label_document_id": "A"}\n',
  });
  try {
    await assert.rejects(readZeshel(t.dir, { split: 'test' }), /token range 1\.\.5 is outside document A \(2 tokens\)/);
    await assert.rejects(readZeshel(t.dir), /corpus "nowhere" has no/);
  } finally {
    t.cleanup();
  }
});

void test('Zeshel: a corpus name that is a path ("../secrets") is refused, never read from outside documents/', async () => {
  const t = tempTree({
    'outside.json': '{"document_id": "A", "title": "Secret", "text": "A secret text"}\n',
    'z/documents/w.json': '{"document_id": "A", "title": "A", "text": "A one"}\n',
    'z/mentions/val.json': '{"context_document_id": "A", "corpus": "../../outside", "start_index": 0, "end_index": 0, "text": "A", "label_document_id": "A"}\n',
    'z/mentions/test.json': '{"context_document_id": "A", "corpus": "sub\\\\w", "start_index": 0, "end_index": 0, "text": "A", "label_document_id": "A"}\n',
  });
  try {
    for (const split of ['val', 'test']) {
      await assert.rejects(readZeshel(t.file('z'), { split }), (e: unknown) => LinkerError.is(e, 'inputFormat') && /val\.json:1|test\.json:1/.test(e.message) && /corpus ".*" is not a world name/.test(e.message), split);
    }
  } finally {
    t.cleanup();
  }
});

void test('Zeshel: a mention_id used twice is an error at its second line in the mentions file, naming the first', async () => {
  const line = (id: string, index: number, text: string): string => JSON.stringify({ mention_id: id, context_document_id: 'A', corpus: 'w', start_index: index, end_index: index, text, label_document_id: 'A' });
  const t = tempTree({
    'documents/w.json': '{"document_id": "A", "title": "A", "text": "A one two three"}\n',
    'mentions/val.json': `${line('m1', 1, 'one')}\n${line('m2', 2, 'two')}\n${line('m1', 3, 'three')}\n`,
  });
  try {
    // Not a span problem: --skip-invalid does not drop it silently either.
    await assert.rejects(readZeshel(t.dir, { onInvalidSpan: () => undefined }), (e: unknown) => {
      assert.ok(LinkerError.is(e, 'inputFormat'));
      assert.equal(e.location.file, t.file('mentions/val.json'));
      assert.equal(e.location.line, 3);
      assert.match(e.message, /val\.json:3: mention_id m1 is used again \(first at line 1\)/);
      return true;
    });
  } finally {
    t.cleanup();
  }
});
