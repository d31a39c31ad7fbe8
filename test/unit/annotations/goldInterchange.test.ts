import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { goldFromRecords, importGold } from '../../../src/core/annotations/goldInterchange';
import { readGold } from '../../../src/core/formats/goldFormat';
import { readAnnotationFile } from '../../../src/core/formats/annotationReader';
import { repoRoot } from '../formats/formatTestPaths';
import { tempStore } from './annotationTestKit';

const fixture = (...p: string[]): string => path.join(repoRoot, 'test', 'fixtures', 'formats', ...p);

for (const [format, file] of [['elevant', fixture('elevant', 'tiny.benchmark.jsonl')], ['prodigy', fixture('prodigy', 'tiny.jsonl')], ['nif', fixture('nif', 'tiny.ttl')]] as const) {
  void test(`import from ${format}: every gold mention becomes an accepted (or nil) record, and reads back as the same gold`, async () => {
    const { store, root, cleanup } = tempStore();
    try {
      const gold = await readGold(file, format);
      const report = await importGold(store, gold, format);
      const total = gold.reduce((n, d) => n + d.mentions.length, 0);
      assert.equal(report.documents, gold.length);
      assert.equal(report.added, total);
      assert.equal(report.textsWritten, gold.length);
      const back = await readAnnotationFile(root);
      assert.equal(back.length, gold.length);
      const key = (docs: typeof gold) =>
        docs
          .map((d) => JSON.stringify([d.text, d.mentions.map((m) => [m.start, m.end, m.text, [...m.goldIds], m.nil, m.optional === true])]))
          .sort();
      assert.deepEqual(key(back), key(gold));
      const firstFile = store.fileFor(back[0].id);
      assert.match(readFileSync(firstFile, 'utf8'), new RegExp(`"annotator":"import:${format}"`));
      // Importing again adds nothing: the same spans and ids are there already.
      store.close(back[0].id);
      const again = await importGold(store, gold, format);
      assert.equal(again.added, 0);
      assert.equal(again.duplicates, total);
    } finally {
      cleanup();
    }
  });
}

void test('import never overwrites a workspace file holding another text', async () => {
  const { store, root, cleanup } = tempStore();
  try {
    const gold = await readGold(fixture('prodigy', 'tiny.jsonl'), 'prodigy');
    writeFileSync(path.join(root, 'mine.txt'), 'my own notes');
    await assert.rejects(importGold(store, gold.slice(0, 1), 'prodigy', { pathFor: () => 'mine.txt' }), /exists with a text other than gold document/);
    assert.equal(readFileSync(path.join(root, 'mine.txt'), 'utf8'), 'my own notes');
  } finally {
    cleanup();
  }
});

void test('export: accepted labels carry alternative and declared-duplicate ids; unconfirmed records are skipped', async () => {
  const { store, cleanup } = tempStore();
  try {
    const text = 'Ada met Bob and Cy.';
    const doc = await store.open('x.txt', text);
    const [ada, bob, cy] = doc.addMany([
      { start: 0, end: 3, kbId: 'Q1', alternativeIds: ['Q1b'] },
      { start: 8, end: 11, candidates: [{ id: 'Q2', title: 'Bob', score: 1 }] },
      { start: 16, end: 18, kbId: 'Q3' },
    ]);
    doc.declareDuplicate(ada, 'Q1dup');
    doc.markNil(cy);
    const skipped: string[] = [];
    const gold = goldFromRecords({ id: 'x.txt', text }, doc.records, doc.file, (s, why) => skipped.push(`${s.record}: ${why}`));
    assert.deepEqual(gold.mentions.map((m) => [m.text, m.goldIds, m.nil]), [['Ada', ['Q1', 'Q1b', 'Q1dup'], false], ['Cy', [], true]]);
    assert.deepEqual(skipped, [`${bob}: status is suggested`]);
  } finally {
    cleanup();
  }
});
