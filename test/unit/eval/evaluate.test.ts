import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { evaluate } from '../../../src/core/eval/evaluate';
import { createGoldMapper } from '../../../src/core/formats/goldMapping';
import type { GoldDocument, GoldMention } from '../../../src/core/formats/goldDocument';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import type { DocumentLinker, LinkedMention, LinkOptions, SpanRequest } from '../../../src/core/linker/types';
import type { Progress } from '../../../src/core/log';

const kb = new KnowledgeBase('t', ['Q1', 'Q2', 'Q3'].map((id) => ({ id, title: id, text: '', aliases: [] })));

function linked(text: string, start: number, end: number, ids: string[], nil = false): LinkedMention {
  const candidates = ids.map((id, i) => ({ id, title: id, score: -i, probability: 0, signals: { retrievedBy: ['dense' as const] } }));
  return { start, end, text: text.slice(start, end), candidates, nil, margin: 1, hardNegatives: candidates.slice(1) };
}

/** Answers by surface form; records what it was asked. */
class FakeLinker implements DocumentLinker {
  readonly spanCalls: { text: string; spans: readonly SpanRequest[]; topK?: number }[] = [];
  constructor(private readonly answers: Record<string, { ids: string[]; nil?: boolean }>, private readonly detected: { start: number; end: number }[] = []) {}

  async linkSpans(text: string, spans: readonly SpanRequest[], options?: LinkOptions): Promise<LinkedMention[]> {
    this.spanCalls.push({ text, spans, topK: options?.topK });
    return spans.map((s) => {
      const a = this.answers[text.slice(s.start, s.end)] ?? { ids: [] };
      return linked(text, s.start, s.end, s.candidateIds !== undefined ? [...s.candidateIds] : a.ids, a.nil ?? a.ids.length === 0);
    });
  }

  async linkDocument(text: string): Promise<LinkedMention[]> {
    return this.linkSpans(text, this.detected);
  }
}

function m(text: string, surface: string, goldIds: string[], extra: Partial<GoldMention> = {}): GoldMention {
  const start = text.indexOf(surface);
  return { start, end: start + surface.length, text: surface, goldIds, nil: goldIds.length === 0, source: { file: 'gold.jsonl', line: 1 }, ...extra };
}

const t1 = 'Alpha met Beta.';
const t2 = 'Gamma and Delta.';
const docs: GoldDocument[] = [
  { id: 'doc1', text: t1, collection: 'c1', mentions: [m(t1, 'Alpha', ['Q1']), m(t1, 'Beta', ['Q2'])] },
  { id: 'doc2', text: t2, collection: 'c2', mentions: [m(t2, 'Gamma', ['Q9']), m(t2, 'Delta', [])] },
];

/** A clock that advances one second per reading. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 1000);
}

void test('disambiguation: gold spans linked, metrics computed, timings attributed per mention', async () => {
  const linker = new FakeLinker({ Alpha: { ids: ['Q1', 'Q2'] }, Beta: { ids: ['Q1', 'Q2'] }, Gamma: { ids: ['Q3'] }, Delta: { ids: [] } });
  const progress: Progress[] = [];
  const report = await evaluate({ docs, linker, mapGold: createGoldMapper(kb, { kind: 'id' }), onProgress: (p) => progress.push(p), now: steppingClock() });
  assert.equal(linker.spanCalls.length, 2);
  assert.equal(linker.spanCalls[0].topK, 64);
  assert.deepEqual(linker.spanCalls[0].spans, [{ start: 0, end: 5 }, { start: 10, end: 14 }]);
  const x = report.metrics;
  assert.deepEqual([x.mentions, x.inKb, x.outOfKb, x.nilGold], [4, 2, 1, 1]);
  assert.equal(x.accuracy, 1 / 2);
  assert.equal(x['recall@10'], 1);
  // Alpha right; Beta wrong; Gamma (out of KB) answered Q3: wrong; Delta (NIL) answered NIL: right.
  assert.equal(x.unnormalizedAccuracy, 2 / 4);
  assert.equal(x.meanSecondsPerMention, 0.5);
  assert.deepEqual(report.primary, { name: 'accuracy', value: 1 / 2 });
  assert.deepEqual(report.perDocument.map((d) => [d.id, d.mentions, d.accuracy, d.seconds]), [['doc1', 2, 1 / 2, 1], ['doc2', 2, null, 1]]);
  assert.deepEqual(report.perCollection.map((c) => c.key), ['c1', 'c2']);
  assert.equal(report.macro.byDocument.accuracy, 1 / 2);
  assert.equal(report.e2e, undefined);
  assert.equal(report.seconds, 5);
  assert.deepEqual(progress.map((p) => [p.done, p.total]), [[1, 2], [2, 2]]);
  const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  assert.ok('metrics' in json && 'perDocument' in json && 'seconds' in json);
});

void test('candidate restriction: candidateIds or candidatesFor go to the linker', async () => {
  const linker = new FakeLinker({});
  const doc: GoldDocument = { id: 'w', text: 'bank bank', mentions: [m('bank bank', 'bank', ['Q2'], { candidateIds: ['Q1', 'Q2'] }), { ...m('bank bank', 'bank', ['Q3'], { lemma: 'bank' }), start: 5, end: 9 }] };
  const report = await evaluate({ docs: [doc], linker, mapGold: createGoldMapper(kb, { kind: 'id' }), candidatesFor: (g) => (g.lemma === 'bank' ? ['Q3', 'Q1'] : undefined) });
  assert.deepEqual(linker.spanCalls[0].spans.map((s) => s.candidateIds), [['Q1', 'Q2'], ['Q3', 'Q1']]);
  assert.equal(report.metrics['recall@1'], 1 / 2);
  assert.equal(report.metrics['recall@10'], 1);
});

void test('end-to-end: linkDocument output scored as (span, entity) pairs; undetected golds are misses', async () => {
  const linker = new FakeLinker({ Alpha: { ids: ['Q1'] }, 'met ': { ids: ['Q3'] } }, [{ start: 0, end: 5 }, { start: 6, end: 10 }]);
  const report = await evaluate({ docs: [docs[0]], linker, mapGold: createGoldMapper(kb, { kind: 'id' }), mode: 'end-to-end' });
  assert.ok(report.e2e !== undefined);
  assert.deepEqual([report.e2e.strict.truePositives, report.e2e.strict.predicted, report.e2e.strict.gold], [1, 2, 2]);
  assert.equal(report.primary.name, 'e2e.strict.f1');
  assert.equal(report.primary.value, 1 / 2);
  assert.equal(report.metrics.accuracy, 1 / 2, 'Beta was never detected');
});

void test('invalid gold mentions fail with file and line, or are skipped and listed', async () => {
  const bad: GoldDocument = { id: 'bad', text: 'Alpha', mentions: [{ ...m('Alpha', 'Alpha', ['Q1']), text: 'Alphx', source: { file: 'g.jsonl', line: 7, record: 'r1' } }, { ...m('Alpha', 'Alpha', ['Q1']), end: 9 }] };
  const linker = new FakeLinker({ Alpha: { ids: ['Q1'] } });
  const mapGold = createGoldMapper(kb, { kind: 'id' });
  await assert.rejects(evaluate({ docs: [bad], linker, mapGold }), (e: unknown) => {
    assert.ok(LinkerError.is(e, 'inputFormat'));
    assert.match(e.message, /^g\.jsonl:7: Gold mention in document bad \(r1\): the text at \[0, 5\) is "Alpha", not the anchor "Alphx"/);
    return true;
  });
  const report = await evaluate({ docs: [bad, docs[0]], linker, mapGold, skipInvalid: true });
  assert.equal(report.invalid.length, 2);
  assert.match(report.invalid[1].problem, /outside the text/);
  assert.equal(report.metrics.mentions, 2);
});

void test('cancellation: an aborted signal stops the run', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(evaluate({ docs, linker: new FakeLinker({}), mapGold: createGoldMapper(kb, { kind: 'id' }), signal: controller.signal }), (e: unknown) => LinkerError.is(e, 'cancelled'));
});

void test('emerging gold (notInWiki) that the KB holds is scored in KB, and the report counts it', async () => {
  const text = 'Alpha met Beta.';
  const doc: GoldDocument = { id: 'd', text, mentions: [m(text, 'Alpha', [], { emergingIds: ['http://aksw.org/notInWiki/Q1'] }), m(text, 'Beta', [], { emergingIds: ['http://aksw.org/notInWiki/Zeta'] })] };
  const report = await evaluate({ docs: [doc], linker: new FakeLinker({ Alpha: { ids: ['Q1'] }, Beta: { ids: [] } }), mapGold: createGoldMapper(kb, { kind: 'iri-suffix' }) });
  assert.equal(report.metrics.inKb, 1);
  assert.equal(report.metrics.nilGold, 1);
  assert.equal(report.metrics.accuracy, 1);
  assert.equal(report.emergingInKb, 1);
});
