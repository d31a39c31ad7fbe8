import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElevant, readElevantFile } from '../../../src/core/formats/elevantReader';
import { formatFixture } from './formatTestPaths';

void test('elevant: top-level labels only; non-QIDs are NIL; Wikidata names kept for title mapping', async () => {
  const docs = await readElevantFile(formatFixture('elevant', 'tiny.benchmark.jsonl'));
  assert.deepEqual(docs.map((d) => [d.id, d.mentions.length, d.collection]), [['0', 4, 'tiny'], ['1', 0, 'tiny'], ['2', 2, 'tiny']]);
  assert.deepEqual(
    docs[0].mentions.map((m) => [m.text, m.goldIds, m.nil, m.goldNames, m.optional]),
    [
      ['Merkel', ['Q567'], false, ['Angela Merkel'], undefined],
      ['Obama', ['Q76'], false, ['Barack Obama'], undefined],
      ['Berlin', [], true, undefined, undefined],
      ['Monday', [], true, undefined, true],
    ],
  );
  assert.deepEqual(docs[2].mentions.map((m) => [m.text, m.nil]), [['Paris', false], ['again', true]], 'a missing entity_id is NIL');
  assert.equal(docs[0].mentions[0].source.line, 1);
});

void test('elevant: spans outside the text and broken JSON name the line', () => {
  assert.throws(() => parseElevant('{"id": 7, "text": "abc", "labels": [{"id": 0, "span": [1, 9], "entity_id": "Q1"}]}', 'x.jsonl'), /x\.jsonl:1: document 7, label 0: span \[1, 9\) is outside the text/);
  assert.throws(() => parseElevant('\n{"id": 1,', 'y.jsonl'), /y\.jsonl:2: not valid JSON/);
});

void test('elevant: spans count code points (Python), so an emoji does not shift later mentions', () => {
  const text = 'I 😀 Paris and Berlin.';
  // In Python: text.index('Paris') == 4 (the emoji is one code point); in UTF-16 it is 5.
  const cp = (s: string) => [...text.slice(0, text.indexOf(s))].length;
  const rec = { id: 1, text, labels: [{ id: 0, span: [cp('Paris'), cp('Paris') + 5], entity_id: 'Q90' }, { id: 1, span: [cp('Berlin'), cp('Berlin') + 6], entity_id: 'Q64' }] };
  const [doc] = parseElevant(JSON.stringify(rec), 'e.jsonl');
  assert.deepEqual(doc.mentions.map((m) => [m.text, m.start]), [['Paris', text.indexOf('Paris')], ['Berlin', text.indexOf('Berlin')]]);
});

void test('elevant: an entity_id that is an object or a number is an error naming the line, not a silent NIL', () => {
  for (const bad of [{ qid: 'Q1' }, 42, ['Q1']]) {
    const line = JSON.stringify({ id: 3, text: 'Paris.', labels: [{ id: 0, span: [0, 5], entity_id: bad }] });
    assert.throws(() => parseElevant(`\n${line}`, 'z.jsonl'), /z\.jsonl:2: document 3, label 0: "entity_id" is/);
  }
  const nil = parseElevant(JSON.stringify({ id: 4, text: 'Paris.', labels: [{ id: 0, span: [0, 5], entity_id: null }] }), 'n.jsonl');
  assert.equal(nil[0].mentions[0].nil, true, 'null stays NIL');
});
