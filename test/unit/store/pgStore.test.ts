import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { ExactIndex } from '../../../src/core/index/exactIndex';
import { LexicalIndex } from '../../../src/core/linker/lexicalIndex';
import { Linker, type LinkerOptions } from '../../../src/core/linker/linker';
import { NgramIndex } from '../../../src/core/linker/ngramIndex';
import { EmbeddedCandidateStore, type CandidateQuery } from '../../../src/core/store/candidateStore';
import { openPgCandidateStore } from '../../../src/core/store/pgCandidateStore';
import { PgConnection } from '../../../src/core/store/pgConnection';
import { readStoreState } from '../../../src/core/store/pgSchema';
import { buildPgStore, nameRowsOf, type BuildPgStoreOptions } from '../../../src/core/store/pgStoreBuild';
import { parseStoreUrl } from '../../../src/core/store/storeUrl';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TEST_WEIGHTS, tinyKb } from '../../fixtures/linker/tinyKb';
import { storeFixture } from './storeFixture';
import { startTestServer, type TestServer } from './pgTestServer';

const encoder = new FakeEncoder(64);
const kb = tinyKb();
const dims = encoder.dims;
const { vectors, stamp } = storeFixture(kb, encoder);
const REBUILD = 'entity-linker index --kb tiny.jsonl --store URL';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

async function build(url: string, extra: Partial<BuildPgStoreOptions> = {}): Promise<Awaited<ReturnType<typeof buildPgStore>>> {
  const connection = new PgConnection({ location: parseStoreUrl(url) });
  try {
    return await buildPgStore({ connection, entities: kb.entities, vectors, stamp: { ...stamp, vectorType: 'vector' }, ...extra });
  } finally {
    await connection.close();
  }
}

function open(url: string, expect: typeof stamp = stamp): ReturnType<typeof openPgCandidateStore> {
  return openPgCandidateStore({ location: parseStoreUrl(url), expect, rebuildCommand: REBUILD, queryTimeoutMs: 5000 });
}

const MENTIONS = ['Dublin', 'New York', 'WHO', 'Dublinn', 'river Liffey', 'Baile Atha Cliath'];
const queries: CandidateQuery[] = MENTIONS.map((text) => ({ text, vector: encoder.vector(`${text} is a place in Ireland`), nameVector: encoder.vector(text) }));
const LIMITS = { dense: 5, lexical: 4, ngram: 4 };

void test('a built store returns the dense hits, exact names and stored vectors of the embedded exact index', async () => {
  const url = server.urlFor('build');
  const built = await build(url);
  assert.equal(built.action, 'built');
  assert.equal(built.rowsWritten, kb.size);
  assert.equal((await build(url)).action, 'opened', 'a complete, current store is not written again');
  const store = await open(url);
  try {
    const embedded = new EmbeddedCandidateStore(new ExactIndex(vectors, dims), new LexicalIndex(kb.entities), new NgramIndex(kb.entities));
    const [fromPg, reference] = [await store.retrieve(queries, LIMITS), await embedded.retrieve(queries, LIMITS)];
    fromPg.forEach((got, i) => {
      const want = reference[i];
      assert.deepEqual(got.dense.map((h) => h.row), want.dense.map((h) => h.row), `dense rows of '${MENTIONS[i]}'`);
      got.dense.forEach((h, k) => assert.ok(Math.abs(h.score - want.dense[k].score) < 1e-5, `dense score of '${MENTIONS[i]}'`));
      assert.deepEqual(got.nameDense.map((h) => h.row), want.nameDense.map((h) => h.row), `name rows of '${MENTIONS[i]}'`);
      assert.deepEqual(got.exactRows, want.exactRows, `exact names of '${MENTIONS[i]}'`);
      assert.equal(got.lexical[0]?.row, want.lexical[0]?.row, `best name match of '${MENTIONS[i]}'`);
      for (const h of [...got.dense, ...got.lexical, ...got.ngram]) assert.deepEqual(store.vector(h.row), vectors.subarray(h.row * dims, (h.row + 1) * dims));
    });
    // Variant spellings reach the entity through pg_trgm as through the in-process n-gram index.
    assert.equal(fromPg[MENTIONS.indexOf('Dublinn')].ngram[0]?.row, kb.rowOf('Q1'));
    assert.ok(fromPg[MENTIONS.indexOf('Baile Atha Cliath')].lexical.some((h) => h.row === kb.rowOf('Q1')), 'an alias, accents folded');
  } finally {
    await store.close();
  }
});

void test('the linker ranks the same candidates with the store as with the embedded exact index', async () => {
  const url = server.urlFor('linker');
  await build(url);
  const store = await open(url);
  try {
    // Every entity reaches the pool densely in both, so the pools are equal and so must be the rankings.
    const options: Partial<LinkerOptions> = { denseTopN: kb.size, topK: 5 };
    const embedded = new Linker({ kb, encoder, index: new ExactIndex(vectors, dims), rankerWeights: TEST_WEIGHTS, options });
    const viaStore = new Linker({ kb, encoder, candidateStore: store, rankerWeights: TEST_WEIGHTS, options });
    const doc = 'Dublin is the capital of Ireland and the river Liffey runs through it.\n\nThe WHO published a report on New York City.';
    const [a, b] = [await embedded.linkDocument(doc), await viaStore.linkDocument(doc)];
    assert.deepEqual(b.map((m) => m.text), a.map((m) => m.text));
    assert.ok(a.length >= 4);
    a.forEach((m, i) => {
      assert.deepEqual(b[i].candidates.map((c) => c.id), m.candidates.map((c) => c.id), `candidates of '${m.text}'`);
      m.candidates.forEach((c, k) => assert.ok(Math.abs(b[i].candidates[k].score - c.score) < 1e-4));
    });
  } finally {
    await store.close();
  }
});

void test('a killed build resumes where it stopped, and linking refuses the unfinished store until then', async () => {
  const url = server.urlFor('resume');
  const controller = new AbortController();
  await assert.rejects(
    build(url, { batchSize: 5, signal: controller.signal, onProgress: (p) => p.done >= 5 && controller.abort() }),
    (e: unknown) => LinkerError.is(e, 'cancelled'),
  );
  const connection = new PgConnection({ location: parseStoreUrl(url) });
  try {
    const state = await readStoreState(connection);
    assert.equal(state?.rowsDone, 5);
    assert.equal(state?.complete, false);
    await assert.rejects(open(url), (e: unknown) => LinkerError.is(e, 'indexStale') && /not finished.*5 of 12 entities.*resumes/s.test((e as Error).message));
    const resumed = await build(url, { batchSize: 5 });
    assert.equal(resumed.action, 'resumed');
    assert.equal(resumed.rowsWritten, kb.size - 5);
    const counts = await connection.read<{ entities: number; names: number }>(
      `SELECT (SELECT count(*) FROM "${parseStoreUrl(url).schema}".entities)::int AS entities, (SELECT count(*) FROM "${parseStoreUrl(url).schema}".names)::int AS names`,
    );
    assert.deepEqual(counts[0], { entities: kb.size, names: kb.entities.reduce((n, e, row) => n + nameRowsOf(row, e).length, 0) });
  } finally {
    await connection.close();
  }
  const store = await open(url);
  await store.close();
});

void test('a store built with another model or from another KB is refused with the reason and the rebuild command', async () => {
  const url = server.urlFor('stamp');
  await build(url);
  const refused = async (expect: typeof stamp, pattern: RegExp): Promise<void> =>
    assert.rejects(open(url, expect), (e: unknown) => LinkerError.is(e, 'indexStale') && pattern.test((e as Error).message) && (e as Error).message.includes(REBUILD));
  await refused({ ...stamp, modelId: 'another-model-0123' }, /built with model fake-ngram-h.*this session uses model another-mode/);
  await refused({ ...stamp, kbHash: 'f'.repeat(64) }, /KB with content hash .*the KB changed/);
  const rebuilt = await build(url, { stamp: { ...stamp, modelId: 'another-model-0123', vectorType: 'halfvec' } });
  assert.equal(rebuilt.action, 'built');
  assert.match(rebuilt.reason ?? '', /model/);
  const halfvec = await open(url, { ...stamp, modelId: 'another-model-0123' });
  try {
    const [hits] = await halfvec.retrieve([queries[0]], LIMITS);
    const exact = new ExactIndex(vectors, dims).search(queries[0].vector!, LIMITS.dense);
    assert.deepEqual(hits.dense.map((h) => h.row), exact.map((h) => h.row), 'float16 vectors rank as the float32 ones here');
  } finally {
    await halfvec.close();
  }
});

void test('a lost connection is retried once; a server that stays down gives a clear error and the next call recovers', async () => {
  const url = server.urlFor('lost');
  await build(url);
  const store = await open(url);
  try {
    const [first] = await store.retrieve([queries[0]], LIMITS);
    server.cutConnections();
    const [again] = await store.retrieve([queries[0]], LIMITS);
    assert.deepEqual(again.dense, first.dense, 'reconnected and answered');
    server.setDown(true);
    server.cutConnections();
    await assert.rejects(store.retrieve([queries[0]], LIMITS), (e: unknown) => LinkerError.is(e, 'storeUnavailable') && /could not be reached.*next request tries again/s.test((e as Error).message));
    server.setDown(false);
    const [recovered] = await store.retrieve([queries[0]], LIMITS);
    assert.deepEqual(recovered.dense, first.dense, 'not wedged');
  } finally {
    server.setDown(false);
    await store.close();
  }
});

void test('a password in the URL never appears in an error', async () => {
  const withPassword = new URL(server.urlFor('secret'));
  withPassword.password = 'hunter2';
  server.setDown(true);
  try {
    await assert.rejects(open(withPassword.toString()), (e: unknown) => {
      const message = (e as Error).message;
      return LinkerError.is(e, 'storeUnavailable') && !message.includes('hunter2') && message.includes(':***@');
    });
  } finally {
    server.setDown(false);
  }
});
