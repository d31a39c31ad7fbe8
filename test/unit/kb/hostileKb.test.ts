import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { loadKnowledgeBase } from '../../../src/core/kb/loadKnowledgeBase';
import type { Progress } from '../../../src/core/log';
import { tempTree } from '../../fixtures/repoPaths';

// KB input that used to give silently wrong results or wrong messages.

void test('an empty KB is an input error, not a KB of 0 entities', async () => {
  const t = tempTree({ 'empty.jsonl': '', 'blank.csv': 'id,title,text\n', 'allbad.jsonl': '{"x":1}\n' });
  try {
    for (const [file, strict] of [['empty.jsonl', true], ['blank.csv', true], ['allbad.jsonl', false]] as const) {
      await assert.rejects(loadKnowledgeBase([{ path: t.file(file), format: file.endsWith('.csv') ? 'csv' : 'jsonl' }], { strict }), (e: unknown) => LinkerError.is(e, 'inputFormat') && /KB is empty/.test(e.message) && e.message.includes(t.file(file)));
    }
  } finally {
    t.cleanup();
  }
});

void test('a ragged CSV row is an error with its line (strict) or a reported skip (lenient), never lost fields', async () => {
  const t = tempTree({ 'kb.csv': 'id,title,text\nQ1,Paris,capital of France\nQ2,Lyon,a city, in France\nQ3,Nice\nQ4,Metz,ok\n' });
  try {
    await assert.rejects(loadKnowledgeBase([{ path: t.file('kb.csv') }]), (e: unknown) => LinkerError.is(e, 'kbRecord') && e.message.includes(`${t.file('kb.csv')}:3`) && /4 fields.*header.*3/.test(e.message));
    const { kb, report } = await loadKnowledgeBase([{ path: t.file('kb.csv') }], { strict: false });
    assert.deepEqual(kb.entities.map((e) => e.id), ['Q1', 'Q4']);
    assert.deepEqual(report.sources[0].skipped.map((s) => s.line), [3, 4]);
  } finally {
    t.cleanup();
  }
});

void test('"id": 1e309 is reported as a non-finite number, not as a missing id', async () => {
  const t = tempTree({ 'kb.jsonl': '{"id":"Q1","title":"A"}\n{"id":1e309,"title":"B"}\n' });
  try {
    await assert.rejects(loadKnowledgeBase([{ path: t.file('kb.jsonl') }]), (e: unknown) => LinkerError.is(e) && e.message.includes(`${t.file('kb.jsonl')}:2`) && /not finite/.test(e.message) && !/missing/.test(e.message));
  } finally {
    t.cleanup();
  }
});

void test('a duplicate id in the second source cites the first line of that id in its own source', async () => {
  const t = tempTree({ 'a.jsonl': '{"id":"X","title":"A"}\n', 'b.jsonl': '{"id":"Y","title":"Y"}\n{"id":"X","title":"B"}\n{"id":"X","title":"C"}\n' });
  try {
    const { report } = await loadKnowledgeBase([{ path: t.file('a.jsonl') }, { path: t.file('b.jsonl') }]);
    const dup = report.sources[1].issues.find((i) => i.kind === 'duplicateId');
    assert.ok(dup !== undefined);
    assert.ok(dup.detail.includes(`first at ${t.file('b.jsonl')}:2`), dup.detail);
  } finally {
    t.cleanup();
  }
});

void test('a UTF-16 KB (with BOM) is decoded, and its progress counts file bytes, names the encoding and ends at 100%', async () => {
  const text = '{"id":"Q1","title":"Zürich","text":"a city"}\n{"id":"Q2","title":"Genève","text":"another"}\n';
  const t = tempTree({});
  try {
    const file = t.file('kb16.jsonl');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const seen: Progress[] = [];
    const { kb } = await loadKnowledgeBase([{ path: file, format: 'jsonl' }], { onProgress: (p) => seen.push(p) });
    assert.deepEqual(kb.entities.map((e) => e.title), ['Zürich', 'Genève']);
    assert.ok(seen.length > 0);
    for (const p of seen) {
      assert.ok(p.total !== undefined && p.done <= p.total, `${p.done}/${p.total}`);
      assert.match(p.stage, /UTF-16LE/);
    }
    assert.equal(seen.at(-1)!.done, fs.statSync(file).size);
  } finally {
    t.cleanup();
  }
});
