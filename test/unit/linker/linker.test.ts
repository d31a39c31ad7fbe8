import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linker } from '../../../src/core/linker/linker';
import type { LinkerOptions } from '../../../src/core/linker/linker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { LinkerError } from '../../../src/core/errors';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

function makeLinker(options: Partial<LinkerOptions> = {}, withIndex = true): { linker: Linker; encoder: FakeEncoder } {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const index = new BruteForceIndex(kb.entities.map((e) => encoder.vector(entityText(e))), encoder.dims);
  const linker = new Linker({ kb, encoder, ...(withIndex ? { index } : {}), rankerWeights: TEST_WEIGHTS, options });
  return { linker, encoder };
}

const DOC = [
  'Dublin is the capital of Ireland and the river Liffey runs through it.',
  '',
  'Dublin, a suburb of Columbus in Ohio, grew fast in the United States.',
  '',
  'The WHO published a report on public health in New York City.',
].join('\n');

void test('linkDocument detects and links by context; results are structured-cloneable', async () => {
  const { linker } = makeLinker();
  const res = await linker.linkDocument(DOC);
  const pairs = res.map((m) => [m.text, m.nil ? 'NIL' : m.candidates[0].id]);
  assert.deepEqual(pairs, [
    ['Dublin', 'Q1'],
    ['Ireland', 'Q11'],
    ['river Liffey', 'Q10'],
    ['Dublin', 'Q2'],
    ['Ohio', 'Q12'],
    ['WHO', 'Q5'],
    ['New York City', 'Q3'],
  ]);
  for (const m of res) assert.equal(DOC.slice(m.start, m.end), m.text);
  assert.deepEqual(structuredClone(res), res);
  const t = linker.timings;
  assert.equal(t.mentions, res.length);
  assert.ok(t.encoding >= 0 && t.detection >= 0 && t.retrieval >= 0 && t.ranking >= 0);
});

void test('every candidate says which retriever found it and carries its features', async () => {
  const { linker } = makeLinker();
  const [m] = await linker.linkDocument('Dublin is the capital of Ireland.');
  const top = m.candidates[0];
  assert.ok(top.signals.retrievedBy.includes('dense'));
  assert.ok(top.signals.retrievedBy.includes('lexical'));
  assert.equal(top.signals.exactName, true);
  assert.equal(typeof top.signals.dense, 'number');
  assert.ok(m.hardNegatives.every((c) => c.id !== top.id));
  const sum = m.candidates.reduce((a, c) => a + c.probability, 0);
  assert.ok(sum <= 1 + 1e-9);
});

void test('linkSpans with candidateIds scores exactly those candidates', async () => {
  const { linker } = makeLinker();
  const text = 'He bought an apple pie, sweet fruit from the tree.';
  const start = text.indexOf('apple');
  const [m] = await linker.linkSpans(text, [{ start, end: start + 5, candidateIds: ['Q7', 'Q8', 'NOPE'] }]);
  assert.deepEqual(m.candidates.map((c) => c.id).sort(), ['Q7', 'Q8']);
  assert.equal(m.candidates[0].id, 'Q8');
  assert.ok(m.candidates.every((c) => c.signals.retrievedBy.join() === 'given' && typeof c.signals.dense === 'number'));
  const p = m.candidates.reduce((a, c) => a + c.probability, 0);
  assert.ok(Math.abs(p - 1) < 1e-9);
});

void test('linkSpans without candidates retrieves; works without any vector index too', async () => {
  for (const withIndex of [true, false]) {
    const { linker } = makeLinker({}, withIndex);
    const text = 'They moved to Dublin, a suburb of Columbus in Ohio.';
    const [m] = await linker.linkSpans(text, [{ start: 14, end: 20 }]);
    assert.equal(m.candidates[0].id, 'Q2', `withIndex=${withIndex}`);
  }
  const { linker } = makeLinker();
  await assert.rejects(linker.linkSpans('abc', [{ start: 2, end: 9 }]), (e: unknown) => LinkerError.is(e, 'usage'));
});

void test('the NIL threshold turns a low-probability best candidate into NIL', async () => {
  const strict = makeLinker({ nilThreshold: 0.999999 }).linker;
  const text = 'We visited New York last week.';
  const [m] = await strict.linkSpans(text, [{ start: 11, end: 19 }]);
  assert.equal(m.nil, true);
  const lax = makeLinker({ nilThreshold: 0 }).linker;
  assert.equal((await lax.linkSpans(text, [{ start: 11, end: 19 }]))[0].nil, false);
});

void test('mentions are encoded in batches and the topK option is honoured', async () => {
  const { linker, encoder } = makeLinker({ batchSize: 2 });
  const res = await linker.linkDocument(DOC, { topK: 2 });
  assert.ok(res.every((m) => m.candidates.length <= 2));
  const mentionCalls = encoder.calls.filter((n) => n <= 2);
  assert.ok(mentionCalls.length >= Math.ceil(res.length / 2));
});

void test('cancellation stops between batches with a cancelled LinkerError', async () => {
  const { linker, encoder } = makeLinker({ batchSize: 1 });
  const ac = new AbortController();
  const original = encoder.encode.bind(encoder);
  let calls = 0;
  encoder.encode = async (texts) => {
    calls++;
    if (calls === 2) ac.abort();
    return original(texts, {});
  };
  await assert.rejects(linker.linkDocument(DOC, { signal: ac.signal }), (e: unknown) => LinkerError.is(e, 'cancelled'));
  assert.ok(calls <= 3, `calls ${calls}`);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(linker.linkDocument(DOC, { signal: pre.signal }), (e: unknown) => LinkerError.is(e, 'cancelled'));
});

void test('relinkChanged equals a full relink and re-links only the changed paragraph', async () => {
  const { linker } = makeLinker();
  const before = await linker.linkDocument(DOC);
  const edited = DOC.replace('Dublin, a suburb of Columbus in Ohio', 'Dublin, Ohio, a suburb of Columbus in the state of Ohio, and NYC');
  const incremental = await linker.relinkChanged(DOC, before, edited);
  const relinked = linker.timings.mentions;
  const full = await linker.linkDocument(edited);
  assert.deepEqual(incremental, full);
  assert.ok(relinked < full.length, `relinked ${relinked} of ${full.length}`);
  // Edits that add and remove paragraph breaks.
  for (const next of [edited.replace('\n\nThe WHO', ' The WHO'), `Ohio first.\n\n${edited}`, edited.replace('Ireland and', 'Ireland.\n\nAnd'), '']) {
    const inc = await linker.relinkChanged(edited, full, next);
    assert.deepEqual(inc, await linker.linkDocument(next), JSON.stringify(next));
  }
  assert.deepEqual(await linker.relinkChanged(DOC, before, DOC), before);
});

void test('NIL settings: caller options win over ranker.json, which wins over the defaults', async () => {
  const kb = tinyKb();
  const encoder = new FakeEncoder();
  const fromFile = new Linker({ kb, encoder, rankerWeights: { version: 1, weights: { dense: 10, lexical: 4, exactName: 2, exactTitle: 1, denseMissing: -1 }, nilThreshold: 0.999999 } });
  assert.equal(fromFile.options.nilThreshold, 0.999999);
  const text = 'We visited New York last week.';
  assert.equal((await fromFile.linkSpans(text, [{ start: 11, end: 19 }]))[0].nil, true);
  const overridden = new Linker({ kb, encoder, rankerWeights: { version: 1, weights: { dense: 10, lexical: 4, exactName: 2, exactTitle: 1, denseMissing: -1 }, nilThreshold: 0.999999 }, options: { nilThreshold: 0 } });
  assert.equal((await overridden.linkSpans(text, [{ start: 11, end: 19 }]))[0].nil, false);
});

void test('given candidates that tie keep the given order (e.g. WordNet sense order), whatever their KB rows', async () => {
  const { linker } = makeLinker({ retrievers: 'lexical' });
  const text = 'Something zzqx happened.';
  const start = text.indexOf('zzqx');
  const [forward] = await linker.linkSpans(text, [{ start, end: start + 4, candidateIds: ['Q8', 'Q7'] }]);
  const [backward] = await linker.linkSpans(text, [{ start, end: start + 4, candidateIds: ['Q7', 'Q8'] }]);
  assert.equal(forward.candidates[0].score, forward.candidates[1].score, 'the two candidates tie');
  assert.deepEqual(forward.candidates.map((c) => c.id), ['Q8', 'Q7']);
  assert.deepEqual(backward.candidates.map((c) => c.id), ['Q7', 'Q8']);
});

void test('the bare-name query finds a candidate the in-context query misses, scored by the in-context cosine', async () => {
  const text = 'The New York City subway and the United States census both mention Liffey today in New York City.';
  const start = text.indexOf('Liffey');
  const span = { start, end: start + 'Liffey'.length };
  const withName = makeLinker({ retrievers: 'dense', denseTopN: 1, nameQuery: true }).linker;
  const without = makeLinker({ retrievers: 'dense', denseTopN: 1, nameQuery: false }).linker;
  const [a] = await withName.linkSpans(text, [span]);
  const [b] = await without.linkSpans(text, [span]);
  assert.ok(!b.candidates.some((c) => c.id === 'Q10'), 'the context query alone does not retrieve Liffey');
  const liffey = a.candidates.find((c) => c.id === 'Q10');
  assert.ok(liffey !== undefined, 'the name query retrieves Liffey');
  assert.ok(liffey.signals.retrievedBy.includes('dense'));
  assert.equal(typeof liffey.signals.dense, 'number', 'scored by a cosine from the stored vector');
});

void test('an exact title match counts only with the same case ("Apple" is not the title "apple")', async () => {
  const { linker } = makeLinker({ retrievers: 'lexical' });
  const exactTitle = (m: { candidates: readonly { id: string; features?: readonly number[] }[] }, id: string): number | undefined =>
    m.candidates.find((c) => c.id === id)?.features?.[3];
  const text = 'Apple sells phones; an apple a day.';
  const [upper, lower] = await linker.linkSpans(text, [
    { start: 0, end: 5, candidateIds: ['Q7', 'Q8'] },
    { start: text.indexOf('apple'), end: text.indexOf('apple') + 5, candidateIds: ['Q7', 'Q8'] },
  ]);
  assert.equal(exactTitle(upper, 'Q8'), 0, '"Apple" vs the title "apple"');
  assert.equal(exactTitle(lower, 'Q8'), 1, '"apple" vs the title "apple"');
});
