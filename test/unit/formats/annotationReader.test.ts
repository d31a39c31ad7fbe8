import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAnnotations, readAnnotationFile } from '../../../src/core/formats/annotationReader';
import { readGold } from '../../../src/core/formats/goldFormat';
import { LinkerError } from '../../../src/core/errors';
import { repoRoot } from './formatTestPaths';

const workspace = path.join(repoRoot, 'test', 'fixtures', 'annotations', 'workspace');
const storeFile = path.join(workspace, '.entity-links', 'notes.txt.jsonl');

void test('annotations: accepted records are gold (with alternative ids), nil is NIL, suggestions are skipped', async () => {
  for (const target of [storeFile, workspace, path.join(workspace, '.entity-links')]) {
    const skipped: string[] = [];
    const docs = await readAnnotationFile(target, { onSkip: (s, r) => skipped.push(`${s.record}:${r}`) });
    assert.equal(docs.length, 1, target);
    const [doc] = docs;
    assert.equal(doc.id, 'notes.txt');
    assert.equal(doc.path, path.join(workspace, 'notes.txt'));
    assert.equal(doc.text, 'Ada Lovelace met Babbage in London.\n');
    assert.deepEqual(doc.mentions.map((m) => [m.text, m.goldIds, m.nil]), [
      ['Ada Lovelace', ['Q7259'], false],
      ['Babbage', ['Q46633', 'Q46633-alt'], false],
      ['London', [], true],
    ]);
    assert.deepEqual(skipped, ['00000000-0000-4000-8000-000000000004:status is suggested']);
  }
});

void test('annotations: readGold with --gold-format annotations reads a workspace folder', async () => {
  const docs = await readGold(workspace, 'annotations');
  assert.equal(docs[0].mentions.length, 3);
});

void test('annotations: a document edited after saving is re-anchored in memory; what cannot be placed is skipped', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'annreader-'));
  try {
    cpSync(workspace, dir, { recursive: true });
    writeFileSync(path.join(dir, 'notes.txt'), 'Yesterday Ada Lovelace met Babbage in Paris.\n');
    const skipped: string[] = [];
    const [doc] = await readAnnotationFile(dir, { onSkip: (_s, r) => skipped.push(r) });
    assert.deepEqual(doc.mentions.map((m) => [m.start, m.text]), [[10, 'Ada Lovelace'], [27, 'Babbage']]);
    // Each record left out is reported once (export's summary counted London twice: unplaced, then needsReview).
    assert.deepEqual(skipped, ['needs review, the document changed: not re-anchored: its text no longer occurs in the document', 'status is suggested']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('annotations: a label placed again only uncertainly is reported once, as needing review, not as one that cannot be placed', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'annreader-'));
  try {
    cpSync(workspace, dir, { recursive: true });
    // "London" still occurs once, but not in its context: placed, flagged for review, so left out of the gold.
    writeFileSync(path.join(dir, 'notes.txt'), 'London.\nAda Lovelace met Babbage.\n');
    const skipped: string[] = [];
    const [doc] = await readAnnotationFile(dir, { onSkip: (s, r) => skipped.push(`${s.line ?? '-'} ${r}`) });
    assert.deepEqual(doc.mentions.map((m) => m.text), ['Ada Lovelace', 'Babbage']);
    assert.equal(skipped.length, 2, skipped.join('; '));
    assert.match(skipped[0], /^5 needs review, the document changed: the text around the mention changed; placed at the only occurrence of its text$/);
    assert.doesNotMatch(skipped.join('; '), /cannot be placed|status is needsReview/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('annotations: corrupt content is annotationCorrupt with file and line; a missing store folder is an input error', async () => {
  const document = { id: 'd', text: 'Hello world' };
  assert.throws(() => parseAnnotations('{"kind":"header","version":9,"document":"d","contentHash":"x","length":1}', 'a.jsonl', document), (e: unknown) => LinkerError.is(e, 'annotationCorrupt') && /a\.jsonl:1: unknown annotation file version 9/.test(e.message));
  assert.throws(() => parseAnnotations('{"start": 0, "end": 5, "kbId": "Q1", "status": "accepted"}', 'a.jsonl', document), /a\.jsonl:1: the first line must be the header/);
  await assert.rejects(readAnnotationFile(repoRoot), /no \.entity-links folder here/);
});
