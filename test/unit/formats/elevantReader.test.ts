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
