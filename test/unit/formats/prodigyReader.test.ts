import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GoldSource } from '../../../src/core/formats/goldDocument';
import { parseProdigy, readProdigyFile } from '../../../src/core/formats/prodigyReader';
import { formatFixture } from './formatTestPaths';

void test('Prodigy: accepted records are documents; NIL options and rejections handled', async () => {
  const skipped: [GoldSource, string][] = [];
  const docs = await readProdigyFile(formatFixture('prodigy', 'tiny.jsonl'), { onSkip: (s, r) => skipped.push([s, r]) });
  assert.equal(docs.length, 3);
  assert.deepEqual(docs[0].mentions.map((m) => [m.start, m.end, m.text, m.goldIds, m.nil]), [[0, 7, 'Emerson', ['Q312545'], false]]);
  assert.deepEqual(docs[1].mentions.map((m) => [m.goldIds, m.nil]), [[[], true]], 'NIL_otherLink is NIL');
  assert.deepEqual(docs[2].mentions.map((m) => [m.text, m.goldIds, m.nil]), [['Lake', ['Q1'], false], ['Palmer', [], true]], 'several spans link through kb_id');
  assert.equal(docs[2].mentions[0].source.line, 5);
  assert.deepEqual(skipped.map(([s, r]) => [s.line, r]), [[3, 'answer is "reject"']]);
});

void test('Prodigy: one accept for several spans, and a span text that disagrees, are errors', () => {
  assert.throws(() => parseProdigy('{"text": "a b", "spans": [{"start": 0, "end": 1}, {"start": 2, "end": 3}], "accept": ["Q1"]}', 'p.jsonl'), /p\.jsonl:1: 2 spans share one "accept" list/);
  assert.throws(() => parseProdigy('{"text": "a b", "spans": [{"start": 0, "end": 1, "text": "b"}], "accept": ["Q1"]}', 'p.jsonl'), /span 0: the text at \[0, 1\) is "a", not the anchor "b"/);
});

void test('Prodigy: span offsets count code points (Prodigy is Python), so a span after an emoji or other astral character is not shifted', () => {
  const record = (spans: object[]): string => JSON.stringify({ text: '🎸 Zoë met 𝒜da in Paris.', spans, accept: spans.length === 1 ? ['Q90'] : [], answer: 'accept' });
  // In Python: text[17:22] == 'Paris' (🎸 and 𝒜 are one code point each, two UTF-16 units here).
  const [doc] = parseProdigy(record([{ start: 17, end: 22, label: 'LOC' }]), 'p.jsonl');
  assert.deepEqual(doc.mentions.map((m) => [m.text, m.start, m.end, m.goldIds]), [['Paris', 19, 24, ['Q90']]]);
  const [two] = parseProdigy(record([{ start: 2, end: 5, label: 'PER', kb_id: 'Q1' }, { start: 10, end: 13, label: 'PER', text: '𝒜da', kb_id: 'Q7259' }]), 'p.jsonl');
  assert.deepEqual(two.mentions.map((m) => [m.text, m.goldIds]), [['Zoë', ['Q1']], ['𝒜da', ['Q7259']]]);
  assert.throws(() => parseProdigy(record([{ start: 17, end: 40, label: 'LOC' }]), 'p.jsonl'), /p\.jsonl:1: span 0: span \[17, 40\) is outside the text \(23 code points\)/);
});
