import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { ExactIndex } from '../../../src/core/index/exactIndex';
import type { Entity } from '../../../src/core/kb/entity';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { Linker, type LinkerOptions } from '../../../src/core/linker/linker';
import { openPgCandidateStore, type PgCandidateStore } from '../../../src/core/store/pgCandidateStore';
import { PgConnection } from '../../../src/core/store/pgConnection';
import type { EntityRecords } from '../../../src/core/store/entityRecords';
import { PgEntityRecords } from '../../../src/core/store/pgEntityRecords';
import { buildPgStore } from '../../../src/core/store/pgStoreBuild';
import { parseStoreUrl } from '../../../src/core/store/storeUrl';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, TINY_ENTITIES } from '../../fixtures/linker/tinyKb';
import { storeFixture } from './storeFixture';
import { startTestServer, type TestServer } from './pgTestServer';

const encoder = new FakeEncoder(64);
// The tiny KB plus records whose fields must survive the round trip: quotes, backslashes, commas and braces in
// aliases, a type, a prior, an empty description.
const ENTITIES: readonly Entity[] = [
  ...TINY_ENTITIES,
  { id: 'Q13', title: 'Cork', text: 'Cork is a city in the south of Ireland.', aliases: ['Corcaigh', 'the "Rebel" City', 'back\\slash, {brace}'], type: 'city', prior: 7 },
  { id: 'Q14', title: 'cork', text: '', aliases: [], type: 'material', prior: 0.5 },
];
const kb = new KnowledgeBase('tiny+', ENTITIES);
const dims = encoder.dims;
const { vectors, stamp } = storeFixture(kb, encoder);
const DOC = 'Dublin is the capital of Ireland and the river Liffey runs through it.\n\nThe WHO published a report on New York City and Cork.';

let server: TestServer;
let url: string;
before(async () => {
  server = await startTestServer();
  url = server.urlFor('records');
  const connection = new PgConnection({ location: parseStoreUrl(url) });
  try {
    await buildPgStore({ connection, entities: kb.entities, vectors, stamp: { ...stamp, vectorType: 'vector' } });
  } finally {
    await connection.close();
  }
});
after(async () => {
  await server.stop();
});

async function open(): Promise<PgCandidateStore> {
  return openPgCandidateStore({ location: parseStoreUrl(url), expect: stamp, rebuildCommand: 'entity-linker index --store URL', queryTimeoutMs: 5000 });
}

void test('records read from the store equal the KB records, and unknown ids and rows are not invented', async () => {
  const store = await open();
  try {
    const records = new PgEntityRecords(store.connection, store.stamp);
    assert.equal(records.size, kb.size);
    assert.equal(records.all, undefined);
    await records.load(kb.entities.map((_, row) => row));
    kb.entities.forEach((e, row) => assert.deepEqual(records.entity(row), e, `row ${row}`));
    await records.resolve(['Q13', 'Q404']);
    assert.equal(records.rowOf('Q13'), 12);
    assert.equal(records.rowOf('Q404'), undefined);
    assert.throws(() => new PgEntityRecords(store.connection, store.stamp).entity(0), (e: unknown) => LinkerError.is(e, 'internal') && /before it was loaded/.test((e as Error).message));
  } finally {
    await store.close();
  }
});

void test('a store-mode linker links without the KB in the process: same mentions, candidates and scores as the embedded linker', async () => {
  const store = await open();
  try {
    const records = new PgEntityRecords(store.connection, store.stamp, { capacity: 4 });
    const options: Partial<LinkerOptions> = { denseTopN: kb.size, topK: 5 };
    const embedded = new Linker({ kb, encoder, index: new ExactIndex(vectors, dims), rankerWeights: TEST_WEIGHTS, options });
    // No `kb` and no dictionary: records and each document's dictionary (the entities named in it) come from the store.
    const viaStore = new Linker({ records, encoder, candidateStore: store, rankerWeights: TEST_WEIGHTS, options });
    const context = { decisions: [{ start: 0, end: 6, text: 'Dublin', entityId: 'Q1' }] };
    const [a, b] = [await embedded.linkDocument(DOC, { context }), await viaStore.linkDocument(DOC, { context })];
    assert.ok(a.length >= 5);
    assert.deepEqual(b.map((m) => m.text), a.map((m) => m.text));
    a.forEach((m, i) => {
      assert.deepEqual(b[i].candidates.map((c) => [c.id, c.title]), m.candidates.map((c) => [c.id, c.title]), `candidates of '${m.text}'`);
      m.candidates.forEach((c, k) => {
        assert.ok(Math.abs(b[i].candidates[k].score - c.score) < 1e-4, `score of ${c.id} for '${m.text}'`);
        // Every ranking feature (the n-gram one from the record's names) within float32 rounding of the dense cosine.
        const got = b[i].candidates[k].features ?? [];
        assert.equal(got.length, c.features?.length);
        got.forEach((f, j) => assert.ok(Math.abs(f - c.features![j]) < 1e-5, `feature ${j} of ${c.id} for '${m.text}'`));
      });
    });
    assert.ok(records.queries <= 4, `a resolve (the decision's id), the names lookup, the named records, the pooled records: not ${records.queries}`);
    assert.ok(records.cached >= kb.size - 2, 'the document keeps all of its candidates although the capacity is 4');
    // An edit re-links its paragraph with that paragraph's dictionary.
    const edited = DOC.replace('The WHO published', 'The WHO and The Who published');
    const [ra, rb] = [await embedded.relinkChanged(DOC, a, edited), await viaStore.relinkChanged(DOC, b, edited)];
    assert.deepEqual(rb.map((m) => [m.text, m.candidates[0]?.id]), ra.map((m) => [m.text, m.candidates[0]?.id]));
    assert.ok(ra.some((m) => m.text === 'The Who'), 'the new name is detected');
    // Given candidate ids are resolved through the store too.
    const spans = [{ start: 0, end: 6, candidateIds: ['Q2', 'Q1', 'Q404'] }];
    const [x, y] = [await embedded.linkSpans(DOC, spans), await viaStore.linkSpans(DOC, spans)];
    assert.deepEqual(y[0].candidates.map((c) => c.id), x[0].candidates.map((c) => c.id));
    assert.ok(records.cached <= 4, `after a two-candidate call the cache is back within its capacity (${records.cached})`);
  } finally {
    await store.close();
  }
});

void test('the record cache keeps at most its capacity, least recently used out first, and fetches only what it lacks', async () => {
  const store = await open();
  try {
    const records = new PgEntityRecords(store.connection, store.stamp, { capacity: 3 });
    await records.load([0, 1, 2]);
    assert.equal(records.queries, 1);
    await records.load([0, 1]);
    assert.equal(records.queries, 1, 'cached rows cost no query');
    await records.load([3]);
    assert.equal(records.cached, 3);
    assert.throws(() => records.entity(2), /before it was loaded/, 'row 2 was the least recently used');
    assert.equal(records.entity(0).id, 'Q1');
    await records.load([4, 5, 6, 7, 8]);
    assert.equal(records.cached, 5, 'a load larger than the capacity keeps all of its rows');
    await records.load([9]);
    assert.equal(records.cached, 3);
    assert.equal(records.queries, 4);
    await records.resolve(['Q1', 'Q1', 'Q2']);
    assert.equal(records.cached, 3);
    assert.equal(records.rowOf('Q2'), 1);
  } finally {
    await store.close();
  }
});

void test('a connection lost mid-document is retried; a store that stays down fails the call clearly and the next one links', async () => {
  const store = await open();
  try {
    const gazetteer = new Gazetteer(kb.entities);
    const linkerOver = (records: EntityRecords): Linker => new Linker({ records, gazetteer, encoder, candidateStore: store, rankerWeights: TEST_WEIGHTS, options: { topK: 3 } });
    const linker = linkerOver(new PgEntityRecords(store.connection, store.stamp));
    const first = await linker.linkDocument(DOC);
    // Cut after the candidates arrived and before the records are read: the record query reconnects once.
    const cutting = linkerOver(faultBeforeLoad(new PgEntityRecords(store.connection, store.stamp), () => server.cutConnections()));
    assert.deepEqual((await cutting.linkDocument(DOC)).map((m) => m.candidates[0]?.id), first.map((m) => m.candidates[0]?.id));
    const down = (): void => {
      server.setDown(true);
      server.cutConnections();
    };
    const failing = linkerOver(faultBeforeLoad(new PgEntityRecords(store.connection, store.stamp), down));
    await assert.rejects(failing.linkDocument(DOC), (e: unknown) => LinkerError.is(e, 'storeUnavailable') && /could not be reached.*next request tries again/s.test((e as Error).message));
    server.setDown(false);
    assert.deepEqual((await failing.linkDocument(DOC)).map((m) => m.candidates[0]?.id), first.map((m) => m.candidates[0]?.id), 'not wedged');
  } finally {
    server.setDown(false);
    await store.close();
  }
});

/** The records with `fault` run ahead of their first load (after the candidates came, before the records are read). */
function faultBeforeLoad(records: EntityRecords, fault: () => void): EntityRecords {
  let done = false;
  return {
    name: records.name,
    size: records.size,
    all: undefined,
    load: async (rows, signal) => {
      if (!done) {
        done = true;
        fault();
      }
      return records.load(rows, signal);
    },
    resolve: (ids, signal) => records.resolve(ids, signal),
    entity: (row) => records.entity(row),
    rowOf: (id) => records.rowOf(id),
  };
}
