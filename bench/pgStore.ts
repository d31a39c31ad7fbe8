/**
 * The PostgreSQL KB store (src/core/store) against the embedded indexes, on wiki11k (../shared/data) with the
 * built-in model, in one run:
 * - build: entities/s writing entities, names and vectors (embedding excluded: the vectors come from the bench
 *   cache), and the time of the store's indexes (pgvector HNSW, pg_trgm GIN) beside the embedded HNSW build;
 * - one mention's candidates: context dense top-64 + lexical top-64 + n-gram top-64 (with the stored vectors of
 *   every row returned, fetched cold: the linker needs them), latency p50/p95 for the store and the embedded
 *   indexes, and dense recall@64 against the exact index for both;
 * - the whole linker (shipped ranker weights) on elevant gold spans not used to train it, with the store and
 *   with the embedded HNSW index: accuracy and recall@64;
 * - with --synthetic N: a synthetic KB of N entities (clustered unit vectors, made-up names), build and query
 *   latency, and the linking process's resident memory (the vectors stay in the server).
 *
 *   node out/bench/pgStore.js [--queries 300] [--docs oke-2015-eval,oke-2016-eval,derczynski,news-fair]
 *                             [--no-linker] [--synthetic 100000 [--no-wiki]] [--vector-type vector|halfvec]
 *
 * Server: ENTITY_LINKER_PG_URL when set (a schema `el_bench` is replaced), else PGlite (PostgreSQL compiled to
 * WASM, single-threaded, in a child process): its latencies are those of a single-threaded WASM build, not of
 * a native server.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate } from '../src/core/eval/evaluate';
import { readGold } from '../src/core/formats/goldFormat';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { ExactIndex } from '../src/core/index/exactIndex';
import { HnswIndex } from '../src/core/index/hnswIndex';
import type { VectorIndex } from '../src/core/index/vectorIndex';
import type { Entity } from '../src/core/kb/entity';
import { kbContentHash } from '../src/core/kb/kbContentHash';
import { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { silentLogger } from '../src/core/log';
import { LexicalIndex } from '../src/core/linker/lexicalIndex';
import { Linker } from '../src/core/linker/linker';
import { NgramIndex } from '../src/core/linker/ngramIndex';
import { loadRankerWeights } from '../src/core/linker/ranker';
import { mentionText, templateId } from '../src/core/linker/textTemplates';
import { openEncoder } from '../src/core/session/openEncoder';
import { EmbeddedCandidateStore, type CandidateQuery, type CandidateStore } from '../src/core/store/candidateStore';
import { openPgCandidateStore } from '../src/core/store/pgCandidateStore';
import { PgConnection } from '../src/core/store/pgConnection';
import { PgEntityRecords } from '../src/core/store/pgEntityRecords';
import type { StoredVectorType } from '../src/core/store/pgSchema';
import { buildPgStore } from '../src/core/store/pgStoreBuild';
import { parseStoreUrl } from '../src/core/store/storeUrl';
import { DATA, openWiki11k, ROOT, secs, TEMPLATE } from './benchData';
import { startServer } from './pgliteServer';
import { MemoEncoder } from './qualityLinkers';
import { clusteredVectors, queriesNear } from '../test/unit/index/clusteredVectors';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const QUERIES = Number(arg('--queries') ?? 300);
const DOCS = (arg('--docs') ?? 'oke-2015-eval,oke-2016-eval,derczynski,news-fair').split(',');
const SYNTHETIC = arg('--synthetic') === undefined ? 0 : Number(arg('--synthetic'));
const VECTOR_TYPE = (arg('--vector-type') ?? 'vector') as StoredVectorType;
const K = 64;
const LIMITS = { dense: K, lexical: K, ngram: K };

function pctl(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

async function buildStore(url: string, entities: readonly Entity[], vectors: Float32Array, stamp: { modelId: string; kbHash: string; templateId: string; dims: number }) {
  const connection = new PgConnection({ location: parseStoreUrl(url) });
  try {
    await connection.write(`DROP SCHEMA IF EXISTS "${parseStoreUrl(url).schema}" CASCADE`);
    const progress = (p: { stage: string; done: number; total?: number }): void => {
      if (p.done % 10_000 === 0 || p.done === p.total) console.error(`  ${p.stage}: ${p.done}${p.total === undefined ? '' : `/${p.total}`} (${new Date().toISOString().slice(11, 19)})`);
    };
    return await buildPgStore({ connection, entities, vectors, stamp: { ...stamp, vectorType: VECTOR_TYPE }, onProgress: progress });
  } finally {
    await connection.close();
  }
}

interface QueryFigures {
  readonly p50: number;
  readonly p95: number;
  readonly recall: number;
}

/** Latency of one mention's candidates (one retrieve call per query) and dense recall@64 against `exact`. */
async function measure(store: CandidateStore, queries: readonly CandidateQuery[], exact: VectorIndex): Promise<QueryFigures> {
  const times: number[] = [];
  let found = 0;
  let wanted = 0;
  for (const q of queries) {
    const t = performance.now();
    const [got] = await store.retrieve([q], LIMITS);
    times.push(performance.now() - t);
    const truth = new Set(exact.search(q.vector!, K).map((h) => h.row));
    wanted += truth.size;
    found += got.dense.filter((h) => truth.has(h.row)).length;
  }
  return { p50: pctl(times, 0.5), p95: pctl(times, 0.95), recall: found / wanted };
}

function row(name: string, f: QueryFigures): string {
  return `| ${name} | ${f.p50.toFixed(2)} | ${f.p95.toFixed(2)} | ${f.recall.toFixed(4)} |`;
}

async function main(): Promise<void> {
  const server = await startServer();
  const serverNote = server.kind === 'pglite' ? 'PGlite 0.5 (PostgreSQL 18 in WASM, single-threaded, child process) with pgvector and pg_trgm' : 'ENTITY_LINKER_PG_URL';
  console.log(`# KB store on PostgreSQL vs embedded indexes (bench/pgStore.ts), ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${mib(os.totalmem())}; server: ${serverNote}; stored vectors: ${VECTOR_TYPE}`);
  try {
    if (args.includes('--no-wiki')) {
      await synthetic(server.url, SYNTHETIC, 512);
      return;
    }
    const { encoder, modelDir } = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
    const memo = new MemoEncoder(encoder);
    const wiki = await openWiki11k(memo);
    const { kb } = wiki;
    const dims = encoder.dims;
    const flat = wiki.vectors.flat;
    const stamp = { modelId: encoder.modelId, kbHash: kbContentHash(kb), templateId: templateId(TEMPLATE), dims };
    console.log(`setup: ${wiki.setup.join('; ')}`);

    // Build
    const url = withSchema(server.url, 'el_bench');
    const built = await buildStore(url, kb.entities, flat, stamp);
    let t = performance.now();
    await HnswIndex.build(flat, dims);
    const hnswSeconds = (performance.now() - t) / 1000;
    console.log('');
    console.log(`## wiki11k (${kb.size} entities, ${dims}-d)`);
    console.log('');
    console.log('| build | rows (entities/s) | indexes |');
    console.log('|---|---|---|');
    console.log(`| store (${built.writer}) | ${built.seconds.rows.toFixed(1)} s (${(kb.size / built.seconds.rows).toFixed(0)}/s) | ${built.seconds.indexes.toFixed(1)} s (HNSW m 16, ef_construction 64; GIN trigram; btree) |`);
    console.log(`| embedded | - | ${hnswSeconds.toFixed(1)} s (hnswlib m 16, ef_construction 200) |`);

    // One mention's candidates
    const docs: GoldDocument[] = [];
    for (const name of DOCS) docs.push(...(await readGold(path.join(DATA, `elevant/${name}.benchmark.jsonl`), 'elevant')));
    const spans = docs.flatMap((d) => d.mentions.map((m) => ({ text: d.text, start: m.start, end: m.end }))).slice(0, QUERIES);
    const contextVectors = await memo.encode(spans.map((s) => mentionText(s.text, s, TEMPLATE)), { role: 'mention' });
    const queries: CandidateQuery[] = spans.map((s, i) => ({ text: s.text.slice(s.start, s.end), vector: contextVectors[i] }));
    const exact = new ExactIndex(flat, dims);
    const cold = await openPgCandidateStore({ location: parseStoreUrl(url), expect: stamp, rebuildCommand: 'bench', vectorCache: 1 });
    const embedded = new EmbeddedCandidateStore(wiki.index, new LexicalIndex(kb.entities), new NgramIndex(kb.entities));
    await measure(cold, queries.slice(0, 20), exact);
    await measure(embedded, queries.slice(0, 20), exact);
    const pgFigures = await measure(cold, queries, exact);
    const embeddedFigures = await measure(embedded, queries, exact);
    await cold.close();
    console.log('');
    console.log(`One mention's candidates (dense top-${K} + lexical top-${K} + n-gram top-${K}; the store also returns the stored vectors of every row, uncached), ${queries.length} elevant mentions:`);
    console.log('');
    console.log('| retrieval | p50 ms | p95 ms | dense recall@64 vs exact |');
    console.log('|---|---|---|---|');
    console.log(row(`store (${server.kind === 'pglite' ? 'PGlite, single-threaded WASM' : 'server'}, hnsw.ef_search 200)`, pgFigures));
    console.log(row('embedded (hnswlib efSearch 500, MiniSearch, n-gram index)', embeddedFigures));

    // The whole linker
    if (!args.includes('--no-linker')) {
      const rankerWeights = await loadRankerWeights(modelDir);
      const store = await openPgCandidateStore({ location: parseStoreUrl(url), expect: stamp, rebuildCommand: 'bench' });
      const linkers = [
        { name: 'embedded HNSW', linker: new Linker({ kb, encoder: memo, index: wiki.index, rankerWeights, options: { template: TEMPLATE } }) },
        { name: 'store', linker: new Linker({ kb, encoder: memo, candidateStore: store, rankerWeights, options: { template: TEMPLATE } }) },
        // No KB in the linker: the records it ranks come from the store, one query per document (session 4).
        { name: 'store, records from the store', linker: new Linker({ records: new PgEntityRecords(store.connection, store.stamp), encoder: memo, candidateStore: store, rankerWeights, options: { template: TEMPLATE } }) },
      ];
      console.log('');
      console.log(`Whole linker, gold spans of elevant ${DOCS.join(', ')} (not used to train the ranker), shipped ranker weights:`);
      console.log('');
      console.log('| candidates from | accuracy | recall@64 | in-KB mentions | s |');
      console.log('|---|---|---|---|---|');
      for (const { name, linker } of linkers) {
        t = performance.now();
        const report = await evaluate({ docs, linker, mapGold: wiki.mapGold, topK: K, skipInvalid: true });
        const m = report.metrics;
        console.log(`| ${name} | ${((m.accuracy ?? 0) * 100).toFixed(2)} | ${((m['recall@64'] ?? 0) * 100).toFixed(2)} | ${m.inKb} | ${secs(performance.now() - t)} |`);
      }
      await store.close();
    }

    if (SYNTHETIC > 0) await synthetic(server.url, SYNTHETIC, dims);
    await memo.dispose();
    await encoder.dispose();
  } finally {
    await server.stop();
  }
}

/**
 * A synthetic KB: clustered unit vectors (as bench/indexRecall.ts: uniform random 512-d vectors have no near
 * neighbours to find, so HNSW recall on them says nothing) and made-up names; build, one-mention latency, recall
 * of queries near KB vectors, linking-process memory.
 */
async function synthetic(serverUrl: string, n: number, dims: number): Promise<void> {
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const syllables = ['ka', 'lo', 'mi', 'ren', 'to', 'sa', 'vel', 'dor', 'an', 'que', 'bri', 'hul'];
  const word = (): string => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => syllables[Math.floor(rand() * syllables.length)]).join('');
  const entities: Entity[] = Array.from({ length: n }, (_, i) => ({ id: `S${i}`, title: `${word()} ${word()}`, text: '', aliases: [] }));
  const vectors = clusteredVectors({ n, dims, clusters: Math.max(10, Math.round(n / 100)), spread: 0.8, seed: 21 });
  const near = queriesNear(vectors, dims, 100, 0.03, 22);
  const kb = new KnowledgeBase(`synthetic ${n}`, entities);
  const stamp = { modelId: 'synthetic', kbHash: kbContentHash(kb), templateId: 'synthetic', dims };
  const url = withSchema(serverUrl, 'el_bench_synthetic');
  console.log('');
  console.log(`## synthetic ${n} entities (${dims}-d clustered unit vectors, n/100 clusters, made-up names)`);
  console.log('');
  const built = await buildStore(url, entities, vectors, stamp);
  console.log(`build: rows ${built.seconds.rows.toFixed(1)} s (${(n / built.seconds.rows).toFixed(0)} entities/s, ${built.writer}), indexes ${built.seconds.indexes.toFixed(1)} s`);
  const queries: CandidateQuery[] = Array.from({ length: 100 }, (_, i) => {
    const r = Math.floor(rand() * n);
    return { text: entities[r].title.slice(0, -1), vector: near.slice(i * dims, (i + 1) * dims) };
  });
  const rssBefore = process.memoryUsage().rss;
  const store = await openPgCandidateStore({ location: parseStoreUrl(url), expect: stamp, rebuildCommand: 'bench', vectorCache: 1 });
  const figures = await measure(store, queries, new ExactIndex(vectors, dims));
  const rssAfter = process.memoryUsage().rss;
  await store.close();
  console.log(`one mention (dense + lexical + n-gram top-${K}, vectors uncached): p50 ${figures.p50.toFixed(2)} ms, p95 ${figures.p95.toFixed(2)} ms, dense recall@64 vs exact ${figures.recall.toFixed(4)}`);
  console.log(`linking process RSS around opening the store and querying: ${mib(rssBefore)} -> ${mib(rssAfter)} (the bench itself holds the ${mib(vectors.byteLength)} of vectors to compute the exact answer)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
