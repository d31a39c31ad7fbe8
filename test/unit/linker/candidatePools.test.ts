import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactIndex } from '../../../src/core/index/exactIndex';
import type { SearchOptions, VectorIndex } from '../../../src/core/index/vectorIndex';
import { retrievePools, type PoolRequest, type PoolSources } from '../../../src/core/linker/candidatePools';
import { LexicalIndex } from '../../../src/core/linker/lexicalIndex';
import { Linker } from '../../../src/core/linker/linker';
import { NgramIndex } from '../../../src/core/linker/ngramIndex';
import { entityText } from '../../../src/core/linker/textTemplates';
import { BruteForceIndex, FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';

const kb = tinyKb();
const encoder = new FakeEncoder();
const entityVectors = kb.entities.map((e) => encoder.vector(entityText(e)));
const flat = new Float32Array(entityVectors.length * encoder.dims);
entityVectors.forEach((v, i) => flat.set(v, i * encoder.dims));

function sources(index: VectorIndex | undefined, counts: Map<string, number>): PoolSources {
  const lexical = new LexicalIndex(kb.entities);
  const ngram = new NgramIndex(kb.entities, { threshold: 0.2 });
  const count = (what: string): void => void counts.set(what, (counts.get(what) ?? 0) + 1);
  return {
    index: index === undefined ? undefined : { ...index, kind: index.kind, dims: index.dims, size: index.size, search: (q, k) => (count('search'), index.search(q, k)), vector: (r) => index.vector(r), ...(index.searchMany === undefined ? {} : { searchMany: (qs: readonly Float32Array[], k: number, o?: SearchOptions) => (count('searchMany'), index.searchMany!(qs, k, o)) }) },
    indexRows: undefined,
    denseTopN: 4,
    lexicalTopN: 3,
    ngramTopN: 3,
    useLexical: true,
    storeRetrieves: false,
    exactRows: (text) => lexical.exactRows(text),
    // "Big Apple" was linked to New York City by the annotator: a learned form.
    learnedRows: (text) => (text === 'Big Apple' ? [2] : []),
    lexicalHits: (text, k) => (count(`lexical:${text}`), lexical.retrieve(text, k)),
    ngramHits: (text, k) => ngram.retrieve(text, k),
  };
}

const TEXTS = ['Dublin', 'Apple', 'Dublin', 'Big Apple', 'New York', 'Dublin', 'Dubblin', 'Apple'];
const requests: PoolRequest[] = TEXTS.map((text, i) => ({
  text,
  // In-context vectors differ per mention; the bare-name vector is the text's.
  vector: encoder.vector(`${text} mention ${i} in Ireland`),
  nameVector: encoder.vector(text),
  ...(i === 2 ? { detectedRows: [1] } : {}),
  ...(i === 5 ? { extraRows: [11] } : {}),
}));
requests.push({ text: 'Dublin', givenRows: [1, 0], vector: encoder.vector('given'), nameVector: encoder.vector('Dublin') });

const asArrays = (pools: ReturnType<typeof retrievePools>): unknown[] => pools.map((p) => [...p.entries()]);

for (const [label, index] of [
  ['ExactIndex (searchMany)', new ExactIndex(flat, encoder.dims)],
  ['an index without searchMany', new BruteForceIndex(entityVectors, encoder.dims)],
  ['no index', undefined],
] as const) {
  void test(`document pools equal mention-by-mention pools (${label}), with each name looked up once`, () => {
    const counts = new Map<string, number>();
    const batched = retrievePools(requests, sources(index, counts));
    const single = requests.map((r) => retrievePools([r], sources(index, new Map()))[0]!);
    assert.deepEqual(asArrays(batched), asArrays(single));
    assert.equal(counts.get('lexical:Dublin'), 1);
    assert.equal(counts.get('lexical:Apple'), 1);
    if (index !== undefined) {
      // 8 in-context queries + 5 distinct names (the given mention asks nothing), in one call when the index can take it.
      if ((index as VectorIndex).searchMany === undefined) assert.equal(counts.get('search'), 8 + 5);
      else assert.deepEqual([counts.get('searchMany'), counts.get('search')], [1, undefined]);
    }
    // What each mention's pool must hold: the given mention only its given rows, the learned form its entity.
    assert.deepEqual([...batched[8]!.keys()], [1, 0]);
    assert.ok(batched[3]!.get(2)?.exact);
    assert.ok(batched[5]!.get(11)?.given);
  });
}

void test('the linker links a document with repeated names as it links each span alone', async () => {
  const text = 'Dublin is on the Liffey. Apple makes phones. Dublin, Ohio is near Columbus. Apple pie. Dublin again.';
  const spans = ['Dublin', 'Liffey', 'Apple', 'Dublin', 'Ohio', 'Apple', 'Dublin'].map((w, i, all) => {
    let from = 0;
    for (let j = 0; j < i; j++) if (all[j] === w) from = text.indexOf(w, from) + 1;
    const start = text.indexOf(w, from);
    return { start, end: start + w.length };
  });
  const linker = new Linker({ kb, encoder, index: new ExactIndex(flat, encoder.dims), rankerWeights: TEST_WEIGHTS, options: { batchSize: 2 } });
  const together = await linker.linkSpans(text, spans);
  const alone = await Promise.all(spans.map(async (s) => (await linker.linkSpans(text, [s]))[0]));
  assert.deepEqual(together, alone);
  assert.equal(new Set(together.map((m) => m.start)).size, spans.length);
});

void test('the dense queries go to the index with the linker\'s search breadth (Linker default 200)', () => {
  const seen: (number | undefined)[] = [];
  const exact = new ExactIndex(flat, encoder.dims);
  const index: VectorIndex = { kind: 'hnsw', dims: exact.dims, size: exact.size, search: (q, k) => exact.search(q, k), vector: (r) => exact.vector(r), searchMany: (qs, k, o) => (seen.push(o?.efSearch), exact.searchMany(qs, k)) };
  retrievePools(requests, { ...sources(index, new Map()), denseEfSearch: 77 });
  retrievePools(requests, sources(index, new Map()));
  assert.deepEqual(seen, [77, undefined]);
  assert.equal(new Linker({ kb, encoder }).options.denseEfSearch, 200);
});
