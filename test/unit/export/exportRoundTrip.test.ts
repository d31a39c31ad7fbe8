import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createGoldMapper, iriSuffix } from '../../../src/core/formats/goldMapping';
import { parseBlinkTraining } from '../../../src/core/formats/blinkTrainingReader';
import { parseBratStandoff } from '../../../src/core/formats/bratStandoffReader';
import { contextAround } from '../../../src/core/formats/export/blinkTrainingWriter';
import { exportGold } from '../../../src/core/formats/export/exportGold';
import { mineExportNegatives } from '../../../src/core/formats/export/exportNegatives';
import type { GoldDocument, GoldMention } from '../../../src/core/formats/goldDocument';
import { readGold, sniffGoldFormat } from '../../../src/core/formats/goldFormat';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import type { DocumentLinker, LinkedMention, SpanRequest } from '../../../src/core/linker/types';

function mention(text: string, surface: string, goldIds: string[], from = 0): GoldMention {
  const start = text.indexOf(surface, from);
  assert.ok(start >= 0, surface);
  return { start, end: start + surface.length, text: surface, goldIds, nil: goldIds.length === 0, source: { file: 'test' } };
}

function corpus(): GoldDocument[] {
  const a = 'Steve met John Wilkes Booth in "Washington".\nThen Steve left.';
  const b = 'Emoji 😀 before Paris, and Paris (France) again; a line\nbreak inside New\nYork.';
  return [
    { id: 'doc/a', text: a, mentions: [mention(a, 'Steve', []), mention(a, 'John Wilkes Booth', ['15919']), mention(a, 'Washington', ['W1', 'W2']), mention(a, 'Steve', [], 50)] },
    { id: 'b', text: b, mentions: [mention(b, 'Paris', ['P']), mention(b, 'Paris', ['P'], 25), mention(b, 'France', ['F']), mention(b, 'New\nYork', ['NY'])] },
    { id: 'c', text: 'Nothing to see.', mentions: [] },
  ];
}

/** What must survive a round trip: the text and each mention's span, surface, ids and NIL flag. */
function shape(docs: readonly GoldDocument[], mapId: (id: string) => string = (id) => id) {
  return docs
    .map((d) => ({ text: d.text, mentions: d.mentions.map((m) => ({ start: m.start, end: m.end, text: m.text, ids: m.goldIds.map(mapId), nil: m.nil })) }))
    .sort((x, y) => (x.text < y.text ? -1 : 1));
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'el-export-'));
}

void test('BLINK training JSONL: export then import gives the same annotations, documents rebuilt exactly', async () => {
  const dir = tempDir();
  try {
    const out = path.join(dir, 'train.jsonl');
    const summary = await exportGold(corpus(), { format: 'blink', out });
    assert.equal(await sniffGoldFormat(out), 'blink');
    const back = await readGold(out, 'blink');
    // A document without mentions has no record in a per-mention format.
    assert.deepEqual(shape(back), shape(corpus().filter((d) => d.mentions.length > 0)));
    assert.deepEqual(summary.mentions, { total: 8, linked: 6, nil: 2, nilLeftOut: 0, written: 8 });
    assert.equal(summary.distinctEntities, 5);
    const first = JSON.parse(fs.readFileSync(out, 'utf8').split('\n')[1]!) as Record<string, unknown>;
    assert.equal(first['mention'], 'John Wilkes Booth');
    assert.equal(first['label_id'], '15919');
    assert.equal(first['context_left'], 'Steve met ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('NIF: export then import gives the same texts, spans (code points on disk) and ids under the iri-suffix mapping', async () => {
  const dir = tempDir();
  try {
    const out = path.join(dir, 'gold.ttl');
    await exportGold(corpus(), { format: 'nif', out });
    const back = await readGold(out, 'nif');
    assert.deepEqual(shape(back, iriSuffix), shape(corpus()));
    assert.match(fs.readFileSync(out, 'utf8'), /#char=15,20>/, 'the Paris after the emoji counts code points');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('brat standoff: export then import gives the same annotations; NIL is a T without N', async () => {
  const dir = tempDir();
  try {
    const out = path.join(dir, 'brat');
    await exportGold(corpus(), { format: 'brat', out, brat: { db: 'Wiki' } });
    assert.equal(await sniffGoldFormat(out), 'brat');
    const back = await readGold(out, 'brat');
    assert.deepEqual(shape(back), shape(corpus()));
    const ann = fs.readFileSync(path.join(out, 'doc_a.ann'), 'utf8');
    assert.match(ann, /^T2\tEntity 10 27\tJohn Wilkes Booth$/m);
    assert.match(ann, /^N1\tReference T2 Wiki:15919\t15919$/m);
    assert.doesNotMatch(ann, /Reference T1 /);
    assert.match(fs.readFileSync(path.join(out, 'b.ann'), 'utf8'), /^T1\tEntity 15 20\tParis$/m, 'the Paris after the emoji counts code points, as brat does');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a seeded split by document: train and dev share no document, together hold all; NIL can be left out', async () => {
  const dir = tempDir();
  try {
    const docs = Array.from({ length: 20 }, (_, i): GoldDocument => {
      const text = `Doc ${i} mentions Paris and Nowhere.`;
      return { id: `d${i}`, text, mentions: [mention(text, 'Paris', ['P']), mention(text, 'Nowhere', [])] };
    });
    const kb = new KnowledgeBase('k', [{ id: 'P', title: 'Paris', text: 'Capital of France.', aliases: [] }]);
    const summary = await exportGold(docs, { format: 'blink', out: path.join(dir, 't.jsonl'), devOut: path.join(dir, 'd.jsonl'), seed: 4, includeNil: false, kb, mapGold: createGoldMapper(kb, { kind: 'id' }) });
    const train = await readGold(path.join(dir, 't.jsonl'), 'blink');
    const dev = await readGold(path.join(dir, 'd.jsonl'), 'blink');
    assert.equal(summary.documents.train + summary.documents.dev, 20);
    assert.equal(summary.documents.dev, 4);
    assert.deepEqual(new Set([...train, ...dev].map((d) => d.id)).size, 20);
    assert.ok(train.every((d) => !dev.some((e) => e.id === d.id)));
    assert.ok([...train, ...dev].every((d) => d.mentions.length === 1 && !d.mentions[0]!.nil));
    assert.equal(summary.mentions.nilLeftOut, 20);
    assert.equal(summary.kbCoverage, 1);
    const rec = JSON.parse(fs.readFileSync(path.join(dir, 't.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    assert.equal(rec['label'], 'Capital of France.');
    assert.equal(rec['label_title'], 'Paris');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a dev split with a share outside [0, 1) or a seed that is not a 32-bit whole number is refused before anything is written', async () => {
  const dir = tempDir();
  try {
    const text = 'Doc mentions Paris.';
    const docs = [0, 1, 2].map((i): GoldDocument => ({ id: `d${i}`, text, mentions: [mention(text, 'Paris', ['P'])] }));
    const out = { format: 'blink' as const, out: path.join(dir, 't.jsonl'), devOut: path.join(dir, 'd.jsonl') };
    for (const bad of [{ devFraction: 5 }, { devFraction: -0.2 }, { devFraction: Number.NaN }, { seed: 1.5 }, { seed: -1 }, { seed: 2 ** 32 }]) {
      await assert.rejects(exportGold(docs, { ...out, ...bad }), (e: Error) => /Cannot split the export/.test(e.message), JSON.stringify(bad));
    }
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('BLINK records from elsewhere: contexts joined with a space between words; NIL label ids', () => {
  const jsonl = [
    JSON.stringify({ context_left: 'He visited', mention: 'Paris', context_right: 'in May .', label_id: 'Q90', label_title: 'Paris', world: 'news' }),
    JSON.stringify({ context_left: 'The (', mention: 'EU', context_right: ') said', label_id: null }),
  ].join('\n');
  const docs = parseBlinkTraining(jsonl, 'x.jsonl');
  assert.equal(docs[0]!.text, 'He visited Paris in May .');
  assert.equal(docs[0]!.collection, 'news');
  assert.deepEqual(docs[0]!.mentions[0], { start: 11, end: 16, text: 'Paris', goldIds: ['Q90'], nil: false, goldNames: ['Paris'], source: { file: 'x.jsonl', line: 1, record: 'x:1:1' } });
  assert.equal(docs[1]!.text, 'The (EU) said');
  assert.equal(docs[1]!.mentions[0]!.nil, true);
});

void test('brat reader: discontinuous spans are skipped with a reason; a wrong surface names the line', () => {
  const skipped: string[] = [];
  const doc = parseBratStandoff('T1\tPER 0 5\tSteve\nT2\tLOC 0 2;3 5\tSt ve\nA1\tNegated T1\n', 'Steve', { id: 'd', annFile: 'd.ann' }, { onSkip: (s, why) => skipped.push(`${s.line}: ${why}`) });
  assert.equal(doc.mentions.length, 1);
  assert.equal(doc.mentions[0]!.nil, true);
  assert.deepEqual(skipped, ['2: a discontinuous span is not one mention']);
  assert.throws(() => parseBratStandoff('T1\tPER 0 5\tSteev\n', 'Steve', { id: 'd', annFile: 'd.ann' }), /d\.ann:1/);
});

void test('context windows are cut back to whole words', () => {
  const text = 'alpha beta gamma MENTION delta epsilon zeta';
  const start = text.indexOf('MENTION');
  assert.deepEqual(contextAround(text, { start, end: start + 7 }, 8), { left: 'gamma ', right: ' delta' });
  assert.deepEqual(contextAround(text, { start, end: start + 7 }, undefined), { left: 'alpha beta gamma ', right: ' delta epsilon zeta' });
});

void test('exported hard negatives come from the linker, never the gold or a declared duplicate', async () => {
  const text = 'Paris is nice.';
  const doc: GoldDocument = { id: 'd', text, mentions: [mention(text, 'Paris', ['P']), mention(text, 'nice', [])] };
  const kb = new KnowledgeBase('k', ['P', 'P2', 'X', 'Y', 'Z'].map((id) => ({ id, title: `T${id}`, text: '', aliases: [] })));
  const asked: SpanRequest[][] = [];
  const linker: DocumentLinker = {
    linkDocument: async () => [],
    linkSpans: async (_t: string, spans: readonly SpanRequest[]): Promise<LinkedMention[]> => {
      asked.push([...spans]);
      return spans.map((s) => ({
        ...s,
        text: _t.slice(s.start, s.end),
        nil: false,
        margin: 0,
        hardNegatives: [],
        candidates: ['P2', 'P', 'X', 'Y', 'Z'].map((id, i) => ({ id, title: `T${id}`, score: 5 - i, probability: 0.2, signals: { retrievedBy: ['dense'] } })),
      }));
    },
  };
  const negatives = await mineExportNegatives([doc], linker, { mapGold: createGoldMapper(kb, { kind: 'id' }), count: 2, duplicatesOf: (id) => (id === 'P' ? ['P2'] : []) });
  assert.equal(asked[0]!.length, 1, 'only the in-KB gold mention is linked');
  assert.deepEqual(negatives.get(doc.mentions[0]!), [{ id: 'X', title: 'TX', score: 3 }, { id: 'Y', title: 'TY', score: 2 }]);
  assert.equal(negatives.get(doc.mentions[1]!), undefined);
});
