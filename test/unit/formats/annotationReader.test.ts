import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnnotations, readAnnotationFile } from '../../../src/core/formats/annotationReader';
import { formatFixture } from './formatTestPaths';

void test('annotations (provisional): confirmed records are gold, kbId null is NIL, pending ones are skipped', async () => {
  const skipped: string[] = [];
  const [doc] = await readAnnotationFile(formatFixture('annotations', 'notes.txt.annotations.jsonl'), { onSkip: (s, r) => skipped.push(`${s.line}:${r}`) });
  assert.equal(doc.text, 'Ada Lovelace met Babbage in London.\n');
  assert.deepEqual(doc.mentions.map((m) => [m.text, m.goldIds, m.nil]), [
    ['Ada Lovelace', ['Q7259'], false],
    ['Babbage', ['Q46633'], false],
    ['London', [], true],
  ]);
  assert.deepEqual(skipped, ['3:status is pending']);
});

void test('annotations: unknown statuses and stale offsets are errors', () => {
  const document = { id: 'd', text: 'Hello world' };
  assert.throws(() => parseAnnotations('{"start": 0, "end": 5, "kbId": "Q1", "status": "maybe"}', 'a.jsonl', document), /a\.jsonl:1: unknown status "maybe"/);
  assert.throws(() => parseAnnotations('{"start": 0, "end": 5, "text": "Howdy", "kbId": "Q1", "status": "accepted"}', 'a.jsonl', document), /the text at \[0, 5\) is "Hello", not the anchor "Howdy"/);
});
